using Analytics.Core.Dora;
using Analytics.Ingestors.Tests.Runs;
using Analytics.Simulators.GitHub;
using Analytics.Simulators.PagerDuty;
using Analytics.Ingestors.Tests.Sources;
using Analytics.Storage.Metrics;

namespace Analytics.Ingestors.Tests.PagerDuty;

/// <summary>The PagerDuty source against the simulated PagerDuty, through the real runner and embedded engine.</summary>
public sealed class PagerDutySyncTests
{
    private static readonly DoraRequest April = new(new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Served_incidents_land_as_the_same_rows_and_figures_as_the_same_incidents_imported_from_csv()
    {
        await using var scenario = await PagerDutyScenario.CreateAsync();
        scenario.PagerDuty.Incidents.AddRange(PagerDutyScenario.Incidents());
        await using var csv = await IngestTestHost.CreateAsync();
        await PagerDutyScenario.ImportSampleCatalogAsync(csv);
        var file = csv.WriteFile("incidents.csv", PagerDutyScenario.IncidentsCsv);
        var imported = await csv.Get<Analytics.Ingestors.Csv.CsvImporter>().ImportAsync(file, null, PagerDutyScenario.SourceName, skipInvalid: false);
        Assert.False(imported.HasErrors, string.Join(Environment.NewLine, imported.Errors));

        var run = await scenario.RunAsync();

        Assert.True(run.Succeeded, run.Error);
        Assert.Equal(3, run.RowsPerTable["incidents"]);
        // The unmapped service's incident is named in a warning, not stored.
        Assert.Contains(run.Warnings, w => w.Contains("'Mail' (PMAIL) ×1", StringComparison.Ordinal));
        var pulled = await StoredFigures.RowsAsync(scenario.Host, "incidents");
        Assert.Equal(3, pulled.Count);
        Assert.Equal(await StoredFigures.RowsAsync(csv, "incidents"), pulled);

        await scenario.Host.EngineStore.RefreshStaleAsync();
        await csv.EngineStore.RefreshStaleAsync();
        var fromPagerDuty = await StoredFigures.Dora(scenario.Host).SummariesAsync(April);
        var fromCsv = await StoredFigures.Dora(csv).SummariesAsync(April);
        // Time to restore: P1A 1 h 43 min and P3C 3 h 20 min resolved, P2B open.
        Assert.Equal((2L, 1L), (fromPagerDuty.Organisation.RecoveryTime.Resolved, fromPagerDuty.Organisation.RecoveryTime.Open));
        Assert.NotNull(fromPagerDuty.Organisation.RecoveryTime.Median);
        Assert.Equal(fromCsv.Organisation.RecoveryTime, fromPagerDuty.Organisation.RecoveryTime);
        Assert.Equal(fromCsv.Organisation.ChangeFailureRate, fromPagerDuty.Organisation.ChangeFailureRate);
        Assert.True(fromPagerDuty.Organisation.ChangeFailureRate.FailedDeployments > 0);
        Assert.Equal(fromCsv.Teams, fromPagerDuty.Teams);
        // The change failure attribution: the incident PagerDuty relates to gh-run-9001 is attributed to it, as the CSV's is.
        Assert.Equal(await AttributedAsync(csv), await AttributedAsync(scenario.Host));
        Assert.Contains("gh-run-9001", string.Join(" ", await AttributedAsync(scenario.Host)));
    }

    [Fact]
    public async Task After_a_service_mapping_changes_a_re_read_incident_replaces_its_row_under_the_new_service()
    {
        await using var scenario = await PagerDutyScenario.CreateAsync();
        scenario.PagerDuty.Incidents.AddRange(PagerDutyScenario.Incidents());
        Assert.True((await scenario.RunAsync()).Succeeded);
        Assert.Equal(1, await scenario.Host.CountAsync("incidents FINAL", "incident_id = 'pagerduty-P2B' AND service = 'checkout-web'"));

        // Checkout web's incidents now belong to payments-api; P2B, still open, is read again by the next run.
        scenario.Host.Configuration[$"{IngestSources.Section}:{PagerDutyScenario.SourceName}:Services:Checkout web"] = "payments-api";
        scenario.Clock.Advance(TimeSpan.FromHours(1));
        var run = await scenario.RunAsync();

        await MovedIncident.AssertReplacedAsync(scenario.Host, run, "pagerduty-P2B", "payments-api", incidents: 3, April, (2, 1), "payments", "checkout");
    }

    [Fact]
    public async Task Pages_are_read_by_offset_until_PagerDuty_says_no_more()
    {
        await using var scenario = await PagerDutyScenario.CreateAsync(new Dictionary<string, string?> { ["PageSize"] = "2", ["ChangeEvents"] = "false" });
        scenario.PagerDuty.Incidents.AddRange(Enumerable.Range(1, 5).Select(i => new FakePagerDutyIncident
        {
            Id = $"PX{i}", Number = i, Title = $"Outage {i}", ServiceId = "PAY1", ServiceName = "Payments API",
            CreatedAt = PagerDutyScenario.At(10 + i, 8, 0), ResolvedAt = PagerDutyScenario.At(10 + i, 9, 0),
        }));

        var run = await scenario.RunAsync();

        Assert.True(run.Succeeded, run.Error);
        Assert.Equal(5, await scenario.Host.CountAsync("incidents FINAL"));
        var listings = scenario.PagerDuty.Served.Where(s => s.PathAndQuery.StartsWith("/incidents?", StringComparison.Ordinal)).ToList();
        Assert.Equal(["offset=0", "offset=2", "offset=4"], listings.Select(s => s.PathAndQuery.Split('&').Single(p => p.StartsWith("offset=", StringComparison.Ordinal))));
        Assert.All(listings, s => Assert.Contains("limit=2", s.PathAndQuery, StringComparison.Ordinal));
        // PagerDuty's documented headers on every request.
        Assert.All(scenario.PagerDuty.RequestHeaders, h => Assert.Equal(
            (FakePagerDutyServer.AcceptV2, $"Token token={PagerDutyScenario.Token}"), (h["accept"].Replace(" ", "", StringComparison.Ordinal), h["authorization"])));
    }

    [Fact]
    public async Task A_429_is_waited_for_as_ratelimit_reset_says_and_5xx_and_a_cut_off_body_are_retried()
    {
        await using var scenario = await PagerDutyScenario.CreateAsync();
        scenario.PagerDuty.Incidents.AddRange(PagerDutyScenario.Incidents());
        scenario.PagerDuty.RateLimit = 2;
        scenario.PagerDuty.Fail(new FakeFault { Matches = p => p.StartsWith("/incidents?", StringComparison.Ordinal), Status = 502 });
        scenario.PagerDuty.Fail(new FakeFault
        {
            Matches = p => p.Contains("/related_change_events", StringComparison.Ordinal), Status = 200,
            Body = """{"change_events":[{"id":"01CE1","timestamp":"2026-04""", ContentType = "application/json",
        });

        var run = await scenario.RunAsync();

        Assert.True(run.Succeeded, run.Error);
        Assert.Equal(3, await scenario.Host.CountAsync("incidents FINAL"));
        Assert.Equal(1, await scenario.Host.CountAsync("incidents FINAL", "caused_by_deployment_id = 'gh-run-9001'"));
        var statuses = scenario.PagerDuty.Served.Select(s => s.Status).ToList();
        Assert.Contains(502, statuses);
        Assert.Contains(429, statuses);
        // The limit's window is a minute: the wait is what ratelimit-reset said, at most a minute each time.
        Assert.Contains(scenario.Clock.Waits, w => w > TimeSpan.FromSeconds(30) && w <= TimeSpan.FromMinutes(1));
        Assert.Contains(scenario.Host.Logs, l => l.Contains("PagerDuty rate limit hit (429)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_bad_incident_is_named_with_its_field_the_others_are_stored_and_it_is_read_again_until_fixed()
    {
        await using var scenario = await PagerDutyScenario.CreateAsync();
        var incidents = PagerDutyScenario.Incidents();
        incidents[1].Corrupt = json => json["resolved_at"] = "2026-04-15T11:00:00Z";
        scenario.PagerDuty.Incidents.AddRange(incidents);

        var first = await scenario.RunAsync();

        Assert.True(first.Succeeded, first.Error);
        Assert.Contains(first.Warnings, w => w.Contains(
            "PagerDuty incident P3C (#103): resolved_at (from resolved_at) 2026-04-15T11:00:00Z is before started_at (2026-04-15T12:20:00Z)", StringComparison.Ordinal));
        Assert.Equal(2, await scenario.Host.CountAsync("incidents FINAL"));

        incidents[1].Corrupt = null;
        scenario.PagerDuty.ClearServed();
        var second = await scenario.RunAsync();

        Assert.True(second.Succeeded, second.Error);
        Assert.DoesNotContain(second.Warnings, w => w.Contains("P3C", StringComparison.Ordinal));
        Assert.Equal(3, await scenario.Host.CountAsync("incidents FINAL"));
        // Read again in the one listing from the oldest watched incident's creation (P3C's, 15 Apr 12:20), not by id.
        Assert.Equal(["since=2026-04-15T12%3A20%3A00Z"], Listings(scenario, "since="));
    }

    [Fact]
    public async Task An_unchanged_resync_writes_nothing_and_costs_one_listing_from_the_oldest_open_incident_and_a_resolution_lands()
    {
        await using var scenario = await PagerDutyScenario.CreateAsync();
        var incidents = PagerDutyScenario.Incidents();
        await SyncThenResyncUnchangedAsync(scenario, incidents);

        // One listing from P2B's creation (still triggered), to now: the new incidents and P2B in its state now.
        Assert.Equal(["since=2026-04-16T07%3A30%3A00Z&until=2026-04-20T10%3A00%3A00Z"], Listings(scenario, "since=", "until="));
        Assert.Single(scenario.PagerDuty.Served);

        incidents[2].ResolvedAt = PagerDutyScenario.At(20, 9, 30);
        scenario.Clock.Advance(TimeSpan.FromHours(1));
        scenario.PagerDuty.ClearServed();
        var resolved = await scenario.RunAsync();

        Assert.True(resolved.Succeeded, resolved.Error);
        Assert.Equal(1, resolved.RowsPerTable["incidents"]);
        Assert.Equal(1, await scenario.Host.CountAsync("incidents FINAL", "incident_id = 'pagerduty-P2B' AND resolved_at = '2026-04-20 09:30:00'"));
        Assert.Single(scenario.PagerDuty.Served);
        scenario.PagerDuty.ClearServed();
        scenario.Clock.Advance(TimeSpan.FromHours(1));
        Assert.True((await scenario.RunAsync()).Succeeded);
        // Nothing open: the listing since the last run.
        Assert.Equal(["since=2026-04-20T11%3A00%3A00Z"], Listings(scenario, "since="));
    }

    [Fact]
    public async Task Several_open_incidents_are_read_again_in_the_same_one_listing_and_a_resolution_lands()
    {
        await using var scenario = await PagerDutyScenario.CreateAsync();
        var incidents = WithTwoMoreOpen();
        await SyncThenResyncUnchangedAsync(scenario, incidents);

        Assert.Equal(["since=2026-04-16T07%3A30%3A00Z"], Listings(scenario, "since="));
        Assert.Single(scenario.PagerDuty.Served);

        incidents[4].ResolvedAt = PagerDutyScenario.At(20, 9, 30);
        scenario.Clock.Advance(TimeSpan.FromHours(1));
        scenario.PagerDuty.ClearServed();
        var resolved = await scenario.RunAsync();

        // P5E is resolved now; the listing by creation time still has it: its resolution lands, no request by id.
        Assert.True(resolved.Succeeded, resolved.Error);
        Assert.Equal(1, resolved.RowsPerTable["incidents"]);
        Assert.Equal(1, await scenario.Host.CountAsync("incidents FINAL", "incident_id = 'pagerduty-P5E' AND resolved_at = '2026-04-20 09:30:00'"));
        Assert.Single(scenario.PagerDuty.Served);
    }

    [Fact]
    public async Task When_a_page_or_more_was_created_since_the_oldest_open_incident_the_open_ones_are_listed_apart()
    {
        // A page of 2: P2B, P4D, P5E and P6F were created from P2B's creation on, two pages' worth.
        await using var scenario = await PagerDutyScenario.CreateAsync(new Dictionary<string, string?> { ["PageSize"] = "2" });
        var incidents = WithTwoMoreOpen();
        await SyncThenResyncUnchangedAsync(scenario, incidents);

        // The listing since the last run, then the open incidents listed apart: P2B and P5E, then P6F (a page of 2 each).
        var served = scenario.PagerDuty.Served.Select(s => s.PathAndQuery).ToList();
        Assert.Equal(3, served.Count);
        Assert.Contains("since=2026-04-20T09%3A00%3A00Z", served[0], StringComparison.Ordinal);
        Assert.All(served.Skip(1), s => Assert.Contains("date_range=all&statuses%5B%5D=triggered&statuses%5B%5D=acknowledged", s, StringComparison.Ordinal));

        incidents[4].ResolvedAt = PagerDutyScenario.At(20, 9, 30);
        scenario.Clock.Advance(TimeSpan.FromHours(1));
        scenario.PagerDuty.ClearServed();
        var resolved = await scenario.RunAsync();

        // P5E is no longer open, so the open listing misses it and it is read by id: its resolution lands.
        Assert.True(resolved.Succeeded, resolved.Error);
        Assert.Equal(1, resolved.RowsPerTable["incidents"]);
        Assert.Equal(1, await scenario.Host.CountAsync("incidents FINAL", "incident_id = 'pagerduty-P5E' AND resolved_at = '2026-04-20 09:30:00'"));
        Assert.Contains("/incidents/P5E", scenario.PagerDuty.Served.Select(s => s.PathAndQuery));
    }

    [Fact]
    public async Task An_incident_open_for_over_30_days_is_read_apart_as_PagerDuty_ranges_are_read_30_days_at_a_time()
    {
        await using var scenario = await PagerDutyScenario.CreateAsync();
        scenario.PagerDuty.Incidents.AddRange(PagerDutyScenario.Incidents());
        Assert.True((await scenario.RunAsync()).Succeeded);
        // P2B (16 Apr 07:30) is still open on 17 May 09:00: one listing from its creation would be two 30-day windows.
        scenario.Clock.Advance(TimeSpan.FromDays(27));
        scenario.PagerDuty.ClearServed();

        var unchanged = await scenario.RunAsync();

        Assert.True(unchanged.Succeeded, unchanged.Error);
        Assert.Equal(0, unchanged.RowsPerTable.Values.Sum());
        Assert.Equal(["since=2026-04-20T09%3A00%3A00Z"], Listings(scenario, "since="));
        Assert.Equal(["/incidents/P2B"], scenario.PagerDuty.Served.Select(s => s.PathAndQuery).Where(p => !p.StartsWith("/incidents?", StringComparison.Ordinal)));
    }

    /// <summary>The scenario's incidents and two more open ones of Payments API, P5E (17 Apr 06:00) and P6F (07:00).</summary>
    private static List<FakePagerDutyIncident> WithTwoMoreOpen()
    {
        var incidents = PagerDutyScenario.Incidents().ToList();
        incidents.AddRange(new[] { "P5E", "P6F" }.Select((id, i) => new FakePagerDutyIncident
        {
            Id = id, Number = 105 + i, Title = $"Queue backlog {i}", ServiceId = "PAY1", ServiceName = "Payments API", CreatedAt = PagerDutyScenario.At(17, 6 + i, 0),
        }));
        return incidents;
    }

    /// <summary>The creation-time listings served (<c>since=</c>), each as its parameters starting with <paramref name="parameters"/>, joined by &amp;.</summary>
    private static List<string> Listings(PagerDutyScenario scenario, params string[] parameters) =>
    [
        .. scenario.PagerDuty.Served.Where(s => s.PathAndQuery.StartsWith("/incidents?since=", StringComparison.Ordinal))
            .Select(s => string.Join("&", s.PathAndQuery.Split('?')[1].Split('&').Where(p => parameters.Any(name => p.StartsWith(name, StringComparison.Ordinal))))),
    ];

    /// <summary>Serves <paramref name="incidents"/>, syncs them, and an hour later syncs again, unchanged: it writes nothing (its requests are left in Served).</summary>
    private static async Task SyncThenResyncUnchangedAsync(PagerDutyScenario scenario, IReadOnlyList<FakePagerDutyIncident> incidents)
    {
        scenario.PagerDuty.Incidents.AddRange(incidents);
        Assert.True((await scenario.RunAsync()).Succeeded);
        scenario.Clock.Advance(TimeSpan.FromHours(1));
        scenario.PagerDuty.ClearServed();

        var unchanged = await scenario.RunAsync();

        Assert.True(unchanged.Succeeded, unchanged.Error);
        Assert.Equal(0, unchanged.RowsPerTable.Values.Sum());
    }

    [Fact]
    public async Task A_refused_key_fails_the_run_with_PagerDutys_answer_and_never_the_key()
    {
        const string wrong = "u+WrongKeyThatMustNotBeLogged00";
        await using var scenario = await PagerDutyScenario.CreateAsync(token: wrong);

        var run = await scenario.RunAsync();

        Assert.False(run.Succeeded);
        Assert.Contains("PagerDuty answered 401 Unauthorized to GET /incidents", run.Error, StringComparison.Ordinal);
        Assert.Contains("Authentication failed", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(scenario.Host.Logs, l => l.Contains(wrong, StringComparison.Ordinal));
        Assert.Single(scenario.PagerDuty.Served);
    }

    [Fact]
    public async Task A_403_on_an_incident_list_fails_the_run_naming_the_permission_and_saves_no_cursor()
    {
        await using var scenario = await PagerDutyScenario.CreateAsync();
        scenario.PagerDuty.Incidents.AddRange(PagerDutyScenario.Incidents());
        scenario.PagerDuty.Fail(new FakeFault
        {
            Matches = p => p.StartsWith("/incidents?", StringComparison.Ordinal), Status = 403, ContentType = "application/json",
            Body = """{"error":{"message":"Access Denied","code":2010}}""",
        });

        var run = await scenario.RunAsync();

        Assert.False(run.Succeeded);
        Assert.Contains("403 Forbidden to GET /incidents", run.Error, StringComparison.Ordinal);
        Assert.Contains("Access Denied", run.Error, StringComparison.Ordinal);
        Assert.Equal(0, await scenario.Host.CountAsync("incidents FINAL"));
        Assert.Empty(await scenario.Host.WithCatalogAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(db.SourceCursors)));
    }

    private static Task<IReadOnlyList<string>> AttributedAsync(IngestTestHost host) => StoredFigures.DerivedRowsAsync(host, "attributed_incidents");
}
