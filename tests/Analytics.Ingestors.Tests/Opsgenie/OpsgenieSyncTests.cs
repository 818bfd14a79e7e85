using Analytics.Core.Dora;
using Analytics.Ingestors.Opsgenie;
using Analytics.Ingestors.Tests.Runs;
using Analytics.Ingestors.Tests.Sources;
using Analytics.Simulators.GitHub;
using Analytics.Simulators.Opsgenie;
using Analytics.Storage.Metrics;
using Microsoft.Extensions.Configuration;

namespace Analytics.Ingestors.Tests.Opsgenie;

/// <summary>The Opsgenie source against the simulated Opsgenie, through the real runner and embedded engine.</summary>
public sealed class OpsgenieSyncTests
{
    private static readonly DoraRequest April = new(new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Served_incidents_land_as_the_same_rows_and_figures_as_the_same_incidents_imported_from_csv()
    {
        await using var scenario = await OpsgenieScenario.CreateAsync();
        scenario.Opsgenie.Incidents.AddRange(OpsgenieScenario.Incidents());
        await using var csv = await IngestTestHost.CreateAsync();
        await PagerDuty.PagerDutyScenario.ImportSampleCatalogAsync(csv);
        var file = csv.WriteFile("incidents.csv", OpsgenieScenario.IncidentsCsv);
        var imported = await csv.Get<Analytics.Ingestors.Csv.CsvImporter>().ImportAsync(file, null, OpsgenieScenario.SourceName, skipInvalid: false);
        Assert.False(imported.HasErrors, string.Join(Environment.NewLine, imported.Errors));

        var run = await scenario.RunAsync();

        Assert.True(run.Succeeded, run.Error);
        Assert.Equal(3, run.RowsPerTable["incidents"]);
        // The unmapped service's incident is named (by the Service API's name) in a warning, not stored.
        Assert.Contains(run.Warnings, w => w.Contains($"1 Opsgenie incident(s) of services not in ops's Services were not stored: 'Mail' ({OpsgenieScenario.Mail}) ×1", StringComparison.Ordinal));
        var pulled = await StoredFigures.RowsAsync(scenario.Host, "incidents");
        Assert.Equal(3, pulled.Count);
        Assert.Equal(await StoredFigures.RowsAsync(csv, "incidents"), pulled);

        await scenario.Host.EngineStore.RefreshStaleAsync();
        await csv.EngineStore.RefreshStaleAsync();
        var fromOpsgenie = await StoredFigures.Dora(scenario.Host).SummariesAsync(April);
        var fromCsv = await StoredFigures.Dora(csv).SummariesAsync(April);
        // Time to restore: a1 1 h 43 min and c3 3 h 20 min resolved, b2 open.
        Assert.Equal((2L, 1L), (fromOpsgenie.Organisation.RecoveryTime.Resolved, fromOpsgenie.Organisation.RecoveryTime.Open));
        Assert.Equal(fromCsv.Organisation.RecoveryTime, fromOpsgenie.Organisation.RecoveryTime);
        Assert.Equal(fromCsv.Organisation.ChangeFailureRate, fromOpsgenie.Organisation.ChangeFailureRate);
        Assert.Equal(fromCsv.Teams, fromOpsgenie.Teams);
        Assert.Equal(1, await scenario.Host.CountAsync("incidents FINAL", "incident_id = 'opsgenie-a1' AND caused_by_deployment_id = 'gh-run-9001'"));
        // Opsgenie's documented headers on every request.
        Assert.All(scenario.Opsgenie.RequestHeaders, h => Assert.Equal($"GenieKey {OpsgenieScenario.ApiKey}", h["authorization"]));
    }

    [Fact]
    public async Task Pages_are_read_by_offset_following_paging_next_until_it_is_absent()
    {
        await using var scenario = await OpsgenieScenario.CreateAsync(new Dictionary<string, string?> { ["PageSize"] = "2" });
        scenario.Opsgenie.Incidents.AddRange(Enumerable.Range(1, 5).Select(i => new FakeOpsgenieIncident
        {
            Id = $"x{i}", TinyId = $"{i}", Message = $"Outage {i}", ServiceIds = [OpsgenieScenario.Payments],
            CreatedAt = PagerDuty.PagerDutyScenario.At(10 + i, 8, 0), ResolvedAt = PagerDuty.PagerDutyScenario.At(10 + i, 9, 0),
        }));

        var run = await scenario.RunAsync();

        Assert.True(run.Succeeded, run.Error);
        Assert.Equal(5, await scenario.Host.CountAsync("incidents FINAL"));
        var listings = scenario.Opsgenie.Served.Where(s => s.PathAndQuery.StartsWith("/v1/incidents?", StringComparison.Ordinal)).ToList();
        Assert.Equal(["offset=0", "offset=2", "offset=4"], listings.Select(s => s.PathAndQuery.Split('&').Single(p => p.StartsWith("offset=", StringComparison.Ordinal))));
        Assert.All(listings, s => Assert.Contains("limit=2", s.PathAndQuery, StringComparison.Ordinal));
        // Every impacted service is mapped by id: the Service API is not asked.
        Assert.DoesNotContain(scenario.Opsgenie.Served, s => s.PathAndQuery.StartsWith("/v1/services", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unchanged_resync_writes_nothing_and_costs_one_search_from_the_oldest_open_incident_and_a_resolution_updates_its_row()
    {
        await using var scenario = await OpsgenieScenario.CreateAsync();
        var incidents = OpsgenieScenario.Incidents().Where(i => i.Id != "d4").ToList();
        await SyncThenResyncUnchangedAsync(scenario, incidents);

        // One search from b2's creation (16 Apr 07:30, still open) to now (20 Apr 10:00): the new incidents and b2 in its
        // state now; and b2's service named through the Service API (it is mapped by name, in the Configuration domain's
        // budget, not the Incident one).
        Assert.Equal(["createdAt >= 1776324600000 AND createdAt < 1776679200000"], Searches(scenario));
        Assert.Equal(["/v1/incidents?", "/v1/services?limit=100&offset=0"],
            scenario.Opsgenie.Served.Select(s => s.PathAndQuery.StartsWith("/v1/incidents?", StringComparison.Ordinal) ? "/v1/incidents?" : s.PathAndQuery));

        incidents[2].ResolvedAt = PagerDuty.PagerDutyScenario.At(20, 9, 30);
        scenario.Clock.Advance(TimeSpan.FromHours(1));
        scenario.Opsgenie.ClearServed();
        var resolved = await scenario.RunAsync();

        // The search by creation time still has b2, resolved now: its resolution lands, no request by id.
        Assert.True(resolved.Succeeded, resolved.Error);
        Assert.Equal(1, resolved.RowsPerTable["incidents"]);
        Assert.Equal(1, await scenario.Host.CountAsync("incidents FINAL", "incident_id = 'opsgenie-b2'"));
        Assert.Equal(1, await scenario.Host.CountAsync("incidents FINAL", "incident_id = 'opsgenie-b2' AND resolved_at = '2026-04-20 09:30:00'"));
        Assert.Equal(["createdAt >= 1776324600000 AND createdAt < 1776682800000"], Searches(scenario));
        Assert.DoesNotContain(scenario.Opsgenie.Served, s => s.PathAndQuery.StartsWith("/v1/incidents/", StringComparison.Ordinal));
        scenario.Opsgenie.ClearServed();
        scenario.Clock.Advance(TimeSpan.FromHours(1));
        Assert.True((await scenario.RunAsync()).Succeeded);
        // Nothing open any more: the search since the last run is the whole re-sync.
        Assert.Equal(["createdAt >= 1776682800000 AND createdAt < 1776686400000"], Searches(scenario));
        Assert.Single(scenario.Opsgenie.Served);
    }

    [Fact]
    public async Task Several_open_incidents_are_read_again_in_the_same_one_search()
    {
        await using var scenario = await OpsgenieScenario.CreateAsync();
        await SyncThenResyncUnchangedAsync(scenario, WithTwoMoreOpen());

        // From b2's creation, the oldest open one: b2, e5 and f6 in their state now, no search of the open incidents.
        Assert.Equal(["createdAt >= 1776324600000 AND createdAt < 1776679200000"], Searches(scenario));
        Assert.Single(scenario.Opsgenie.Served, s => s.PathAndQuery.StartsWith("/v1/incidents", StringComparison.Ordinal));
    }

    [Fact]
    public async Task When_a_page_or_more_was_created_since_the_oldest_open_incident_the_open_ones_are_searched_apart()
    {
        // A page of 2: b2, d4, e5 and f6 were created from b2's creation on, two pages' worth.
        await using var scenario = await OpsgenieScenario.CreateAsync(new Dictionary<string, string?> { ["PageSize"] = "2" });
        await SyncThenResyncUnchangedAsync(scenario, WithTwoMoreOpen());

        // The search since the last run, then one search of the open incidents (b2, e5, f6: two pages of 2).
        Assert.Equal(["createdAt >= 1776675600000 AND createdAt < 1776679200000", "status: open", "status: open"], Searches(scenario));
    }

    [Fact]
    public async Task An_incident_open_for_over_30_days_is_still_read_in_the_one_search_as_opsgenie_searches_any_range_at_once()
    {
        await using var scenario = await OpsgenieScenario.CreateAsync();
        scenario.Opsgenie.Incidents.AddRange(OpsgenieScenario.Incidents());
        Assert.True((await scenario.RunAsync()).Succeeded);
        // b2 (16 Apr 07:30) is still open on 17 May 09:00: PagerDuty would read it apart (30-day windows), Opsgenie need not.
        scenario.Clock.Advance(TimeSpan.FromDays(27));
        scenario.Opsgenie.ClearServed();

        var unchanged = await scenario.RunAsync();

        Assert.True(unchanged.Succeeded, unchanged.Error);
        Assert.Equal(0, unchanged.RowsPerTable.Values.Sum());
        Assert.Equal(["createdAt >= 1776324600000 AND createdAt < 1779008400000"], Searches(scenario));
        Assert.Single(scenario.Opsgenie.Served, s => s.PathAndQuery.StartsWith("/v1/incidents", StringComparison.Ordinal));
    }

    /// <summary>The scenario's incidents and two more open ones of Payments, e5 (17 Apr 06:00) and f6 (07:00).</summary>
    private static List<FakeOpsgenieIncident> WithTwoMoreOpen()
    {
        var incidents = OpsgenieScenario.Incidents().ToList();
        incidents.AddRange(new[] { "e5", "f6" }.Select((id, i) => new FakeOpsgenieIncident
        {
            Id = id, TinyId = $"{105 + i}", Message = $"Queue backlog {i}", ServiceIds = [OpsgenieScenario.Payments], CreatedAt = PagerDuty.PagerDutyScenario.At(17, 6 + i, 0),
        }));
        return incidents;
    }

    /// <summary>The query of each incident search served (<c>/v1/incidents?query=…</c>), decoded.</summary>
    private static List<string> Searches(OpsgenieScenario scenario) =>
    [
        .. scenario.Opsgenie.Served.Where(s => s.PathAndQuery.StartsWith("/v1/incidents?", StringComparison.Ordinal))
            .Select(s => Uri.UnescapeDataString(s.PathAndQuery.Split('?')[1].Split('&').Single(p => p.StartsWith("query=", StringComparison.Ordinal))[6..])),
    ];

    /// <summary>Serves <paramref name="incidents"/>, syncs them, and an hour later syncs again, unchanged: it writes nothing (its requests are left in Served).</summary>
    private static async Task SyncThenResyncUnchangedAsync(OpsgenieScenario scenario, IReadOnlyList<FakeOpsgenieIncident> incidents)
    {
        scenario.Opsgenie.Incidents.AddRange(incidents);
        Assert.True((await scenario.RunAsync()).Succeeded);
        scenario.Clock.Advance(TimeSpan.FromHours(1));
        scenario.Opsgenie.ClearServed();

        var unchanged = await scenario.RunAsync();

        Assert.True(unchanged.Succeeded, unchanged.Error);
        Assert.Equal(0, unchanged.RowsPerTable.Values.Sum());
    }

    [Fact]
    public async Task A_429_is_waited_for_as_opsgenie_says_and_5xx_and_a_cut_off_body_are_retried()
    {
        await using var scenario = await OpsgenieScenario.CreateAsync();
        scenario.Opsgenie.Incidents.AddRange(OpsgenieScenario.Incidents());
        scenario.Opsgenie.RateLimit = 1;
        scenario.Opsgenie.Fail(new FakeFault { Matches = p => p.StartsWith("/v1/incidents?", StringComparison.Ordinal), Status = 503 });
        scenario.Opsgenie.Fail(new FakeFault
        {
            Matches = p => p.StartsWith("/v1/services", StringComparison.Ordinal), Status = 200,
            Body = """{"data":[{"id":"5e3c0f0a""", ContentType = "application/json",
        });
        scenario.Opsgenie.Fail(new FakeFault
        {
            Matches = p => p.StartsWith("/v1/services", StringComparison.Ordinal), Status = 429, ContentType = "application/json",
            Body = """{"message":"You are making too many requests!","took":0.001,"requestId":"r1"}""", Headers = new() { ["Retry-After"] = "7", ["X-RateLimit-State"] = "THROTTLED" },
        });

        var run = await scenario.RunAsync();

        Assert.True(run.Succeeded, run.Error);
        Assert.Equal(3, await scenario.Host.CountAsync("incidents FINAL"));
        var statuses = scenario.Opsgenie.Served.Select(s => s.Status).ToList();
        Assert.Contains(503, statuses);
        Assert.Equal(2, statuses.Count(s => s == 429));
        // Retry-After when sent (7 s), else X-RateLimit-Period-In-Sec (the simulator's minute).
        Assert.Contains(TimeSpan.FromSeconds(7), scenario.Clock.Waits);
        Assert.Contains(TimeSpan.FromMinutes(1), scenario.Clock.Waits);
        Assert.Contains(scenario.Host.Logs, l => l.Contains("Opsgenie rate limit (INCIDENT) hit (429)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_bad_incident_is_named_with_its_field_the_others_are_stored_and_it_is_read_again_until_fixed()
    {
        await using var scenario = await OpsgenieScenario.CreateAsync();
        var incidents = OpsgenieScenario.Incidents();
        incidents[1].Corrupt = json => json["impactEndDate"] = "2026-04-15T11:00:00Z";
        scenario.Opsgenie.Incidents.AddRange(incidents);

        var first = await scenario.RunAsync();

        Assert.True(first.Succeeded, first.Error);
        Assert.Contains(first.Warnings, w => w.Contains(
            "Opsgenie incident c3 (#103): resolved_at (from impactEndDate/updatedAt) 2026-04-15T11:00:00Z is before started_at (2026-04-15T12:20:00Z)", StringComparison.Ordinal));
        Assert.Equal(2, await scenario.Host.CountAsync("incidents FINAL"));

        incidents[1].Corrupt = null;
        scenario.Opsgenie.ClearServed();
        scenario.Clock.Advance(TimeSpan.FromHours(1));
        var second = await scenario.RunAsync();

        Assert.True(second.Succeeded, second.Error);
        Assert.DoesNotContain(second.Warnings, w => w.Contains("c3", StringComparison.Ordinal));
        Assert.Equal(3, await scenario.Host.CountAsync("incidents FINAL"));
    }

    [Fact]
    public async Task An_open_incident_deleted_in_opsgenie_is_asked_for_once_more_404_and_then_no_longer()
    {
        await using var scenario = await OpsgenieScenario.CreateAsync();
        var incidents = OpsgenieScenario.Incidents().Where(i => i.Id != "d4").ToList();
        await SyncThenResyncUnchangedAsync(scenario, incidents);
        scenario.Opsgenie.Incidents.RemoveAll(i => i.Id == "b2");
        scenario.Opsgenie.ClearServed();
        scenario.Clock.Advance(TimeSpan.FromHours(1));

        var gone = await scenario.RunAsync();

        Assert.True(gone.Succeeded, gone.Error);
        Assert.Contains(scenario.Opsgenie.Served, s => s.PathAndQuery == "/v1/incidents/b2?identifierType=id" && s.Status == 404);
        // Its stored row stays as last read; it is not asked for again.
        Assert.Equal(1, await scenario.Host.CountAsync("incidents FINAL", "incident_id = 'opsgenie-b2'"));
        scenario.Opsgenie.ClearServed();
        scenario.Clock.Advance(TimeSpan.FromHours(1));
        Assert.True((await scenario.RunAsync()).Succeeded);
        Assert.Single(scenario.Opsgenie.Served);
    }

    [Fact]
    public async Task A_refused_key_fails_the_run_with_opsgenies_answer_and_never_the_key()
    {
        const string wrong = "0f3b2c1a-WrongGenieKeyNotToBeLogged";
        await using var scenario = await OpsgenieScenario.CreateAsync(apiKey: wrong);

        var run = await scenario.RunAsync();

        Assert.False(run.Succeeded);
        Assert.Contains("Opsgenie answered 401 Unauthorized to GET /v1/incidents", run.Error, StringComparison.Ordinal);
        Assert.Contains("Could not authenticate", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(scenario.Host.Logs, l => l.Contains(wrong, StringComparison.Ordinal));
        Assert.Single(scenario.Opsgenie.Served);
        Assert.Empty(await scenario.Host.WithCatalogAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(db.SourceCursors)));
    }

    [Fact]
    public void Settings_default_to_the_regions_address_and_name_every_problem()
    {
        var eu = OpsgenieSourceSettings.Parse(Section(("Region", "eu"), ("ApiKey", "k"), ("Services:Payments", "payments-api")));
        Assert.Equal(new Uri("https://api.eu.opsgenie.com/"), eu.BaseUrl);
        Assert.Equal("sev5", eu.SeverityByPriority["P5"]);

        var problems = OpsgenieSourceSettings.Validate(Section(("Region", "mars"), ("Services:Payments", "Payments API"), ("SeverityByPriority:P1", "critical")));
        Assert.Contains(problems, p => p.Contains("ops:Region must be one of us, eu (was 'mars')", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("ops:ApiKey must hold an Opsgenie API key", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("ops:Services:Payments must be a catalog service slug", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("ops:SeverityByPriority:P1 must be one of sev1", StringComparison.Ordinal));
    }

    private static IConfigurationSection Section(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(s => KeyValuePair.Create($"ops:{s.Key}", (string?)s.Value))).Build().GetSection("ops");
}
