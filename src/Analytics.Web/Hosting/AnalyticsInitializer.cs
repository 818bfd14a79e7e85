using Analytics.Ingestors.Demo;
using Analytics.Storage;
using Analytics.Storage.Catalog;
using Analytics.Storage.ClickHouse;
using Microsoft.Extensions.Options;

namespace Analytics.Web.Hosting;

/// <summary>
/// Brings the stores to the current schema and, on an empty store in development (or when asked for with
/// <c>Analytics:Demo:LoadWhenEmpty=true</c>), loads the demo organisation — so a fresh clone shows a populated
/// dashboard from one command — then the derived tables up to date. Production never gets the demo by itself.
/// </summary>
public sealed class AnalyticsInitializer(
    StoreStartup storeStartup,
    IClickHouseStore store,
    CatalogSeeding catalog,
    CatalogMirrorSync mirror,
    IDerivedTables derivedTables,
    IOptions<DemoOptions> demoOptions,
    IHostEnvironment environment,
    TimeProvider clock,
    ILogger<AnalyticsInitializer> logger)
{
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        var steps = await storeStartup.RunAsync(cancellationToken);
        // The process's age includes the runtime's start and the engine's (opened when the store was first resolved).
        logger.LogInformation(
            "Store ready: {Transport} ClickHouse, database {Database}, {SinceStart:N0} ms after the process started (catalog schema {CatalogSchema:N0} ms, engine schema {EngineSchema:N0} ms, mirrors {Mirrors:N0} ms).",
            store.Transport, store.Database, ProcessAge().TotalMilliseconds,
            steps.CatalogSchema.TotalMilliseconds, steps.EngineSchema.TotalMilliseconds, steps.Mirrors.TotalMilliseconds);
        var demo = demoOptions.Value;
        if ((demo.LoadWhenEmpty ?? environment.IsDevelopment()) && await DemoOrganisationLoader.IsEmptyAsync(store, cancellationToken))
        {
            await LoadDemoAsync(DemoScale.Parse(demo.Scale), demo.Seed, cancellationToken);
        }
        // Before the first request, not during it (at scale L a full rebuild takes seconds).
        var check = System.Diagnostics.Stopwatch.StartNew();
        await derivedTables.RefreshStaleAsync(cancellationToken);
        logger.LogInformation("Derived tables checked (and refreshed where stale) in {Elapsed:N0} ms.", check.Elapsed.TotalMilliseconds);
    }

    private static TimeSpan ProcessAge()
    {
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        return DateTime.Now - process.StartTime;
    }

    public async Task<DemoLoadSummary> LoadDemoAsync(DemoScale scale, int seed, CancellationToken cancellationToken = default)
    {
        var end = new DateTimeOffset(clock.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero);
        logger.LogInformation("Loading the demo organisation ({Scale}, seed {Seed}) up to {End:yyyy-MM-dd}…", scale, seed, end);
        var progress = new Progress<string>(message => logger.LogInformation("{Progress}", message));
        var summary = await DemoOrganisationLoader.LoadAsync(store, catalog, scale, seed, end, progress, cancellationToken);
        await mirror.SyncAsync(cancellationToken);
        await derivedTables.RefreshStaleAsync(cancellationToken);
        logger.LogInformation("Demo organisation loaded: {Rows} rows.", summary.TotalRows);
        return summary;
    }
}

/// <summary>Runs the initializer before Kestrel starts listening, so the first page is never empty.</summary>
public sealed class AnalyticsInitializerHostedService(AnalyticsInitializer initializer) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => initializer.InitializeAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
