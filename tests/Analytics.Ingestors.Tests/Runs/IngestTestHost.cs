using System.Collections.Concurrent;
using Analytics.Storage.ClickHouse.Embedded;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Analytics.Ingestors.Tests.Runs;

/// <summary>
/// The ingestion services wired as the app wires them (<see cref="IngestServiceCollectionExtensions.AddIngestion"/>),
/// over a migrated database of its own in this process's one embedded engine and a real SQLite catalog file in a
/// fresh temp folder. Everything logged is kept in <see cref="Logs"/>, so tests can check what reached the logs.
/// </summary>
public sealed class IngestTestHost : IAsyncDisposable
{
    /// <summary>The storage path every engine helper of this test process uses: chDB serves one path per process.</summary>
    public static readonly string EngineDataPath = Path.Combine(Path.GetTempPath(), $"analytics-tests-{Environment.ProcessId}");

    public const string SurveySalt = "test-salt-9f2c41d7e0b3a865";

    private readonly ServiceProvider _services;

    private IngestTestHost(string folder, IClickHouseStore store, DerivedTablesStore engineStore, IReadOnlyDictionary<string, string?> settings)
    {
        Folder = folder;
        Store = store;
        EngineStore = engineStore;
        Configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(Configuration);
        AddServicesTo(services, Configuration);
        _services = services.BuildServiceProvider();
    }

    /// <summary>
    /// Registers the same store, catalog file and ingestion services into another container (e.g. a web app's),
    /// with <paramref name="configuration"/> for the ingestion options. Its logs go to <see cref="Logs"/> too.
    /// </summary>
    public void AddServicesTo(IServiceCollection services, IConfiguration configuration) => services
        .AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(new CollectingLoggerProvider(Logs)))
        .AddSingleton(Store)
        .AddSingleton<IDerivedTables>(EngineStore)
        .AddSingleton<CatalogMirrorSync>()
        .AddCatalog($"Data Source={Path.Combine(Folder, "catalog.db")}")
        .AddIngestion(configuration);

    /// <summary>A folder of its own for the test's files; deleted afterwards.</summary>
    public string Folder { get; }

    /// <summary>The store the services use (the engine's, or a wrapper around it).</summary>
    public IClickHouseStore Store { get; }

    /// <summary>The real embedded store (behind the derived tables' upkeep, as in the app), for reading what was written.</summary>
    public DerivedTablesStore EngineStore { get; }

    public IConfiguration Configuration { get; }

    public ConcurrentQueue<string> Logs { get; } = new();

    public IServiceProvider Services => _services;

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    public IDbContextFactory<CatalogDbContext> Catalog => Get<IDbContextFactory<CatalogDbContext>>();

    /// <param name="settings">Configuration on top of the survey salt (a null value removes a key).</param>
    /// <param name="wrapStore">Puts something between the services and the engine, e.g. a gate.</param>
    public static async Task<IngestTestHost> CreateAsync(
        IReadOnlyDictionary<string, string?>? settings = null, Func<IClickHouseStore, IClickHouseStore>? wrapStore = null)
    {
        var sqlFiles = new SqlFiles();
        var engineStore = new DerivedTablesStore(await ChDbStore.OpenAsync(EngineDataPath, $"ingest_{Guid.NewGuid():N}"), sqlFiles);
        await new MigrationRunner(engineStore, sqlFiles).MigrateAsync();
        var merged = new Dictionary<string, string?> { ["Analytics:Surveys:RespondentSalt"] = SurveySalt };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            merged[key] = value;
        }
        var host = new IngestTestHost(
            Directory.CreateTempSubdirectory("analytics-ingest-").FullName, wrapStore?.Invoke(engineStore) ?? engineStore, engineStore, merged);
        // As the app's start-up does: without the mirror, no environment counts as production.
        await host.Get<CatalogDatabase>().MigrateAsync();
        await host.Get<CatalogMirrorSync>().SyncAsync();
        return host;
    }

    /// <summary>
    /// A host with the scheduler as the web host registers it (<see cref="IngestScheduling.AddIngestScheduling"/>)
    /// over these services; <paramref name="addSources"/> registers more source kinds (e.g. <c>AddGitIngestion</c>).
    /// </summary>
    public IHost BuildSchedulerHost(Action<IServiceCollection, IConfiguration>? addSources = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddConfiguration(Configuration);
        AddServicesTo(builder.Services, builder.Configuration);
        addSources?.Invoke(builder.Services, builder.Configuration);
        builder.Services.AddIngestScheduling(builder.Configuration);
        return builder.Build();
    }

    /// <summary>The source's latest runs once <paramref name="count"/> of them have finished (or after 30 s, whatever they are then).</summary>
    public static async Task<IReadOnlyList<IngestRun>> WaitForFinishedRunsAsync(IngestRunLog catalog, string source, int count)
    {
        // Returns as soon as the runs have finished; the bound is for a loaded machine (a run took over 30 s to start at load 49).
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (true)
        {
            var runs = await catalog.RecentRunsAsync(source, 10);
            if (runs.Count(r => r.Status != IngestRunStatus.Running) >= count || DateTime.UtcNow > deadline)
            {
                return runs;
            }
            await Task.Delay(50);
        }
    }

    /// <summary>Writes a file into <see cref="Folder"/> (or a sub-folder) and returns its path.</summary>
    public string WriteFile(string relativePath, string content)
    {
        var path = Path.Combine(Folder, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    public async Task<long> CountAsync(string tableExpression, string where = "1")
    {
        var rows = await EngineStore.QueryAsync<CountRow>($"SELECT count() AS n FROM {tableExpression} WHERE {where}");
        return rows[0].N;
    }

    public async Task<T> WithCatalogAsync<T>(Func<CatalogDbContext, Task<T>> query)
    {
        await using var db = await Catalog.CreateDbContextAsync();
        return await query(db);
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await EngineStore.ExecuteAsync($"DROP DATABASE IF EXISTS {EngineStore.Database}");
        await EngineStore.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(Folder, recursive: true);
    }

    private sealed record CountRow(long N);

    private sealed class CollectingLoggerProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new CollectingLogger(categoryName, lines);

        public void Dispose()
        {
        }
    }

    private sealed class CollectingLogger(string category, ConcurrentQueue<string> lines) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : " " + exception)}");
    }
}
