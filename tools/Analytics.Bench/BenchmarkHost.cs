using System.Globalization;
using Analytics.Web.Hosting;

namespace Analytics.Bench;

/// <summary>The app's services and its web host, over a store and catalog of the benchmark's own in <c>workPath</c>.</summary>
internal static class BenchmarkHost
{
    /// <summary>The services the CLI uses (no web host).</summary>
    /// <param name="settings">More configuration, e.g. a source under Analytics:Sources.</param>
    public static IHost Build(string workPath, string database, params KeyValuePair<string, string?>[] settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddInMemoryCollection([.. Store(workPath, database), .. settings]);
        builder.Services.AddAnalyticsServices(builder.Configuration);
        return builder.Build();
    }

    /// <summary>
    /// The shipped app (every page and API, its start-up and scheduler) on Kestrel at 127.0.0.1:<paramref name="port"/>
    /// (0: any free port, read it from <c>Urls</c> after starting), in Production with sign-in off.
    /// </summary>
    /// <param name="settings">More configuration, e.g. the demo organisation or a source.</param>
    public static WebApplication BuildWebApp(string workPath, string database, int port, params KeyValuePair<string, string?>[] settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ContentRootPath = AppContext.BaseDirectory,
            // The entry assembly is analytics-bench; the static web asset manifests beside it are named after the app.
            ApplicationName = typeof(Extensions).Assembly.GetName().Name,
            EnvironmentName = "Production",
        });
        builder.Configuration.AddInMemoryCollection(
        [
            .. Store(workPath, database),
            // No sign-in: the benchmarks measure the app, not the identity provider.
            new("Analytics:Auth:Mode", "Open"),
            .. settings,
        ]);
        builder.WebHost.UseUrls($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        builder.AddAnalyticsWeb();
        var app = builder.Build();
        app.MapAnalytics();
        return app;
    }

    /// <summary>The embedded engine's folder under a benchmark's work folder.</summary>
    public static string EnginePath(string workPath) => Path.Combine(workPath, "clickhouse");

    /// <summary>The catalog's SQLite connection string under a benchmark's work folder.</summary>
    public static string CatalogConnectionString(string workPath) => $"Data Source={Path.Combine(workPath, "catalog.db")}";

    /// <summary>The benchmark's own engine folder, database and catalog, and quiet logs.</summary>
    private static KeyValuePair<string, string?>[] Store(string workPath, string database) =>
    [
        new("Analytics:Store:DataPath", EnginePath(workPath)),
        new("Analytics:Store:Database", database),
        new("ConnectionStrings:Catalog", CatalogConnectionString(workPath)),
        new("Logging:LogLevel:Default", "Warning"),
    ];
}
