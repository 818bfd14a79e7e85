using Analytics.Simulators.Opsgenie;
using Analytics.Simulators.PagerDuty;

namespace Analytics.Web.Tests.Cli;

/// <summary>`analytics ingest run &lt;name&gt;` of a pagerduty (and an opsgenie) source, configured by environment variables, against the simulated vendor.</summary>
public sealed class PulledSourceCommandTests : IAsyncLifetime
{
    private const string Token = "u+CliPdKeyThatMustNeverBeShown42";
    private readonly string _root = Directory.CreateTempSubdirectory("analytics-cli-pagerduty-").FullName;
    private FakePagerDutyServer _pagerDuty = null!;
    private FakeOpsgenieServer _opsgenie = null!;

    public async Task InitializeAsync()
    {
        _pagerDuty = await FakePagerDutyServer.StartAsync(TimeProvider.System, Token);
        var created = DateTimeOffset.UtcNow.AddDays(-2);
        _pagerDuty.Incidents.Add(new FakePagerDutyIncident { Id = "PQ1", Number = 1, Title = "Card payments failing", ServiceId = "PAY1", CreatedAt = created, ResolvedAt = created.AddHours(1) });
        _pagerDuty.Incidents.Add(new FakePagerDutyIncident { Id = "PQ2", Number = 2, Title = "Slow basket", ServiceId = "PAY1", CreatedAt = created.AddHours(3) });
        // A service the settings do not map: its incident is not stored, and the run says so.
        _pagerDuty.Incidents.Add(new FakePagerDutyIncident { Id = "PQ3", Number = 3, Title = "Printer on fire", ServiceId = "OFFICE9", CreatedAt = created.AddHours(4) });
        _opsgenie = await FakeOpsgenieServer.StartAsync(TimeProvider.System, Token);
        _opsgenie.Services.Add(new FakeOpsgenieService("svc-pay", "Payments"));
        _opsgenie.Incidents.Add(new FakeOpsgenieIncident { Id = "og1", TinyId = "1", Message = "Card payments failing", ServiceIds = ["svc-pay"], CreatedAt = created, ResolvedAt = created.AddHours(1) });
    }

    public async Task DisposeAsync()
    {
        await _pagerDuty.DisposeAsync();
        await _opsgenie.DisposeAsync();
        TempFolders.Delete(_root);
    }

    private Dictionary<string, string> Settings(string token) => new()
    {
        ["Analytics__Sources__ops__Kind"] = "pagerduty",
        ["Analytics__Sources__ops__BaseUrl"] = _pagerDuty.BaseUrl,
        ["Analytics__Sources__ops__Token"] = token,
        ["Analytics__Sources__ops__Services__PAY1"] = "payments-api",
    };

    [Fact]
    public async Task Ingest_run_pulls_the_incidents_says_its_warnings_and_a_refused_key_is_one_line_without_it()
    {
        var run = await AnalyticsProcess.RunAsync(_root, ["ingest", "run", "ops"], Settings(Token));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("of ops: succeeded (incidents 2)", run.StandardOutput, StringComparison.Ordinal);
        // The console wraps long lines at its width; the words are what count.
        Assert.Contains("Warning: 1 PagerDuty incident(s) of services not in ops's Services were not stored", System.Text.RegularExpressions.Regex.Replace(run.StandardOutput, @"\s+", " "), StringComparison.Ordinal);

        const string wrong = "u+WrongCliKeyThatMustNotBeShown0";
        var refused = await AnalyticsProcess.RunAsync(_root, ["ingest", "run", "ops"], Settings(wrong));

        Assert.True(refused.ExitCode == 1, refused.ToString());
        Assert.Contains("PagerDuty answered 401 Unauthorized", refused.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, refused.StandardOutput + refused.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", refused.StandardOutput + refused.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_run_pulls_an_opsgenie_source_mapped_by_service_name()
    {
        var run = await AnalyticsProcess.RunAsync(_root, ["ingest", "run", "og"], new Dictionary<string, string>
        {
            ["Analytics__Sources__og__Kind"] = "opsgenie",
            ["Analytics__Sources__og__BaseUrl"] = _opsgenie.BaseUrl,
            ["Analytics__Sources__og__ApiKey"] = Token,
            ["Analytics__Sources__og__Services__Payments"] = "payments-api",
        });

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("of og: succeeded (incidents 1)", run.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(Token, run.StandardOutput + run.StandardError, StringComparison.Ordinal);
    }
}
