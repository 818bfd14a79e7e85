using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Ingestors.Tests.Git;

/// <summary>A migrated catalog in a real SQLite file, wired as the app wires it.</summary>
public sealed class TestCatalog : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly string _folder;

    private TestCatalog(string folder)
    {
        _folder = folder;
        _services = new ServiceCollection().AddCatalog($"Data Source={System.IO.Path.Combine(folder, "catalog.db")}").BuildServiceProvider();
    }

    /// <summary>One of the catalog's stores, e.g. <see cref="IngestRunLog"/>.</summary>
    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    public IDbContextFactory<CatalogDbContext> Contexts => _services.GetRequiredService<IDbContextFactory<CatalogDbContext>>();

    public static async Task<TestCatalog> CreateAsync()
    {
        var catalog = new TestCatalog(Directory.CreateTempSubdirectory("git-catalog-").FullName);
        await catalog.Get<CatalogDatabase>().MigrateAsync();
        return catalog;
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        // Pooled connections keep the file open; release them so the folder can be deleted.
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
