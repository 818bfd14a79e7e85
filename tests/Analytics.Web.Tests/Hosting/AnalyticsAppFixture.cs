using System.Diagnostics;
using Analytics.Ingestors.Demo;
using Analytics.Web.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Analytics.Web.Tests.Hosting;

/// <summary>
/// The real dashboard host, started once for the whole test run: the same extension methods as Program
/// (AddAnalyticsWeb, MapAnalytics), on real Kestrel at a free port of 127.0.0.1, over the embedded engine with
/// the demo organisation loaded into a database of its own. Settings come from in-memory configuration laid
/// over the app's appsettings.json.
/// </summary>
/// <remarks>
/// chDB serves one storage path per process, so everything in this test process that opens a store uses
/// <see cref="DataPath"/> (and <see cref="Configuration"/> for the database name).
/// </remarks>
public class AnalyticsAppFixture : IAsyncLifetime
{
    /// <summary>
    /// The demo scale: S (12 teams, 18 months, ~375k rows) loads in about 4 s here, Tiny in well under one; S is
    /// taken because its periods differ (Tiny's 3 months make 90, 180 and 365 days the same sample) and its
    /// teams span every tier.
    /// </summary>
    public static readonly DemoScale Scale = DemoScale.S;

    /// <summary>The name of <see cref="Scale"/> for Analytics:Demo:Scale.</summary>
    public const string ScaleName = "S";

    public const int Seed = 20261126;

    /// <summary>The embedded engine's one storage path for this process.</summary>
    public static readonly string DataPath = Path.Combine(Path.GetTempPath(), $"{DataPathPrefix}{Environment.ProcessId}");

    private const string DataPathPrefix = "analytics-web-tests-";

    private WebApplication? _app;

    public RecordingLoggerProvider Log { get; } = new();

    /// <summary>The Kestrel address, e.g. http://127.0.0.1:41234/.</summary>
    public Uri BaseAddress { get; private set; } = default!;

    /// <summary>The app's whole configuration (appsettings.json with the test settings over it).</summary>
    public IConfiguration Configuration => App.Configuration;

    /// <summary>The running app's services: the same DoraQueries the pages and the API use.</summary>
    public IServiceProvider Services => App.Services;

    /// <summary>One client for the whole run; Kestrel is real, so this is ordinary HTTP over loopback.</summary>
    public HttpClient Http { get; private set; } = default!;

    /// <summary>How long building and starting the host took, demo load included.</summary>
    public TimeSpan StartupTime { get; private set; }

    private WebApplication App => _app ?? throw new InvalidOperationException("The app has not started.");

    public async Task InitializeAsync()
    {
        RemoveDataOfEndedRuns();
        Directory.CreateDirectory(DataPath);
        var settings = new Dictionary<string, string?>
        {
            ["Analytics:Store:Transport"] = "Embedded",
            ["Analytics:Store:DataPath"] = DataPath,
            ["Analytics:Store:Database"] = $"web_{Guid.NewGuid():N}",
            ["ConnectionStrings:Catalog"] = $"Data Source={Path.Combine(DataPath, $"catalog-{Guid.NewGuid():N}.db")}",
            ["Analytics:Demo:LoadWhenEmpty"] = "true",
            ["Analytics:Demo:Seed"] = Seed.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Analytics:Demo:Scale"] = ScaleName,
            // As deployed (Production), open on purpose: these tests are about the figures; SecurityTests sign in.
            ["Analytics:Auth:Mode"] = "Open",
        };
        Configure(settings);

        Settings = settings;
        var stopwatch = Stopwatch.StartNew();
        _app = await StartAsync(settings, Log, ConfigureServices);
        StartupTime = stopwatch.Elapsed;

        BaseAddress = AddressOf(_app);
        Http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    /// <summary>
    /// Builds and starts the app as Program does, on Kestrel at a free loopback port, with <paramref name="settings"/> over
    /// appsettings.json. A second host in this process (SecurityTests) passes this fixture's <see cref="Settings"/> with its
    /// own laid over them: the same engine folder, database and catalog.
    /// </summary>
    public static async Task<WebApplication> StartAsync(
        IEnumerable<KeyValuePair<string, string?>> settings, RecordingLoggerProvider log, Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
            // The entry assembly here is the test host; the static web asset manifests are named after the app.
            ApplicationName = typeof(Analytics.Web.Hosting.Extensions).Assembly.GetName().Name,
            // As deployed, whatever ASPNETCORE_ENVIRONMENT the shell running the tests has.
            EnvironmentName = Environments.Production,
        });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(log);
        builder.AddAnalyticsWeb();
        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        app.Services.ValidateOptions();
        app.MapAnalytics();
        try
        {
            await app.StartAsync();
        }
        catch (Exception error)
        {
            throw new InvalidOperationException($"The app did not start. Its log:{Environment.NewLine}{log.Describe(log.Entries)}", error);
        }
        return app;
    }

    /// <summary>
    /// Settings for another host in this process on a store of its own: a new database (named <paramref name="prefix"/>_…)
    /// in the one engine folder, and a new catalog, open without sign-in.
    /// </summary>
    public static Dictionary<string, string?> OwnStoreSettings(string prefix) => new()
    {
        ["Analytics:Store:Transport"] = "Embedded",
        ["Analytics:Store:DataPath"] = DataPath,
        ["Analytics:Store:Database"] = $"{prefix}_{Guid.NewGuid():N}",
        ["ConnectionStrings:Catalog"] = $"Data Source={Path.Combine(DataPath, $"catalog-{Guid.NewGuid():N}.db")}",
        ["Analytics:Auth:Mode"] = "Open",
    };

    /// <summary>The settings the app was started with (over appsettings.json).</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; private set; } = new Dictionary<string, string?>();

    /// <summary>The address Kestrel listens on, ending in '/'.</summary>
    public static Uri AddressOf(WebApplication app)
    {
        var address = app.Urls.Single();
        return new Uri(address.EndsWith('/') ? address : address + "/");
    }

    /// <summary>Lays a derived fixture's settings over the ones above.</summary>
    protected virtual void Configure(Dictionary<string, string?> settings)
    {
    }

    /// <summary>Adds a derived fixture's services after the app's.</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        // The engine stays open until the process ends, so this run's folder is removed by the next run.
    }

    /// <summary>Folders left by earlier runs whose process has ended (the engine cannot be closed before exit).</summary>
    private static void RemoveDataOfEndedRuns()
    {
        foreach (var folder in Directory.EnumerateDirectories(Path.GetTempPath(), DataPathPrefix + "*"))
        {
            if (!int.TryParse(Path.GetFileName(folder)[DataPathPrefix.Length..], out var processId) || processId == Environment.ProcessId)
            {
                continue;
            }
            try
            {
                using var process = Process.GetProcessById(processId);
            }
            catch (ArgumentException)
            {
                try
                {
                    Directory.Delete(folder, recursive: true);
                }
                catch (Exception error) when (error is IOException or UnauthorizedAccessException)
                {
                    // Someone else's or still in use: leave it.
                }
            }
        }
    }
}

[CollectionDefinition(Name)]
public sealed class AnalyticsAppCollection : ICollectionFixture<AnalyticsAppFixture>
{
    public const string Name = "Analytics app";
}
