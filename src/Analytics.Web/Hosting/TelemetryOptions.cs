namespace Analytics.Web.Hosting;

/// <summary>Configuration section "Analytics:Telemetry": where OpenTelemetry sends traces and metrics. Checked by <see cref="TelemetryOptionsValidator"/>.</summary>
public sealed class TelemetryOptions
{
    public const string Section = "Analytics:Telemetry";

    /// <summary>An OTLP collector (gRPC, e.g. http://otel-collector:4317); none: nothing is exported unless OTEL_EXPORTER_OTLP_ENDPOINT is set.</summary>
    public string? OtlpEndpoint { get; set; }
}
