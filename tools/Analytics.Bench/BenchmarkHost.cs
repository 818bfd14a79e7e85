using Analytics.Web.Hosting;

namespace Analytics.Bench;

/// <summary>The services the CLI uses, over a store and catalog of the benchmark's own in <c>workPath</c>.</summary>
internal static class BenchmarkHost
{
    /// <param name="settings">More configuration, e.g. a source under Analytics:Sources.</param>
    public static IHost Build(string workPath, string database, params KeyValuePair<string, string?>[] settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection(
        [
            new("Analytics:Store:DataPath", Path.Combine(workPath, "clickhouse")),
            new("Analytics:Store:Database", database),
            new("ConnectionStrings:Catalog", $"Data Source={Path.Combine(workPath, "catalog.db")}"),
            new("Logging:LogLevel:Default", "Warning"),
            .. settings,
        ]);
        builder.Services.AddAnalyticsServices(builder.Configuration);
        return builder.Build();
    }
}
