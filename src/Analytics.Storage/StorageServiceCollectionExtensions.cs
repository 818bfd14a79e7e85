using Analytics.Storage.Catalog;
using Analytics.Storage.ClickHouse;
using Analytics.Storage.ClickHouse.Cluster;
using Analytics.Storage.ClickHouse.Embedded;
using Analytics.Storage.ClickHouse.Server;
using Analytics.Storage.Settings;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Analytics.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>How long after the last write the app refreshes the derived tables on its own (pushed events come one by one).</summary>
    public static readonly TimeSpan BackgroundRefreshDelay = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Registers the ClickHouse store for the configured transport (keeping the derived tables fresh), the SQL catalogue, the migration runner,
    /// the SQLite catalog and its ClickHouse mirror. The store opens on first use; <see cref="StoreStartup"/> migrates it.
    /// </summary>
    public static IServiceCollection AddAnalyticsStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<StoreOptions, StoreOptionsValidator>(configuration, StoreOptions.Section);
        services.AddSingleton(_ => new SqlFiles());
        services.AddSingleton(provider => new DerivedTablesStore(
            OpenStore(provider.GetRequiredService<IOptions<StoreOptions>>().Value), provider.GetRequiredService<SqlFiles>(),
            refreshAfterWrites: BackgroundRefreshDelay));
        services.AddSingleton<IClickHouseStore>(provider => new InstrumentedStore(provider.GetRequiredService<DerivedTablesStore>(), provider.GetRequiredService<SqlFiles>()));
        services.AddSingleton<IDerivedTables>(provider => provider.GetRequiredService<DerivedTablesStore>());
        services.AddSingleton<MigrationRunner>();
        services.AddSingleton<CatalogMirrorSync>();
        services.AddSingleton<CatalogEditor>();
        services.AddSingleton<ServicePathsEditor>();
        services.AddCatalog(configuration.GetConnectionString("Catalog")
            ?? $"Data Source={Path.Combine(StoreOptions.DefaultDataRoot, "catalog.db")}");
        services.AddSingleton<StoreStartup>();
        services.AddSingleton<Backup.StoreBackup>();
        return services;
    }

    private static IClickHouseStore OpenStore(StoreOptions options)
    {
        if (options.Transport == StoreTransport.Server)
        {
            var cluster = string.IsNullOrEmpty(options.Cluster) ? null : new ClusterDdl(options.Cluster, options.Database);
            var server = new ClickHouseServerStore(options.ServerConnectionString!, options.Database,
                settings: cluster is null ? null : ClusterStore.Settings);
            try
            {
                server.EnsureDatabaseAsync(cluster).GetAwaiter().GetResult();
            }
            catch (HttpRequestException error)
            {
                // The transport's message names host and port, never the connection string's password.
                throw new StoreUnavailableException(
                    $"The ClickHouse server does not answer ({error.Message}). Check that it runs and Analytics:Store:ServerConnectionString.", error);
            }
            return cluster is null ? server : new ClusterStore(server, cluster);
        }
        ChDbLibrary.EnsureLoaded(options.ChDbLibraryPath, Console.Error.WriteLine);
        return ChDbStore.OpenAsync(options.DataPath, options.Database, memory: new EngineMemoryLimits(options.EngineMemoryLimitMiB, options.EngineQueryMemoryLimitMiB)).GetAwaiter().GetResult();
    }
}
