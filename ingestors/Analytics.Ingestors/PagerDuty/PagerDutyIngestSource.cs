using Analytics.Ingestors.Incidents;
using Analytics.Ingestors.Runs;
using Analytics.Ingestors.Sources;
using Analytics.Storage.ClickHouse;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Analytics.Ingestors.PagerDuty;

/// <summary>
/// A configured PagerDuty source (<c>Analytics:Sources:&lt;name&gt;:Kind = pagerduty</c>): its incidents into the
/// incidents table (see <see cref="PagerDutyIncidentReader"/>), run by <see cref="IngestRunner"/> like every source.
/// </summary>
/// <remarks>Every failure leaves as a <see cref="SourceIngestException"/> with the token masked and no inner exception.</remarks>
public sealed class PagerDutyIngestSource(PagerDutySourceSettings settings, IClickHouseStore store, TimeProvider clock, ILoggerFactory loggers) : IIngestSource
{
    private readonly ILogger _logger = loggers.CreateLogger<PagerDutyIngestSource>();

    public string Name => settings.Name;

    public string Kind => PagerDutySourceSettings.Kind;

    /// <summary>Requests the last run sent (retries included); null before the first.</summary>
    public long? LastRunRequests { get; private set; }

    public async Task<IngestResult> RunAsync(IngestContext context, CancellationToken cancellationToken)
    {
        using var api = new PagerDutyApi(settings, clock, _logger);
        try
        {
            return await WatchedIncidentReader.RunAsync(context, store, clock, settings.Name, settings.Since,
                run => new PagerDutyIncidentReader(settings, api, run), () => api.Requests, settings.Token, _logger, cancellationToken);
        }
        finally
        {
            LastRunRequests = api.Requests;
        }
    }
}

public sealed class PagerDutySourceFactory(IClickHouseStore store, TimeProvider clock, ILoggerFactory loggers) : IIngestSourceFactory
{
    public string Kind => PagerDutySourceSettings.Kind;

    public IEnumerable<string> Validate(string name, IConfigurationSection settings) => PagerDutySourceSettings.Validate(settings);

    public IIngestSource Create(string name, IConfigurationSection settings) =>
        new PagerDutyIngestSource(PagerDutySourceSettings.Parse(settings), store, clock, loggers);
}

public static class PagerDutyIngestionServiceCollectionExtensions
{
    /// <summary>Registers the <c>pagerduty</c> source kind. Needs the storage services and <c>AddIngestion</c>.</summary>
    public static IServiceCollection AddPagerDutyIngestion(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IIngestSourceFactory, PagerDutySourceFactory>());
        services.AddSourceKindSettings(PagerDutySourceSettings.KindSettings);
        return services;
    }
}
