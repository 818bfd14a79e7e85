using Analytics.Core.Dora;
using Analytics.Ingestors.Csv;
using Analytics.Ingestors.Tests.PagerDuty;
using Analytics.Ingestors.Tests.Runs;
using Analytics.Simulators.GitHub;
using Analytics.Simulators.Jira;
using Analytics.Ingestors.Tests.Sources;
using Analytics.Storage.Metrics;

namespace Analytics.Ingestors.Tests.Jira;

/// <summary>The Jira source against the simulated Jira Cloud and Data Center, through the real runner and embedded engine.</summary>
public sealed class JiraSyncTests
{
    private static readonly DateTimeOffset From = new(2026, 4, 1, 0, 0, 0, TimeSpan.Zero), To = new(2026, 5, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Incidents_and_requests_land_as_the_same_rows_and_figures_as_the_same_records_imported_from_csv(bool cloud)
    {
        await using var scenario = await JiraScenario.CreateAsync(cloud);
        scenario.Jira.Issues.AddRange(JiraScenario.Issues());
        await using var csv = await IngestTestHost.CreateAsync();
        await PagerDutyScenario.ImportSampleCatalogAsync(csv);
        var (incidentsCsv, requestsCsv) = scenario.Csv();
        var importer = csv.Get<CsvImporter>();
        foreach (var (name, content) in new[] { ("incidents.csv", incidentsCsv), ("service-requests.csv", requestsCsv) })
        {
            var report = await importer.ImportAsync(csv.WriteFile(name, content), null, JiraScenario.SourceName, skipInvalid: false);
            Assert.False(report.HasErrors, string.Join(Environment.NewLine, report.Errors));
        }
        // The self-service side, in both stores: the samples' requests.
        foreach (var host in new[] { csv, scenario.Host })
        {
            var samples = await host.Get<CsvImporter>().ImportAsync(Path.Combine(RepositoryFiles.SamplesCsv, "service-requests.csv"), null, "samples", skipInvalid: false);
            Assert.False(samples.HasErrors, string.Join(Environment.NewLine, samples.Errors));
        }

        var run = await scenario.RunAsync();

        Assert.True(run.Succeeded, run.Error);
        Assert.Equal((2L, 3L), (run.RowsPerTable["incidents"], run.RowsPerTable["service_requests"]));
        foreach (var table in new[] { "incidents", "service_requests" })
        {
            var pulled = await RowsAsync(scenario.Host, table);
            Assert.NotEmpty(pulled);
            Assert.Equal(await RowsAsync(csv, table), pulled);
        }
        await scenario.Host.EngineStore.RefreshStaleAsync();
        await csv.EngineStore.RefreshStaleAsync();
        var dora = (await StoredFigures.Dora(scenario.Host).SummariesAsync(new DoraRequest(From, To))).Organisation;
        Assert.Equal((1L, 1L), (dora.RecoveryTime.Resolved, dora.RecoveryTime.Open));
        Assert.Equal((await StoredFigures.Dora(csv).SummariesAsync(new DoraRequest(From, To))).Organisation, dora);
        var selfService = await StoredFigures.Adoption(scenario.Host).SelfServiceAsync(new SpaceRequest(From, To));
        // Fulfilled: SR-000481 (self-service), SR-000482 and HELP-7 (tickets); SR-000483 and HELP-8 are still open; HELP-9
        // was resolved "Won't Do": failed, so it is in no fulfilled count.
        Assert.Equal(1, await scenario.Host.CountAsync("service_requests FINAL", "request_id = 'jira-HELP-9' AND status = 'failed' AND fulfilled_at IS NULL AND closed_at = '2026-04-15 10:00:00'"));
        Assert.Equal(1.0 / 3, selfService.Organisation.SelfServiceRatio);
        var fromCsv = await StoredFigures.Adoption(csv).SelfServiceAsync(new SpaceRequest(From, To));
        Assert.Equal(fromCsv.Organisation, selfService.Organisation);
        Assert.Equal(fromCsv.Teams, selfService.Teams);
        // The headers of the flavour: basic auth on Cloud, a bearer token on Data Center.
        Assert.All(scenario.Jira.RequestHeaders, h => Assert.StartsWith(cloud ? "Basic " : "Bearer ", h["authorization"], StringComparison.Ordinal));
    }

    [Fact]
    public async Task Cloud_pages_follow_nextPageToken_and_a_429_is_waited_for_as_Retry_After_says()
    {
        await using var scenario = await JiraScenario.CreateAsync(settings: new Dictionary<string, string?> { ["PageSize"] = "1", ["RequestProjects"] = null, ["RequestTeams:HELP"] = null });
        scenario.Jira.Issues.AddRange(JiraScenario.Issues());
        scenario.Jira.RateLimit = 1;

        var run = await scenario.RunAsync();

        Assert.True(run.Succeeded, run.Error);
        Assert.Equal(2, await scenario.Host.CountAsync("incidents FINAL"));
        var searches = scenario.Jira.Served.Where(s => s.Status == 200).Select(s => s.PathAndQuery).ToList();
        // Two pages of one incident each; the second says isLast.
        Assert.Equal(2, searches.Count);
        Assert.DoesNotContain("nextPageToken", searches[0], StringComparison.Ordinal);
        Assert.All(searches.Skip(1), s => Assert.Contains("nextPageToken=", s, StringComparison.Ordinal));
        Assert.Contains(scenario.Jira.Served, s => s.Status == 429);
        Assert.Contains(scenario.Clock.Waits, w => w > TimeSpan.FromSeconds(30) && w <= TimeSpan.FromMinutes(1));
    }

    [Fact]
    public async Task Data_Center_pages_by_startAt_and_a_configured_status_change_resolves_an_incident()
    {
        await using var scenario = await JiraScenario.CreateAsync(cloud: false, new Dictionary<string, string?> { ["PageSize"] = "1", ["ResolvedStatus"] = "Resolved" });
        var issues = JiraScenario.Issues();
        issues[0].ResolutionDate = null;
        issues[0].StatusChanges.Insert(0, ("Resolved", PagerDutyScenario.At(14, 10, 40)));
        issues[0].StatusChanges.Insert(1, ("Reopened", PagerDutyScenario.At(14, 10, 50)));
        scenario.Jira.Issues.AddRange(issues);
        scenario.Jira.Fail(new FakeFault { Matches = p => p.Contains("startAt=1", StringComparison.Ordinal), Status = 503 });

        var run = await scenario.RunAsync();

        Assert.True(run.Succeeded, run.Error);
        // The last move into Resolved (11:45), not the first (10:40) it was reopened from.
        Assert.Equal(1, await scenario.Host.CountAsync("incidents FINAL", "incident_id = 'jira-OPS-1' AND resolved_at = '2026-04-14 11:45:00'"));
        Assert.Equal(3, await scenario.Host.CountAsync("service_requests FINAL"));
        var offsets = scenario.Jira.Served.Where(s => s.Status == 200).Select(s => s.PathAndQuery.Split('&').Single(p => p.StartsWith("startAt=", StringComparison.Ordinal))).ToList();
        // One search for both resources: 2 incidents and 3 requests, a page each (startAt=1 answered 503 first).
        Assert.Equal(["startAt=0", "startAt=1", "startAt=2", "startAt=3", "startAt=4"], offsets);
        Assert.Contains(scenario.Jira.Served, s => s.Status == 503);
    }

    [Fact]
    public async Task A_bad_issue_is_named_with_its_field_the_others_are_stored_and_it_is_read_again_until_fixed()
    {
        await using var scenario = await JiraScenario.CreateAsync();
        var issues = JiraScenario.Issues();
        issues[1].Corrupt = json => json["fields"]!["created"] = "16/04/2026 07:30";
        // HELP-8 edited last: the requests' cursor ends at 16 Apr 20:00, the incidents' is held at OPS-2 (16 Apr 07:31).
        issues[4].Updated = PagerDutyScenario.At(16, 20, 0);
        scenario.Jira.Issues.AddRange(issues);

        var first = await scenario.RunAsync();

        Assert.True(first.Succeeded, first.Error);
        var warning = Assert.Single(first.Warnings, w => w.Contains("OPS-2", StringComparison.Ordinal));
        Assert.StartsWith("Jira issue OPS-2: started_at (from created) '16/04/2026 07:30'", warning, StringComparison.Ordinal);
        Assert.Equal((1L, 3L), (await scenario.Host.CountAsync("incidents FINAL"), await scenario.Host.CountAsync("service_requests FINAL")));

        issues[1].Corrupt = null;
        scenario.Jira.ClearServed();
        var second = await scenario.RunAsync();

        Assert.True(second.Succeeded, second.Error);
        Assert.Equal((1L, 0L), (second.RowsPerTable["incidents"], second.RowsPerTable.GetValueOrDefault("service_requests")));
        Assert.Equal(2, await scenario.Host.CountAsync("incidents FINAL"));
        // Within a day of each other: one search for both, from the incidents' window; the requests it returns from before
        // their own window (HELP-7, HELP-9) are skipped, not written again.
        Assert.Equal(
            "((project in (\"OPS\") AND issuetype in (\"Incident\")) OR (project in (\"HELP\"))) AND updated >= \"2026-04-15 07:31\" ORDER BY updated ASC",
            Assert.Single(Searches(scenario)));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_refused_issue_holds_back_only_its_own_resources_cursor_and_a_day_behind_it_is_searched_on_its_own(bool cloud)
    {
        await using var scenario = await JiraScenario.CreateAsync(cloud);
        var issues = JiraScenario.Issues();
        issues[0].Corrupt = json => json["fields"]!["created"] = "14/04/2026 10:02";
        scenario.Jira.Issues.AddRange(issues);
        var first = await scenario.RunAsync();
        Assert.True(first.Succeeded, first.Error);
        Assert.Contains(first.Warnings, w => w.StartsWith("Jira issue OPS-1:", StringComparison.Ordinal));
        scenario.Jira.ClearServed();
        scenario.Clock.Advance(TimeSpan.FromHours(1));

        var held = await scenario.RunAsync();

        // Incidents from a day before OPS-1 (14 Apr 11:45), requests from a day before the newest issue (OPS-2, 16 Apr 07:31):
        // more than a day apart, so a search each; the requests are not read again from the incidents' window.
        Assert.True(held.Succeeded, held.Error);
        Assert.Contains(held.Warnings, w => w.StartsWith("Jira issue OPS-1:", StringComparison.Ordinal));
        Assert.Equal(0, held.RowsPerTable.Values.Sum());
        Assert.Equal(
            [
                "project in (\"OPS\") AND issuetype in (\"Incident\") AND updated >= \"2026-04-13 11:45\" ORDER BY updated ASC",
                "project in (\"HELP\") AND updated >= \"2026-04-15 07:31\" ORDER BY updated ASC",
            ],
            Searches(scenario));

        issues[0].Corrupt = null;
        var fixedRun = await scenario.RunAsync();

        Assert.True(fixedRun.Succeeded, fixedRun.Error);
        Assert.Equal((1L, 0L), (fixedRun.RowsPerTable["incidents"], fixedRun.RowsPerTable.GetValueOrDefault("service_requests")));
        Assert.Equal(1, await scenario.Host.CountAsync("incidents FINAL", "incident_id = 'jira-OPS-1'"));
        scenario.Jira.ClearServed();

        var together = await scenario.RunAsync();

        // Stored, OPS-1 no longer holds the incidents' cursor back: one search again.
        Assert.True(together.Succeeded, together.Error);
        Assert.Empty(together.Warnings);
        Assert.Equal(0, together.RowsPerTable.Values.Sum());
        Assert.Single(Searches(scenario));
    }

    [Fact]
    public async Task An_issue_both_resources_select_is_an_incident_and_a_request_as_two_searches_would_read_it()
    {
        await using var scenario = await JiraScenario.CreateAsync(settings: new Dictionary<string, string?> { ["IncidentProjects"] = "OPS, HELP" });
        var issues = JiraScenario.Issues().ToList();
        var both = new FakeJiraIssue
        {
            Key = "HELP-10", IssueType = "Incident", Summary = "Checkout down for the help desk", Priority = "Highest",
            Created = PagerDutyScenario.At(17, 9, 0), Updated = PagerDutyScenario.At(17, 9, 5),
        };
        both.Components.Add("checkout");
        issues.Add(both);
        scenario.Jira.Issues.AddRange(issues);

        var run = await scenario.RunAsync();

        Assert.True(run.Succeeded, run.Error);
        Assert.Equal((3L, 4L), (run.RowsPerTable["incidents"], run.RowsPerTable["service_requests"]));
        Assert.Equal(1, await scenario.Host.CountAsync("incidents FINAL", "incident_id = 'jira-HELP-10' AND service = 'checkout-web' AND severity = 'sev1'"));
        Assert.Equal(1, await scenario.Host.CountAsync("service_requests FINAL", "request_id = 'jira-HELP-10' AND kind = 'incident' AND status = 'open'"));
        // HELP's service requests are not incidents (issue type), OPS-3 is neither.
        Assert.Equal(0, await scenario.Host.CountAsync("incidents FINAL", "incident_id IN ('jira-HELP-7', 'jira-OPS-3')"));
        Assert.Equal(
            "((project in (\"OPS\", \"HELP\") AND issuetype in (\"Incident\")) OR (project in (\"HELP\"))) AND updated >= \"2026-04-01 00:00\" ORDER BY updated ASC",
            Assert.Single(Searches(scenario)));
    }

    [Fact]
    public async Task After_a_service_mapping_changes_a_re_read_incident_replaces_its_row_under_the_new_service()
    {
        await using var scenario = await JiraScenario.CreateAsync();
        var issues = JiraScenario.Issues();
        scenario.Jira.Issues.AddRange(issues);
        Assert.True((await scenario.RunAsync()).Succeeded);
        Assert.Equal(1, await scenario.Host.CountAsync("incidents FINAL", "incident_id = 'jira-OPS-2' AND service = 'checkout-web'"));

        // Component checkout now maps to payments-api, and OPS-2 is edited, so the next run reads it again.
        scenario.Host.Configuration[$"{IngestSources.Section}:{JiraScenario.SourceName}:Services:checkout"] = "payments-api";
        issues[1].Summary = "Slow basket page (all regions)";
        issues[1].Updated = PagerDutyScenario.At(20, 9, 0);
        scenario.Clock.Advance(TimeSpan.FromHours(1));
        var run = await scenario.RunAsync();

        await MovedIncident.AssertReplacedAsync(scenario.Host, run, "jira-OPS-2", "payments-api", incidents: 2, new DoraRequest(From, To), (1, 1), "payments", "checkout");
        Assert.Equal(1, await scenario.Host.CountAsync("incidents", "incident_id = 'jira-OPS-2' AND title = 'Slow basket page (all regions)'"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_unchanged_resync_writes_nothing_and_costs_one_search_for_both_resources_and_changes_land_in_each(bool cloud)
    {
        await using var scenario = await JiraScenario.CreateAsync(cloud);
        var issues = JiraScenario.Issues();
        scenario.Jira.Issues.AddRange(issues);
        Assert.True((await scenario.RunAsync()).Succeeded);
        scenario.Jira.ClearServed();
        scenario.Clock.Advance(TimeSpan.FromHours(1));

        var unchanged = await scenario.RunAsync();

        Assert.True(unchanged.Succeeded, unchanged.Error);
        Assert.Equal(0, unchanged.RowsPerTable.Values.Sum());
        // Both cursors at the newest issue the shared search returned (OPS-2, 16 Apr 07:31), less the day of overlap.
        Assert.Equal(
            "((project in (\"OPS\") AND issuetype in (\"Incident\")) OR (project in (\"HELP\"))) AND updated >= \"2026-04-15 07:31\" ORDER BY updated ASC",
            Assert.Single(Searches(scenario)));

        issues[1].Status = "Resolved";
        issues[1].ResolutionDate = issues[1].Updated = PagerDutyScenario.At(20, 9, 30);
        issues[4].Status = "Resolved";
        issues[4].ResolutionDate = issues[4].Updated = PagerDutyScenario.At(20, 9, 40);
        scenario.Jira.ClearServed();
        var changed = await scenario.RunAsync();

        Assert.True(changed.Succeeded, changed.Error);
        Assert.Equal((1L, 1L), (changed.RowsPerTable["incidents"], changed.RowsPerTable["service_requests"]));
        Assert.Equal(1, await scenario.Host.CountAsync("incidents FINAL", "incident_id = 'jira-OPS-2' AND resolved_at = '2026-04-20 09:30:00'"));
        Assert.Equal(1, await scenario.Host.CountAsync("service_requests FINAL", "request_id = 'jira-HELP-8' AND status = 'fulfilled' AND fulfilled_at = '2026-04-20 09:40:00'"));
        Assert.Single(Searches(scenario));
        scenario.Jira.ClearServed();
        scenario.Clock.Advance(TimeSpan.FromHours(1));

        var again = await scenario.RunAsync();

        Assert.True(again.Succeeded, again.Error);
        Assert.Equal(0, again.RowsPerTable.Values.Sum());
        Assert.Single(Searches(scenario));
    }

    [Fact]
    public async Task A_refused_token_fails_the_run_with_Jiras_answer_and_never_the_token()
    {
        const string wrong = "ATATT3xWrongTokenThatMustNotBeLogged";
        await using var scenario = await JiraScenario.CreateAsync(token: wrong);

        var run = await scenario.RunAsync();

        Assert.False(run.Succeeded);
        Assert.Contains("Jira answered 401 Unauthorized to GET /rest/api/3/search/jql", run.Error, StringComparison.Ordinal);
        Assert.Contains("You are not authenticated", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(scenario.Host.Logs, l => l.Contains(wrong, StringComparison.Ordinal));
    }

    /// <summary>The JQL of each search the simulator answered.</summary>
    private static List<string> Searches(JiraScenario scenario) =>
        [.. scenario.Jira.Served.Select(s => Uri.UnescapeDataString(s.PathAndQuery.Split('?')[1].Split('&').Single(p => p.StartsWith("jql=", StringComparison.Ordinal))[4..]))];

    private static Task<IReadOnlyList<string>> RowsAsync(IngestTestHost host, string table) =>
        StoredFigures.RowsAsync(host, table, $"source = '{JiraScenario.SourceName}'");
}
