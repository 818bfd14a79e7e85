namespace Analytics.Web.Hosting;

/// <summary>
/// Configuration section "Analytics:Https": HTTPS outside Development, and the TLS-terminating proxies whose
/// X-Forwarded-For/-Proto headers are believed. Checked by <see cref="HttpsOptionsValidator"/>.
/// </summary>
public sealed class HttpsOptions
{
    public const string Section = "Analytics:Https";

    /// <summary>Outside Development, redirect plain http requests to https (needs the https port: an https endpoint, or HTTPS_PORT).</summary>
    public bool Redirect { get; set; } = true;

    /// <summary>Outside Development, the Strict-Transport-Security max-age sent on https responses; 00:00:00 sends none.</summary>
    public TimeSpan HstsMaxAge { get; set; } = TimeSpan.FromDays(365);

    /// <summary>Addresses of proxies in front of the app (loopback always counts); their forwarded client address and scheme are used.</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks of such proxies in CIDR notation, e.g. 10.0.0.0/8.</summary>
    public List<string> KnownNetworks { get; set; } = [];
}
