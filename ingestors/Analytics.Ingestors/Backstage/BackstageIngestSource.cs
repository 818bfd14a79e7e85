using Analytics.Ingestors.Csv;
using Analytics.Ingestors.Runs;
using Analytics.Ingestors.Sources;
using Analytics.Storage.ClickHouse;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Analytics.Ingestors.Backstage;

/// <summary>What one run of a Backstage source asked Backstage for.</summary>
/// <param name="Requests">HTTP requests sent, retries and 304s included.</param>
/// <param name="NotModified">Of those, answered 304 Not Modified.</param>
public sealed record BackstageRunStatistics(long Requests, long NotModified);

/// <summary>
/// A configured Backstage source (<c>Analytics:Sources:&lt;name&gt;:Kind = backstage</c>): the catalog
/// (<see cref="BackstageCatalogReader"/>), then the scaffolder's tasks (<see cref="BackstageTaskReader"/>), run by
/// <see cref="IngestRunner"/> like every source. Records Backstage gives that the catalog refuses are the run's
/// problems (the run fails and moves no cursor; the valid ones are written).
/// </summary>
/// <remarks>The token never reaches a log or an error: failures leave as a <see cref="BackstageIngestException"/> with it masked and no inner exception.</remarks>
public sealed class BackstageIngestSource(
    BackstageSourceSettings settings, IClickHouseStore store, CsvImporter importer, TimeProvider clock, ILoggerFactory loggers) : IIngestSource
{
    private readonly ILogger _logger = loggers.CreateLogger<BackstageIngestSource>();

    public string Name => settings.Name;

    public string Kind => BackstageSourceSettings.Kind;

    /// <summary>The requests of the last run (finished or not); null before the first.</summary>
    public BackstageRunStatistics? LastRun { get; private set; }

    public async Task<IngestResult> RunAsync(IngestContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var api = new BackstageApi(settings, clock, _logger);
        try
        {
            var run = new BackstageSyncRun(settings, api, new SourceRun(context, store), importer);
            await new BackstageCatalogReader(run).ReadAsync(cancellationToken);
            if (settings.Scaffolder)
            {
                await new BackstageTaskReader(run).ReadAsync(cancellationToken);
            }
            _logger.LogInformation("Backstage source {Source}: {Requests} requests of which {NotModified} answered 304.", settings.Name, api.Requests, api.NotModified);
            return run.Run.Result() with { Problems = run.Problems };
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("The Backstage run was cancelled.", cancellationToken);
        }
        catch (Exception error)
        {
            throw new BackstageIngestException(Redact(IngestRunner.Describe(error)));
        }
        finally
        {
            LastRun = new BackstageRunStatistics(api.Requests, api.NotModified);
        }
    }

    private string Redact(string text) => settings.Token.Length == 0 ? text : text.Replace(settings.Token, "***", StringComparison.Ordinal);
}

/// <summary>A Backstage source's run failed; the message says why, with the token masked.</summary>
public sealed class BackstageIngestException(string message) : Exception(message);

/// <summary>Builds <see cref="BackstageIngestSource"/>s from their configuration section (see <see cref="BackstageSourceSettings"/>).</summary>
public sealed class BackstageSourceFactory(IClickHouseStore store, CsvImporter importer, TimeProvider clock, ILoggerFactory loggers) : IIngestSourceFactory
{
    public string Kind => BackstageSourceSettings.Kind;

    public IEnumerable<string> Validate(string name, IConfigurationSection settings) => BackstageSourceSettings.Validate(settings);

    public IIngestSource Create(string name, IConfigurationSection settings) =>
        new BackstageIngestSource(BackstageSourceSettings.Parse(settings), store, importer, clock, loggers);
}

public static class BackstageIngestionServiceCollectionExtensions
{
    /// <summary>Registers the <c>backstage</c> source kind. Needs the storage services and <c>AddIngestion</c>.</summary>
    public static IServiceCollection AddBackstageIngestion(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IIngestSourceFactory, BackstageSourceFactory>());
        services.AddSourceKindSettings(BackstageSourceSettings.KindSettings);
        return services;
    }
}
