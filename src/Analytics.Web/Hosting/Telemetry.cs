using Analytics.Ingestors.Runs;
using Analytics.Storage.ClickHouse;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Analytics.Web.Hosting;

/// <summary>
/// OpenTelemetry traces and metrics (docs/operations.md, Telemetry): ingest runs (<see cref="IngestTelemetry"/>),
/// ClickHouse calls by SQL file (<see cref="InstrumentedStore"/>) and HTTP requests, page loads included (ASP.NET Core's
/// instrumentation). Exported over OTLP only when <c>Analytics:Telemetry:OtlpEndpoint</c> or the standard
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set; otherwise collected for nobody.
/// </summary>
public static class Telemetry
{
    public const string ServiceName = "analytics";

    public static IServiceCollection AddAnalyticsTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName))
            .WithTracing(tracing => tracing.AddSource(IngestTelemetry.Name, InstrumentedStore.Name).AddAspNetCoreInstrumentation())
            .WithMetrics(metrics => metrics.AddMeter(IngestTelemetry.Name, InstrumentedStore.Name).AddAspNetCoreInstrumentation());
        var endpoint = configuration[$"{TelemetryOptions.Section}:OtlpEndpoint"];
        if (!string.IsNullOrWhiteSpace(endpoint) && Uri.TryCreate(endpoint, UriKind.Absolute, out var uri))
        {
            telemetry.UseOtlpExporter(OpenTelemetry.Exporter.OtlpExportProtocol.Grpc, uri);
        }
        else if (!string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            // The exporter reads OTEL_EXPORTER_OTLP_ENDPOINT, _PROTOCOL and _HEADERS itself.
            telemetry.UseOtlpExporter();
        }
        return services;
    }
}
