using Analytics.Web.Cli;
using Analytics.Web.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;

namespace Analytics.Web.Tests.Hosting;

/// <summary>
/// Every setting, set wrong, stops the app before it does anything, with a message naming the setting: the dashboard
/// as <c>serve</c> builds and starts it (on port 0), and the host every other command builds. A setting that no value
/// can make wrong (a free text, a list of names) has no row; docs/configuration.md lists those too.
/// </summary>
public sealed class StartupValidationTests
{
    private const string Csv = "Analytics:Sources:s:Kind=csv;Analytics:Sources:s:Path=/srv/drop";
    private const string Git = "Analytics:Sources:s:Kind=git;Analytics:Sources:s:Path=/srv/clone;Analytics:Sources:s:Service=shop";
    private const string GitHub = "Analytics:Sources:s:Kind=github;Analytics:Sources:s:Token=ghp_test;Analytics:Sources:s:Organizations=acme";

    /// <summary>The setting, a wrong value for it, and the other settings it needs to be read at all (<c>key=value;…</c>).</summary>
    public static TheoryData<string, string, string> Rows => new()
    {
        { "Analytics:Store:Transport", "Cloud", "" },
        { "Analytics:Store:DataPath", "", "" },
        { "Analytics:Store:Database", "my-db", "" },
        { "Analytics:Store:ServerConnectionString", "", "Analytics:Store:Transport=Server" },
        { "Analytics:Store:ChDbLibraryPath", "/nowhere/libchdb.so", "" },
        { "Analytics:Store:Cluster", "metrics", "" }, // the embedded engine is one node
        { "Analytics:Store:Cluster", "metrics cluster", "Analytics:Store:Transport=Server;Analytics:Store:ServerConnectionString=Host=clickhouse.invalid" },
        { "Analytics:Metrics:TimeZone", "Mars/Olympus_Mons", "" },
        { "Analytics:Metrics:UseAuthorTime", "sometimes", "" },
        { "Analytics:Metrics:LeadTimeUnit", "per-team", "" },
        { "Analytics:Metrics:IncidentAttributionWindow", "-1.00:00:00", "" },
        { "Analytics:Metrics:TierYear", "2022", "" },
        { "Analytics:Metrics:MinimumSample", "0", "" },
        { "Analytics:Metrics:FirstDeploymentLookback", "00:00:00", "" },
        { "Analytics:Space:MinimumRespondents", "2", "" },
        { "Analytics:Space:RoiMonths", "0", "" },
        { "Analytics:Space:BootstrapResamples", "10", "" },
        { "Analytics:Space:BootstrapSeed", "seven", "" },
        { "Analytics:Space:HourlyCost", "-1", "" },
        { "Analytics:Space:RoiAdoptionThreshold", "0", "" },
        { "Analytics:Space:RoiAdoptionThreshold", "1.5", "" },
        { "Analytics:Space:RoiMinimumAdopters", "1", "" },
        { "Analytics:Space:TicketEffort", "-0.5", "" },
        { "Analytics:Space:TicketEffortByKind:database", "NaN", "" },
        { "Analytics:Space:SelfServiceEffort", "2000", "" },
        { "Analytics:Demo:LoadWhenEmpty", "perhaps", "" },
        { "Analytics:Demo:Scale", "xxl", "" },
        { "Analytics:Demo:Seed", "forty-two", "" },
        { "Analytics:Surveys:RespondentSalt", "short", "" },
        { "Analytics:Push:Sources:ci:Token", "short", "" },
        { "Analytics:Dashboards:Path", "/nowhere/dashboards", "" },
        { "Analytics:Api:MaxPeriod", "00:00:00", "" },
        { "Analytics:Api:QueryTimeout", "00:00:00", "" },
        { "Analytics:Api:MaxPushBodySize", "10", "" },
        { "Analytics:Api:MaxRequestBodySize", "-1", "" },
        { "Analytics:Https:Redirect", "perhaps", "" },
        { "Analytics:Https:HstsMaxAge", "-1.00:00:00", "" },
        { "Analytics:Https:KnownProxies:0", "proxy.acme.test", "" },
        { "Analytics:Https:KnownNetworks:0", "10.0.0.0/33", "" },
        { "Analytics:RateLimits:Api:PermitLimit", "0", "" },
        { "Analytics:RateLimits:Api:Window", "00:00:00", "" },
        { "Analytics:RateLimits:Push:PermitLimit", "-5", "" },
        { "Analytics:RateLimits:Push:Window", "2.00:00:00", "" },
        { "Analytics:RateLimits:Account:PermitLimit", "0", "" },
        { "Analytics:RateLimits:Account:Window", "soon", "" },
        { "Analytics:Telemetry:OtlpEndpoint", "collector:4317", "" },
        { "Analytics:Sources:s:Kind", "subversion", "" },
        { "Analytics:Sources:s:Cron", "every night", Csv },
        { "Analytics:Sources:s:Path", "", "Analytics:Sources:s:Kind=csv" },
        { "Analytics:Sources:s:SkipInvalid", "perhaps", Csv },
        { "Analytics:Sources:s:Service", "", Git },
        { "Analytics:Sources:s:TagPattern", "/[unclosed/", Git },
        { "Analytics:Sources:s:Repository", "no-slash", Git },
        { "Analytics:Sources:s:Token", "", GitHub },
        { "Analytics:Sources:s:BaseUrl", "ftp://github.acme.test/", GitHub },
        { "Analytics:Sources:s:BaseUrl", "http://github.acme.test/", GitHub },
        { "Analytics:Sources:s:Organizations", "", "Analytics:Sources:s:Kind=github;Analytics:Sources:s:Token=ghp_test" },
        { "Analytics:Sources:s:Repositories", "just-a-name", GitHub },
        { "Analytics:Sources:s:Since", "last spring", GitHub },
        { "Analytics:Sources:s:PageSize", "500", GitHub },
        { "Analytics:Sources:s:Commits", "perhaps", GitHub },
        { "Analytics:Sources:s:PullRequests", "perhaps", GitHub },
        { "Analytics:Sources:s:Deployments", "perhaps", GitHub },
        { "Analytics:Sources:s:ReleasesAsDeployments", "perhaps", GitHub },
        { "Analytics:Sources:s:IncludePrereleases", "perhaps", GitHub },
        { "Analytics:Sources:s:Workflows:0:Environment", "", GitHub + ";Analytics:Sources:s:Workflows:0:Workflow=deploy.yml" },
        { "Analytics:Sources:s:DefaultSeverity", "sev9", GitHub },
        { "Analytics:Sources:s:MaxRetries", "99", GitHub },
        { "Analytics:Sources:s:RequestTimeout", "-00:00:01", GitHub },
        { "Analytics:Sources:s:MaxRateLimitWait", "soon", GitHub },
    };

    private const string Oidc = "Analytics:Auth:Mode=OpenIdConnect;Analytics:Auth:OpenIdConnect:Authority=https://login.acme.test/;" +
        "Analytics:Auth:OpenIdConnect:ClientId=analytics;Analytics:Auth:OpenIdConnect:ClientSecret=s3cret-for-tests";

    /// <summary>Settings only the dashboard reads (sign-in), in the same form as <see cref="Rows"/>.</summary>
    public static TheoryData<string, string, string> DashboardRows => new()
    {
        { "Analytics:Auth:Mode", "Cloud", "" },
        { "Analytics:Auth:OpenIdConnect:Authority", "login.acme.test", Oidc },
        { "Analytics:Auth:OpenIdConnect:Authority", "http://login.acme.test/", Oidc },
        { "Analytics:Auth:OpenIdConnect:ClientId", "", Oidc },
        { "Analytics:Auth:OpenIdConnect:ClientSecret", "", Oidc },
        { "Analytics:Auth:OpenIdConnect:RoleClaim", "", Oidc },
        { "Analytics:Auth:OpenIdConnect:RoleMap:engineering", "boss", Oidc },
        { "Analytics:Auth:OpenIdConnect:RequireHttpsMetadata", "perhaps", Oidc },
        { "Analytics:Auth:Local:MaxFailedAttempts", "0", "Analytics:Auth:Mode=Local" },
        { "Analytics:Auth:Local:Lockout", "-00:01:00", "Analytics:Auth:Mode=Local" },
    };

    [Theory]
    [MemberData(nameof(Rows))]
    [MemberData(nameof(DashboardRows))]
    public async Task The_dashboard_does_not_start_and_names_the_setting(string setting, string value, string with)
    {
        var message = await FailureAsync(async () =>
        {
            await using var app = AnalyticsCommandLine.ServeBuilder(["--urls", "http://127.0.0.1:0"], Settings(setting, value, with)).Build();
            app.Services.ValidateOptions();
            await app.StartAsync();
            await app.StopAsync();
        });

        AssertNames(setting, message);
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task A_command_does_not_run_and_names_the_setting(string setting, string value, string with)
    {
        var message = await FailureAsync(() =>
        {
            using var host = AnalyticsCommandLine.CommandBuilder(Settings(setting, value, with)).Build();
            host.Services.ValidateOptions();
            return Task.CompletedTask;
        });

        AssertNames(setting, message);
    }

    [Fact]
    public void The_settings_every_row_starts_from_are_valid()
    {
        using var host = AnalyticsCommandLine.CommandBuilder(Settings("Analytics:Demo:Seed", "42", GitHub)).Build();

        host.Services.ValidateOptions();
    }

    /// <summary>
    /// The store in this process's one engine folder (chDB serves one per process) and no demo, so a row that wrongly
    /// started would not disturb the other tests; the setting under test and what it needs laid over them.
    /// </summary>
    private static Dictionary<string, string?> Settings(string setting, string value, string with)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Analytics:Store:DataPath"] = AnalyticsAppFixture.DataPath,
            ["Analytics:Store:Database"] = $"startup_{Guid.NewGuid():N}",
            ["ConnectionStrings:Catalog"] = $"Data Source={Path.Combine(Path.GetTempPath(), $"analytics-startup-{Guid.NewGuid():N}.db")}",
            ["Analytics:Demo:LoadWhenEmpty"] = "false",
            ["Analytics:Auth:Mode"] = "Open",
        };
        foreach (var pair in with.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var (key, given) = (pair[..pair.IndexOf('=')], pair[(pair.IndexOf('=') + 1)..]);
            settings[key] = given;
        }
        settings[setting] = value;
        return settings;
    }

    /// <summary>The message of the start-up failure, inner and aggregated ones included; fails when nothing failed.</summary>
    private static async Task<string> FailureAsync(Func<Task> start)
    {
        var error = await Record.ExceptionAsync(start);
        Assert.True(error is not null, "The host started.");
        return Describe(error);
    }

    private static string Describe(Exception error) => error switch
    {
        AggregateException aggregate => string.Join(Environment.NewLine, aggregate.InnerExceptions.Select(Describe)),
        { InnerException: { } inner } => error.Message + Environment.NewLine + Describe(inner),
        _ => error.Message,
    };

    /// <summary>The message names the setting's full path, or its entry and key (<c>…:Workflows:0 needs … Environment</c>).</summary>
    private static void AssertNames(string setting, string message)
    {
        var parent = setting[..setting.LastIndexOf(':')];
        var key = setting[(setting.LastIndexOf(':') + 1)..];
        Assert.True(
            message.Contains(setting, StringComparison.Ordinal) || (message.Contains(parent + " ", StringComparison.Ordinal) && message.Contains(key, StringComparison.Ordinal)),
            $"The message does not name {setting}:{Environment.NewLine}{message}");
    }
}
