using Analytics.Storage.Settings;

namespace Analytics.Web.Dashboards;

public static class DashboardServiceCollectionExtensions
{
    /// <summary>Dashboards as data: the catalog of definitions (Analytics:Dashboards) and the queries behind their panels.</summary>
    public static IServiceCollection AddDashboards(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<DashboardOptions, DashboardOptionsValidator>(configuration, DashboardOptions.Section);
        services.AddSingleton<DashboardCatalog>();
        services.AddSingleton<DashboardQueries>();
        services.AddSingleton<TeamPageQueries>();
        services.AddSingleton<MonthlyReportQueries>();
        return services;
    }
}
