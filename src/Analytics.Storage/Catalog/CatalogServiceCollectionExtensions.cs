using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Analytics.Storage.Catalog;

public static class CatalogServiceCollectionExtensions
{
    /// <summary>
    /// Registers the SQLite catalog: an <see cref="IDbContextFactory{CatalogDbContext}"/> and its singleton stores, one
    /// per job (lookups, assignments, upserts and seeding, services, the ingest run log and cursors, the mirror export, admin queries, the audit trail, API keys, local accounts, annotations and goals). Call
    /// <see cref="CatalogDatabase.MigrateAsync"/> at startup.
    /// </summary>
    /// <param name="connectionString">A SQLite connection string, e.g. "Data Source=data/catalog.db".</param>
    public static IServiceCollection AddCatalog(this IServiceCollection services, string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);

        // A factory rather than a scoped context: the store is used from singletons (scheduler jobs,
        // Blazor circuits), where one long-lived DbContext would be shared across threads.
        services.AddDbContextFactory<CatalogDbContext>(options => options.UseSqlite(connectionString));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<CatalogDatabase>();
        services.TryAddSingleton<CatalogLookups>();
        services.TryAddSingleton<CatalogAssignments>();
        services.TryAddSingleton<IngestRunLog>();
        services.TryAddSingleton<IngestCursors>();
        services.TryAddSingleton<CatalogMirrorExport>();
        services.TryAddSingleton<CatalogUpserts>();
        services.TryAddSingleton<CatalogSeeding>();
        services.TryAddSingleton<ServiceCatalog>();
        services.TryAddSingleton<CatalogAdminQueries>();
        services.TryAddSingleton<AuditTrail>();
        services.TryAddSingleton<IAuditTrail>(provider => provider.GetRequiredService<AuditTrail>());
        services.TryAddSingleton<ApiKeys>();
        services.TryAddSingleton<UserAccounts>();
        services.TryAddSingleton<CatalogNotes>();
        return services;
    }
}
