using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Analytics.Storage.Catalog;

/// <summary>
/// Lets `dotnet ef migrations add ... --project src/Analytics.Storage` build the model without
/// starting the web app. Adding a migration never opens this database.
/// </summary>
public sealed class CatalogDesignTimeDbContextFactory : IDesignTimeDbContextFactory<CatalogDbContext>
{
    public CatalogDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<CatalogDbContext>()
            .UseSqlite("Data Source=catalog.design.db")
            .Options);
}
