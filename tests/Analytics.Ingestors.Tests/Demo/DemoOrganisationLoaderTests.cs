using Analytics.Ingestors.Demo;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Ingestors.Tests.Demo;

public sealed class DemoOrganisationLoaderTests : IAsyncLifetime
{
    private static readonly DateTimeOffset End = ScaleSFixture.End;
    private readonly string _databasePath = Path.Combine(Path.GetTempPath(), $"demo-catalog-{Guid.NewGuid():N}.db");
    private readonly Catalog _catalog;

    public DemoOrganisationLoaderTests()
    {
        _catalog = new Catalog(new DbContextOptionsBuilder<CatalogDbContext>().UseSqlite($"Data Source={_databasePath}").Options);
    }

    private CatalogSeeding Seeding => new(_catalog, TimeProvider.System);

    public async Task InitializeAsync()
    {
        await using var db = _catalog.CreateDbContext();
        await db.Database.EnsureCreatedAsync();
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(_databasePath);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Loading_writes_the_catalog_and_every_table()
    {
        var store = new RecordingStore();
        var generator = new DemoOrganisationGenerator(DemoScale.Tiny, 5, End);
        var messages = new List<string>();

        var summary = await DemoOrganisationLoader.LoadAsync(store, Seeding, DemoScale.Tiny, 5, End, new SynchronousProgress(messages.Add), CancellationToken.None);

        Assert.Equal(generator.Tables.Select(t => t.Name), summary.RowsPerTable.Keys);
        foreach (var table in generator.Tables)
        {
            Assert.Equal(table.Rows.LongCount(), summary.RowsPerTable[table.Name]);
            Assert.Equal(table.Columns, store.Columns[table.Name]);
        }
        Assert.DoesNotContain(store.Columns.Keys, name => name.StartsWith("catalog_", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("commits", StringComparison.Ordinal));

        await using var db = _catalog.CreateDbContext();
        Assert.Equal(generator.Catalog.Teams.Count, await db.Teams.CountAsync());
        Assert.Equal(generator.Catalog.People.Count, await db.People.CountAsync());
        Assert.Equal(2 * generator.Catalog.People.Count, await db.PersonIdentities.CountAsync());
        Assert.Equal(generator.Catalog.Memberships.Count, await db.TeamMemberships.CountAsync());
        Assert.Equal(generator.Catalog.Ownerships.Count, await db.ServiceOwnerships.CountAsync());
        Assert.Equal(generator.Catalog.ServiceTemplates.Count, await db.ServiceTemplates.CountAsync());
        Assert.Equal(2, await db.People.CountAsync(p => p.IsBot));
        Assert.True(await db.Sources.AnyAsync(x => x.Name == "demo"));
    }

    [Fact]
    public async Task Loading_the_same_seed_twice_adds_nothing_new()
    {
        var first = new RecordingStore();
        var second = new RecordingStore();

        await DemoOrganisationLoader.LoadAsync(first, Seeding, DemoScale.Tiny, 5, End, null, CancellationToken.None);
        await using var db = _catalog.CreateDbContext();
        var catalogRows = await CountCatalogRowsAsync(db);
        var summary = await DemoOrganisationLoader.LoadAsync(second, Seeding, DemoScale.Tiny, 5, End, null, CancellationToken.None);

        Assert.All(summary.CatalogEntitiesAdded.Values, added => Assert.Equal(0, added));
        Assert.Equal(catalogRows, await CountCatalogRowsAsync(db));
        // Identical rows (same natural keys) collapse in ReplacingMergeTree, so ClickHouse gains nothing either.
        Assert.Equal(first.Fingerprint(), second.Fingerprint());
    }

    [Fact]
    public async Task Existing_entities_with_the_same_keys_are_left_alone()
    {
        var generator = new DemoOrganisationGenerator(DemoScale.Tiny, 5, End);
        var team = generator.Catalog.Teams[0];
        await using (var db = _catalog.CreateDbContext())
        {
            db.Teams.Add(new Team { Slug = team.Slug, Name = "Renamed by hand" });
            await db.SaveChangesAsync();
        }

        var summary = await DemoOrganisationLoader.LoadAsync(new RecordingStore(), Seeding, DemoScale.Tiny, 5, End, null, CancellationToken.None);

        await using var check = _catalog.CreateDbContext();
        Assert.Equal(generator.Catalog.Teams.Count - 1, summary.CatalogEntitiesAdded["teams"]);
        Assert.Equal("Renamed by hand", (await check.Teams.SingleAsync(t => t.Slug == team.Slug)).Name);
    }

    [Fact]
    public async Task An_install_without_deployments_is_empty()
    {
        Assert.True(await DemoOrganisationLoader.IsEmptyAsync(new RecordingStore(deployments: 0)));
        Assert.False(await DemoOrganisationLoader.IsEmptyAsync(new RecordingStore(deployments: 1)));
    }

    private static async Task<int> CountCatalogRowsAsync(CatalogDbContext db) =>
        await db.Teams.CountAsync() + await db.People.CountAsync() + await db.PersonIdentities.CountAsync() +
        await db.TeamMemberships.CountAsync() + await db.Services.CountAsync() + await db.ServiceOwnerships.CountAsync() +
        await db.Templates.CountAsync() + await db.ServiceTemplates.CountAsync() + await db.Sources.CountAsync();

    private sealed class Catalog(DbContextOptions<CatalogDbContext> options) : IDbContextFactory<CatalogDbContext>
    {
        public CatalogDbContext CreateDbContext() => new(options);
    }

    private sealed class SynchronousProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }

    /// <summary>Stands in for ClickHouse: keeps what was inserted, answers the one count query the loader asks.</summary>
    private sealed class RecordingStore(long deployments = 0) : IClickHouseStore
    {
        private readonly List<DemoTable> _inserted = [];

        public Dictionary<string, IReadOnlyList<string>> Columns { get; } = [];

        public string Database => "test";

        public string Transport => "recording";

        public Task ExecuteAsync(string sql, QueryParameters? parameters = null, CancellationToken cancellationToken = default) => Task.CompletedTask;

        public Task<IReadOnlyList<TRow>> QueryAsync<TRow>(string sql, QueryParameters? parameters = null, CancellationToken cancellationToken = default) =>
            Task.FromResult(RowMapper.FromJsonLines<TRow>(System.Text.Encoding.UTF8.GetBytes($"{{\"rows\":\"{deployments}\"}}\n")));

        public Task<long> InsertAsync(string table, IReadOnlyList<string> columns, IEnumerable<object?[]> rows, CancellationToken cancellationToken = default)
        {
            var materialised = rows.ToList();
            Columns[table] = columns;
            _inserted.Add(new DemoTable(table, columns, materialised));
            return Task.FromResult((long)materialised.Count);
        }

        public string Fingerprint() => DemoRows.Hash(_inserted, new DemoCatalog([], [], [], [], [], [], []));

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
