using Analytics.Ingestors.Runs;
using Analytics.Ingestors.Sources;
using Analytics.Storage.ClickHouse;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Analytics.Ingestors.Opsgenie;

/// <summary>
/// A configured Opsgenie source (<c>Analytics:Sources:&lt;name&gt;:Kind = opsgenie</c>): its incidents into the
/// incidents table (see <see cref="OpsgenieIncidentReader"/>), run by <see cref="IngestRunner"/> like every source.
/// </summary>
/// <remarks>Every failure leaves as a <see cref="SourceIngestException"/> with the API key masked and no inner exception.</remarks>
public sealed class OpsgenieIngestSource(OpsgenieSourceSettings settings, IClickHouseStore store, TimeProvider clock, ILoggerFactory loggers) : IIngestSource
{
    private readonly ILogger _logger = loggers.CreateLogger<OpsgenieIngestSource>();

    public string Name => settings.Name;

    public string Kind => OpsgenieSourceSettings.Kind;

    /// <summary>Requests the last run sent (retries included); null before the first.</summary>
    public long? LastRunRequests { get; private set; }

    public async Task<IngestResult> RunAsync(IngestContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var api = new OpsgenieApi(settings, clock, _logger);
        try
        {
            var run = new SourceRun(context, store);
            await new OpsgenieIncidentReader(settings, api, run, clock).ReadAsync(cancellationToken);
            _logger.LogInformation("Opsgenie source {Source}: {Requests} requests.", settings.Name, api.Requests);
            return run.Result();
        }
        catch (Exception error)
        {
            throw SourceIngestException.From(error, cancellationToken, settings.ApiKey);
        }
        finally
        {
            LastRunRequests = api.Requests;
        }
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
