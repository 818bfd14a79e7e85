using System.Diagnostics;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Analytics.Web.Tests.Hardening;

/// <summary>
/// A second real host, deployed as behind a TLS-terminating proxy at analytics.test: the https port is 443 (plain http
/// is redirected), low API rate and push body limits, and a query time limit no query keeps (every figure from the
/// API is a 503), over the tiny demo organisation. Its client speaks as the proxy: Host analytics.test, X-Forwarded-Proto https.
/// OpenTelemetry's in-memory exporters receive what the app's telemetry sends.
/// </summary>
public sealed class HardenedAppFixture : AnalyticsAppFixture
{
    public const string Host = "analytics.test";
    public const string PushToken = "ci-token-1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f";
    public const int ApiPermits = 5;
    public const int MaxPushBody = 4096;

    public List<Activity> Spans { get; } = [];

    public List<MetricSnapshot> Metrics { get; } = [];

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(Spans));
        services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddInMemoryExporter(Metrics));
    }

    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["AllowedHosts"] = Host;
        settings["HTTPS_PORT"] = "443";
        settings["Analytics:Demo:Scale"] = "Tiny";
        settings["Analytics:Api:QueryTimeout"] = "00:00:00.001";
        settings["Analytics:Api:MaxPushBodySize"] = MaxPushBody.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Analytics:RateLimits:Api:PermitLimit"] = ApiPermits.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings["Analytics:Push:Sources:ci:Token"] = PushToken;
    }

    /// <summary>A request as the proxy forwards it from <paramref name="client"/> (one rate-limit partition per client).</summary>
    public HttpRequestMessage Request(HttpMethod method, string path, string client, string scheme = "https")
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Host = Host;
        request.Headers.Add("X-Forwarded-For", client);
        request.Headers.Add("X-Forwarded-Proto", scheme);
        return request;
    }
}

[CollectionDefinition(Name)]
public sealed class HardenedAppCollection : ICollectionFixture<HardenedAppFixture>
{
    public const string Name = "Hardened app";
}
