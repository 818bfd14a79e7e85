using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Storage.Tests.Catalog;

/// <summary>
/// A migrated catalog in a real SQLite file under a fresh temp folder, wired exactly as the app wires it
/// (<see cref="CatalogServiceCollectionExtensions.AddCatalog"/>), with a clock the test controls.
/// </summary>
public sealed class CatalogTestDatabase : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private readonly List<ServiceProvider> _otherProcesses = [];

    private CatalogTestDatabase(string folder)
    {
        Folder = folder;
        // A sub-folder that does not exist yet, as on a fresh install.
        DatabasePath = Path.Combine(folder, "data", "catalog.db");
        _services = NewServices();
    }

    private ServiceProvider NewServices() => new ServiceCollection()
        .AddSingleton<TimeProvider>(Clock)
        .AddCatalog($"Data Source={DatabasePath}")
        .BuildServiceProvider();

    /// <summary>
    /// A run log over the same file wired separately, as another process's would be (its own context factory and
    /// connections; SQLite's file locks are what the two share).
    /// </summary>
    public IngestRunLog RunLogOfAnotherProcess() => OfAnotherProcess<IngestRunLog>();

    /// <summary>A catalog service over the same file wired separately, as another process's would be.</summary>
    public T OfAnotherProcess<T>()
        where T : notnull
    {
        var services = NewServices();
        _otherProcesses.Add(services);
        return services.GetRequiredService<T>();
    }

    public string Folder { get; }

    public string DatabasePath { get; }

    public ManualClock Clock { get; } = new(Utc(2024, 1, 1));

    public CatalogDatabase Database => _services.GetRequiredService<CatalogDatabase>();

    public CatalogLookups Lookups => _services.GetRequiredService<CatalogLookups>();

    public CatalogAssignments Assignments => _services.GetRequiredService<CatalogAssignments>();

    public IngestRunLog Runs => _services.GetRequiredService<IngestRunLog>();

    public IngestCursors Cursors => _services.GetRequiredService<IngestCursors>();

    public CatalogMirrorExport MirrorExport => _services.GetRequiredService<CatalogMirrorExport>();

    public AuditTrail Audit => _services.GetRequiredService<AuditTrail>();

    public ApiKeys Keys => _services.GetRequiredService<ApiKeys>();

    /// <summary>The actor the tests' edits are recorded under.</summary>
    public static AuditActor Tester { get; } = new("tester", "192.0.2.10");

    public IDbContextFactory<CatalogDbContext> Contexts => _services.GetRequiredService<IDbContextFactory<CatalogDbContext>>();

    /// <summary>An empty, not yet migrated database location.</summary>
    public static CatalogTestDatabase CreateEmpty() =>
        new(Directory.CreateTempSubdirectory("analytics-catalog-").FullName);

    public static async Task<CatalogTestDatabase> CreateMigratedAsync()
    {
        var database = CreateEmpty();
        await database.Database.MigrateAsync();
        return database;
    }

    public static DateTimeOffset Utc(int year, int month, int day, int hour = 0, int minute = 0) =>
        new(year, month, day, hour, minute, 0, TimeSpan.Zero);

    public async Task<T> WithContextAsync<T>(Func<CatalogDbContext, Task<T>> action)
    {
        await using var db = await Contexts.CreateDbContextAsync();
        return await action(db);
    }

    public Task SaveAsync(params object[] entities) => WithContextAsync(async db =>
    {
        db.AddRange(entities);
        return await db.SaveChangesAsync();
    });

    public async Task AddTeamsAsync(params string[] slugs) =>
        await SaveAsync(slugs.Select(slug => (object)new Team { Slug = slug, Name = slug.ToUpperInvariant() }).ToArray());

    public async Task AddServiceAsync(string slug) =>
        await SaveAsync(new Service { Slug = slug, Name = slug, Repository = $"acme/{slug}", CreatedAt = Utc(2023, 12, 1) });

    public async Task AddPersonAsync(string externalId, bool isBot = false) =>
        await SaveAsync(new Person { ExternalId = externalId, DisplayName = externalId, IsBot = isBot });

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        foreach (var other in _otherProcesses)
        {
            await other.DisposeAsync();
        }
        // Pooled connections keep the file open; release them so the folder can be deleted.
        SqliteConnection.ClearAllPools();
        Directory.Delete(Folder, recursive: true);
    }
}

/// <summary>A clock that only moves when the test says so.</summary>
public sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
