using Analytics.Ingestors.Incidents;
using Analytics.Ingestors.Runs;
using Analytics.Ingestors.Sources;
using Analytics.Storage.ClickHouse;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Analytics.Ingestors.Opsgenie;

/// <summary>
/// A configured Opsgenie source (<c>Analytics:Sources:&lt;name&gt;:Kind = opsgenie</c>): its incidents into the incidents
/// table (see <see cref="OpsgenieIncidentReader"/>), run by <see cref="IngestRunner"/> like every source; a failure
/// leaves with the API key masked.
/// </summary>
public sealed class OpsgenieIngestSource(OpsgenieSourceSettings settings, IClickHouseStore store, TimeProvider clock, ILoggerFactory loggers) : IIngestSource
{
    private readonly ILogger _logger = loggers.CreateLogger<OpsgenieIngestSource>();

    public string Name => settings.Name;

    public string Kind => OpsgenieSourceSettings.Kind;

    public async Task<IngestResult> RunAsync(IngestContext context, CancellationToken cancellationToken)
    {
        using var api = new OpsgenieApi(settings, clock, _logger);
        return await WatchedIncidentReader.RunAsync(context, store, clock, settings.Name, settings.Since,
            _ => new OpsgenieIncidentReader(settings, api), () => api.Requests, settings.ApiKey, _logger, cancellationToken);
    }
}

public sealed class OpsgenieSourceFactory(IClickHouseStore store, TimeProvider clock, ILoggerFactory loggers) : IIngestSourceFactory
{
    public string Kind => OpsgenieSourceSettings.Kind;

    public IEnumerable<string> Validate(string name, IConfigurationSection settings) => OpsgenieSourceSettings.Validate(settings);

    public IIngestSource Create(string name, IConfigurationSection settings) =>
        new OpsgenieIngestSource(OpsgenieSourceSettings.Parse(settings), store, clock, loggers);
}

public static class OpsgenieIngestionServiceCollectionExtensions
{
    /// <summary>Registers the <c>opsgenie</c> source kind. Needs the storage services and <c>AddIngestion</c>.</summary>
    public static IServiceCollection AddOpsgenieIngestion(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IIngestSourceFactory, OpsgenieSourceFactory>());
        services.AddSourceKindSettings(OpsgenieSourceSettings.KindSettings);
        return services;
    }
}
