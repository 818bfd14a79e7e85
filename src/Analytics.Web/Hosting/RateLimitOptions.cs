namespace Analytics.Web.Hosting;

/// <summary>
/// Configuration section "Analytics:RateLimits": how many requests one client (by remote address) may make per window
/// to the JSON API, the push API and the sign-in pages (/account/*). Checked by <see cref="RateLimitOptionsValidator"/>.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "Analytics:RateLimits";

    /// <summary>/api/* except push: portals and scripts reading figures (a dashboard page's exports count too).</summary>
    public RateLimit Api { get; set; } = new() { PermitLimit = 600, Window = TimeSpan.FromMinutes(1) };

    /// <summary>/api/push/*: CI pipelines reporting deployments and incidents, often many behind one address.</summary>
    public RateLimit Push { get; set; } = new() { PermitLimit = 1200, Window = TimeSpan.FromMinutes(1) };

    /// <summary>/account/*: sign-in attempts.</summary>
    public RateLimit Account { get; set; } = new() { PermitLimit = 20, Window = TimeSpan.FromMinutes(1) };
}

/// <summary>At most <see cref="PermitLimit"/> requests per <see cref="Window"/> (a fixed window) from one client.</summary>
public sealed class RateLimit
{
    public int PermitLimit { get; set; }

    public TimeSpan Window { get; set; }
}
