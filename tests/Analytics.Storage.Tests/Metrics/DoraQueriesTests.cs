namespace Analytics.Storage.Tests.Metrics;

/// <summary>
/// A small history worked out by hand (the expected numbers are in the comments), run through the real
/// SQL files on the embedded engine. Team "alpha" owns api until 2025-01-15, then "beta" does (a reorg);
/// "orphan" has no owner.
/// </summary>
public sealed class DoraQueriesTests : IAsyncLifetime
{
    private static readonly DateTimeOffset From = new(2025, 1, 6, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = new(2025, 2, 3, 0, 0, 0, TimeSpan.Zero);
    private IClickHouseStore _store = default!;
    private DoraResult _result = default!;

    public async Task InitializeAsync()
    {
        _store = await EmbeddedEngine.NewMigratedDatabaseAsync("dora");
        foreach (var statement in Scenario.Split(";\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            await _store.ExecuteAsync(statement);
        }
        var queries = new DoraQueries(_store, new SqlFiles(), Options.Create(new MetricOptions()));
        _result = await queries.SummariesAsync(new DoraRequest(From, To));
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    private DoraSummary Team(string team) => Assert.Single(_result.Teams, summary => summary.Team == team);

    [Fact]
    public void Deployment_frequency_counts_successful_production_deployments_by_owner_at_the_time()
    {
        // d1, d2, d6 → alpha; d5 after the reorg → beta; d7 → unassigned. d3 is staging, d4 failed.
        Assert.Equal(5, _result.Organisation.DeploymentFrequency.Deployments);
        Assert.Equal(3, Team("alpha").DeploymentFrequency.Deployments);
        Assert.Equal(1, Team("beta").DeploymentFrequency.Deployments);
        Assert.Equal(1, Team("unassigned").DeploymentFrequency.Deployments);
        Assert.Equal(1, _result.Organisation.DeploymentFrequency.FailedAttempts);
        // Organisation deployment days per ISO week: [2, 0, 2, 0] → median 1; 5 deployments over 28 days.
        Assert.Equal(1, _result.Organisation.DeploymentFrequency.MedianDeploymentDaysPerWeek);
        Assert.Equal(5 / 28.0, _result.Organisation.DeploymentFrequency.DeploymentsPerDay, 10);
    }

    [Fact]
    public void Lead_time_is_the_interpolated_median_over_commits_first_shipped_in_the_period()
    {
        // s1: 2h05 (7,500 s); s2: first shipped by d2, 4h (14,400 s) — d5 shipping it again is ignored;
        // s2b: 1h (3,600 s, inferred link); s3: deployed before committed → excluded.
        var leadTime = _result.Organisation.LeadTime;
        Assert.Equal(3, leadTime.Changes);
        Assert.Equal(1, leadTime.Excluded);
        Assert.Equal(TimeSpan.FromSeconds(7_500), leadTime.Median);
        Assert.Equal(TimeSpan.FromSeconds(10_950), leadTime.P75); // 7,500 + 0.5 × 6,900
        Assert.Equal(TimeSpan.FromSeconds(13_020), leadTime.P90); // 7,500 + 0.8 × 6,900
        Assert.Equal(1 / 3.0, leadTime.InferredShare, 10);
        Assert.Equal(DoraTier.Elite, leadTime.Tier);
        Assert.Null(Team("beta").LeadTime.Median);
        Assert.Equal(1, Team("beta").LeadTime.Excluded);
        // 3 changes < the default minimum sample of 5: shown, flagged.
        Assert.True(leadTime.LowConfidence);
    }

    [Fact]
    public void Change_failure_rate_counts_each_failed_deployment_once()
    {
        // i1 and i2 both fall on d2 (latest api deployment before them); i4 names d1; i3 is 24 days after d6,
        // outside the 7-day window. Failed: d1, d2 → alpha 2/3, organisation 2/5.
        Assert.Equal(2, _result.Organisation.ChangeFailureRate.FailedDeployments);
        Assert.Equal(0.4, _result.Organisation.ChangeFailureRate.Rate!.Value, 10);
        Assert.Equal(2 / 3.0, Team("alpha").ChangeFailureRate.Rate!.Value, 10);
        Assert.Equal(0.0, Team("beta").ChangeFailureRate.Rate!.Value, 10);
    }

    [Fact]
    public void Recovery_time_is_the_median_of_incidents_resolved_in_the_period_and_open_ones_are_counted()
    {
        // alpha: i1 1 h, i2 4 h → 2.5 h; beta (owner when i4 started): 2 h; organisation [1, 2, 4] h → 2 h. i3 open.
        Assert.Equal(TimeSpan.FromHours(2), _result.Organisation.RecoveryTime.Median);
        Assert.Equal(3, _result.Organisation.RecoveryTime.Resolved);
        Assert.Equal(1, _result.Organisation.RecoveryTime.Open);
        Assert.Equal(TimeSpan.FromHours(2.5), Team("alpha").RecoveryTime.Median);
        Assert.Equal(TimeSpan.FromHours(2), Team("beta").RecoveryTime.Median);
    }

    [Fact]
    public async Task Pull_request_cycle_time_splits_into_phases_without_bots_or_the_authors_own_reviews()
    {
        var queries = new PullRequestQueries(_store, new SqlFiles(), Options.Create(new MetricOptions()));

        var cycle = (await queries.CycleTimeAsync(new DoraRequest(From, To)))[""];

        // #1: coding 07:00→09:00 2 h; pickup 09:00→bob 09:20 (ann's own review does not count) 20 min; review 10 min;
        //     deploy 09:30→d1 (ships s1) 10:05, 35 min.
        // #2: coding 1 h; pickup 12:00→cat 16:00 (ci-bot does not count) 4 h; review 16:00→08:00 16 h; deploy 08:00→d2 10:05 2 h 05.
        // Medians of two: coding (2 h, 1 h) 90 min; pickup (20 min, 4 h) 130 min; review (10 min, 16 h) 485 min; deploy (35, 125 min) 80 min.
        // #3 (flagged bot) and #5 (renovate[bot] in the bot list) are left out; #6 is not merged.
        // #4: first commit after opening → coding negative (unknown); no review → pickup and review unknown; never shipped.
        Assert.Equal(3, cycle.PullRequests);
        Assert.Equal(new PhaseFigure(2, TimeSpan.FromMinutes(90), 1), cycle.Coding);
        Assert.Equal(new PhaseFigure(2, TimeSpan.FromMinutes(130), 0), cycle.Pickup);
        Assert.Equal(new PhaseFigure(2, TimeSpan.FromMinutes(485), 0), cycle.Review);
        Assert.Equal(new PhaseFigure(2, TimeSpan.FromMinutes(80), 0), cycle.Deploy);
    }

    [Fact]
    public async Task Figures_from_samples_at_or_above_the_minimum_are_not_flagged()
    {
        var queries = new DoraQueries(_store, new SqlFiles(), Options.Create(new MetricOptions { MinimumSample = 3 }));

        var organisation = (await queries.SummariesAsync(new DoraRequest(From, To))).Organisation;

        Assert.False(organisation.LeadTime.LowConfidence);          // 3 changes
        Assert.False(organisation.ChangeFailureRate.LowConfidence); // 5 deployments
        Assert.False(organisation.RecoveryTime.LowConfidence);      // 3 resolved
        Assert.True(Team("beta").RecoveryTime.LowConfidence);       // 1 resolved, default minimum 5
    }

    [Fact]
    public async Task A_team_filter_gives_that_team_alone()
    {
        var queries = new DoraQueries(_store, new SqlFiles(), Options.Create(new MetricOptions()));

        var beta = await queries.SummariesAsync(new DoraRequest(From, To, "beta"));

        var team = Assert.Single(beta.Teams);
        Assert.Equal("beta", team.Team);
        Assert.Equal(1, team.DeploymentFrequency.Deployments);
        Assert.Equal(TimeSpan.FromHours(2), team.RecoveryTime.Median);
    }

    [Fact]
    public async Task Drill_down_lists_the_rows_behind_each_figure_with_the_evidence()
    {
        var drillDown = new DoraDrillDown(_store, new SqlFiles(), Options.Create(new MetricOptions()));
        var alpha = new DoraRequest(From, To, "alpha");

        var deployments = await drillDown.DeploymentsAsync(alpha);
        var changes = await drillDown.ChangesAsync(new DoraRequest(From, To));
        var incidents = await drillDown.IncidentsAsync(new DoraRequest(From, To));

        // The same 3 deployments as alpha's frequency, the same 2 failures as its change failure rate, with why.
        Assert.Equal(["d2", "d6", "d1"], deployments.Select(d => d.DeploymentId));
        Assert.Equal(["incident_window:i1", "incident_window:i2"], deployments.Single(d => d.DeploymentId == "d2").FailureEvidence);
        Assert.Equal(["incident_link:i4"], deployments.Single(d => d.DeploymentId == "d1").FailureEvidence);
        Assert.False(deployments.Single(d => d.DeploymentId == "d6").CausedFailure);
        // Lead time's sample plus the excluded commit, slowest first.
        Assert.Equal(["s2", "s1", "s2b", "s3"], changes.Select(c => c.Sha));
        Assert.True(changes.Single(c => c.Sha == "s3").Excluded);
        Assert.Equal("inferred", changes.Single(c => c.Sha == "s2b").Link);
        // No personal data beyond what identifies the change: the subject line only, e-mail addresses masked.
        Assert.Equal("Fix the cart for <e-mail>", changes.Single(c => c.Sha == "s1").Message);
        // Resolved ones and the open one (age at the end of the period: 2025-01-30 14:00 → 02-03 00:00 = 82 h).
        Assert.Equal(["i3", "i4", "i2", "i1"], incidents.Select(i => i.IncidentId));
        var open = incidents.Single(i => i.IncidentId == "i3");
        Assert.Equal("open", open.State);
        Assert.Equal(82 * 3600, open.DurationSeconds);
        Assert.Equal("d2", incidents.Single(i => i.IncidentId == "i1").BlamedDeploymentId);
    }

    [Fact]
    public async Task A_production_rollback_or_hotfix_marks_the_deployment_it_names_and_a_staging_one_does_not()
    {
        await using var store = await EmbeddedEngine.NewMigratedDatabaseAsync("fixes");
        await store.ExecuteAsync("INSERT INTO catalog_production_environments (source, pattern) VALUES ('', 'production')");
        await store.ExecuteAsync("""
            INSERT INTO deployments (deployment_id, service, environment, status, kind, related_deployment_id, repository, sha, started_at, finished_at, url, source) VALUES
                ('p1', 'api', 'production', 'success', 'normal', '', 'acme/api', 'a', '2025-01-06 10:00:00', '2025-01-06 10:05:00', '', 't'),
                ('p2', 'api', 'production', 'success', 'hotfix', 'p1', 'acme/api', 'b', '2025-01-06 12:00:00', '2025-01-06 12:05:00', '', 't'),
                ('p3', 'api', 'production', 'success', 'normal', '', 'acme/api', 'c', '2025-01-07 10:00:00', '2025-01-07 10:05:00', '', 't'),
                ('s1', 'api', 'staging', 'success', 'rollback', 'p3', 'acme/api', 'b', '2025-01-07 11:00:00', '2025-01-07 11:05:00', '', 't'),
                ('p4', 'api', 'production', 'failure', 'rollback', 'p3', 'acme/api', 'b', '2025-01-07 12:00:00', '2025-01-07 12:05:00', '', 't')
            """);
        var drillDown = new DoraDrillDown(store, new SqlFiles(), Options.Create(new MetricOptions()));
        var queries = new DoraQueries(store, new SqlFiles(), Options.Create(new MetricOptions()));

        var deployments = await drillDown.DeploymentsAsync(new DoraRequest(From, To));
        var summary = await queries.SummariesAsync(new DoraRequest(From, To));

        // p1 is named by the hotfix p2; p3 only by a staging rollback and a failed attempt, which do not count.
        Assert.Equal(["hotfix:p2"], deployments.Single(d => d.DeploymentId == "p1").FailureEvidence);
        Assert.False(deployments.Single(d => d.DeploymentId == "p3").CausedFailure);
        Assert.Equal(1, summary.Organisation.ChangeFailureRate.FailedDeployments);
        Assert.Equal(3, summary.Organisation.ChangeFailureRate.Deployments);
        Assert.Equal(1, summary.Organisation.ReworkRate.ReworkDeployments); // p2
    }

    [Fact]
    public void Restore_time_runs_from_a_failed_deployment_to_the_next_good_production_deployment_of_its_service()
    {
        // Failed: d1 (i4 names it) and d2 (i1, i2). The next api deployment that did not fail is d5 (01-20 10:05):
        // d1 → d5 = 14 days (1,209,600 s), d2 → d5 = 13 days (1,123,200 s); median 13.5 days. Both failed
        // deployments were alpha's, though d5 is beta's after the reorg. Nothing awaits a restore.
        var recovery = Team("alpha").RecoveryTime;
        Assert.Equal(2, recovery.Restored);
        Assert.Equal(TimeSpan.FromDays(13.5), recovery.RestoreMedian);
        Assert.Equal(0, recovery.AwaitingRestore);
        Assert.Equal(2, _result.Organisation.RecoveryTime.Restored);
        Assert.Equal(0, Team("beta").RecoveryTime.Restored);
        Assert.Null(Team("beta").RecoveryTime.RestoreMedian);
    }

    [Fact]
    public async Task A_severity_filter_keeps_only_those_incidents_in_time_to_restore_service()
    {
        var queries = new DoraQueries(_store, new SqlFiles(), Options.Create(new MetricOptions()));
        var drillDown = new DoraDrillDown(_store, new SqlFiles(), Options.Create(new MetricOptions()));
        var sev2 = new DoraRequest(From, To) { Severities = ["SEV2"] };

        var organisation = (await queries.SummariesAsync(sev2)).Organisation;
        var incidents = await drillDown.IncidentsAsync(sev2);

        // sev2: i2 (4 h) resolved, i3 open; i1 (sev1) and i4 (sev3) left out. Failures and restores are not filtered.
        Assert.Equal(1, organisation.RecoveryTime.Resolved);
        Assert.Equal(TimeSpan.FromHours(4), organisation.RecoveryTime.Median);
        Assert.Equal(1, organisation.RecoveryTime.Open);
        Assert.Equal(["i3", "i2"], incidents.Select(i => i.IncidentId));
        Assert.Equal(2, organisation.ChangeFailureRate.FailedDeployments);
        Assert.Equal(2, organisation.RecoveryTime.Restored);
    }

    [Fact]
    public void Each_tier_year_grades_its_own_recovery_figure()
    {
        // Incidents restored in a median 2 h; failed deployments were restored in a median 13.5 days (d1, d2 → d5).
        var recovery = _result.Organisation.RecoveryTime;
        Assert.Equal(TimeSpan.FromDays(13.5), recovery.RestoreMedian);

        // 2023 and 2024 grade failed-deployment recovery time: 13.5 days is not under a week → Low. The incidents'
        // 2 h is graded by the 2021 tiers, whose figure it is: under a day → High.
        foreach (var year in new[] { 2023, 2024 })
        {
            var graded = DoraTierTables.Get(year).Apply(_result.Organisation).RecoveryTime;
            Assert.Equal(RecoveryMeasure.FailedDeploymentRecoveryTime, graded.Graded);
            Assert.Equal(DoraTier.Low, graded.KeyTier);
            Assert.Equal(TimeSpan.FromDays(13.5), graded.KeyMedian);
            Assert.Equal((DoraTier.High, 2021, year), (graded.Tier!.Value, graded.TierYear, graded.RestoreTierYear));
        }
        var tiers2021 = DoraTierTables.Get(2021).Apply(_result.Organisation).RecoveryTime;
        Assert.Equal(RecoveryMeasure.TimeToRestoreService, tiers2021.Graded);
        Assert.Equal(DoraTier.High, tiers2021.KeyTier);
        Assert.Equal((DoraTier.Low, 2023), (tiers2021.RestoreTier!.Value, tiers2021.RestoreTierYear));
        // Without a chosen year, the default (2023) grades the same way.
        Assert.Equal(DoraTier.Low, recovery.KeyTier);
        Assert.Equal(DoraTier.High, recovery.Tier);
    }

    [Fact]
    public async Task A_failed_deployment_stops_awaiting_a_restore_once_its_service_stopped_deploying()
    {
        await using var store = await EmbeddedEngine.NewMigratedDatabaseAsync("ageing");
        await store.ExecuteAsync("INSERT INTO catalog_production_environments (source, pattern) VALUES ('', 'production')");
        // legacy failed in 2023 and never deployed again; live failed on 01-30, four days before the end.
        await store.ExecuteAsync("""
            INSERT INTO deployments (deployment_id, service, environment, status, kind, related_deployment_id, repository, sha, started_at, finished_at, url, source) VALUES
                ('x1', 'legacy', 'production', 'success', 'normal', '', 'acme/legacy', 'x', '2023-03-01 10:00:00', '2023-03-01 10:05:00', '', 't'),
                ('y1', 'live', 'production', 'success', 'normal', '', 'acme/live', 'y', '2025-01-30 10:00:00', '2025-01-30 10:05:00', '', 't')
            """);
        await store.ExecuteAsync("""
            INSERT INTO incidents (incident_id, service, severity, title, started_at, resolved_at, caused_by_deployment_id, url, source) VALUES
                ('ix', 'legacy', 'sev1', 'x', '2023-03-01 11:00:00', '2023-03-01 12:00:00', 'x1', '', 't'),
                ('iy', 'live', 'sev1', 'y', '2025-01-30 11:00:00', '2025-01-30 12:00:00', 'y1', '', 't')
            """);

        async Task<long> AwaitingAsync(TimeSpan limit) =>
            (await new DoraQueries(store, new SqlFiles(), Options.Create(new MetricOptions { AwaitingRestoreLimit = limit }))
                .SummariesAsync(new DoraRequest(From, To))).Organisation.RecoveryTime.AwaitingRestore;

        // Default 30 days: legacy's last deployment is almost two years old → only y1 awaits.
        Assert.Equal(1, await AwaitingAsync(TimeSpan.FromDays(30)));
        Assert.Equal(2, await AwaitingAsync(TimeSpan.FromDays(1000)));
        Assert.Equal(0, await AwaitingAsync(TimeSpan.FromDays(3)));
        var history = await GeneratedOrganisation.ReadDoraHistoryAsync(store);
        Assert.Equal(1, new DoraOracle(history, new MetricOptions()).Summaries(From, To)[""].RecoveryTime.AwaitingRestore);
    }

    [Fact]
    public async Task The_deployment_days_median_counts_whole_weeks_only()
    {
        // To Thursday 23 January: the week of 20 January (d5, d7: 2 days) is cut by the window's end. Whole weeks [2, 0]
        // → median 1; counting the partial week as whole gave [2, 0, 2] → 2.
        var cut = await Queries().SummariesAsync(new DoraRequest(From, new DateTimeOffset(2025, 1, 23, 0, 0, 0, TimeSpan.Zero)));
        Assert.Equal(1, cut.Organisation.DeploymentFrequency.MedianDeploymentDaysPerWeek);

        // In Berlin the window starts at 01:00 on Monday 6 January, so that week is partial: whole weeks [0, 2, 0] → 0
        // (the week of 27 January ends at 00:00 Berlin on 3 February, 23:00 UTC, inside the window). It was [2, 0, 2, 0] → 1.
        var berlin = await Queries(new MetricOptions { TimeZone = "Europe/Berlin" }).SummariesAsync(new DoraRequest(From, To));
        Assert.Equal(0, berlin.Organisation.DeploymentFrequency.MedianDeploymentDaysPerWeek);
    }

    [Fact]
    public async Task The_current_week_is_partial_until_it_ends()
    {
        // Monday and Tuesday of three weeks ago and of last week; nothing yet this week. The window runs to the end of
        // this week: whole weeks [2, 0, 2] → median 2; the current week counted as a whole empty one gave [2, 0, 2, 0] → 1.
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var monday = today.AddDays(-(((int)today.DayOfWeek + 6) % 7));
        string Row(string id, DateOnly day) =>
            $"('{id}', 'api', 'production', 'success', 'normal', '', 'acme/api', '{id}', '{day:yyyy-MM-dd} 10:00:00', '{day:yyyy-MM-dd} 10:05:00', '', 't')";
        await _store.ExecuteAsync(
            "INSERT INTO deployments (deployment_id, service, environment, status, kind, related_deployment_id, repository, sha, started_at, finished_at, url, source) VALUES "
            + string.Join(", ", Row("n1", monday.AddDays(-21)), Row("n2", monday.AddDays(-20)), Row("n3", monday.AddDays(-7)), Row("n4", monday.AddDays(-6))));
        var from = new DateTimeOffset(monday.AddDays(-21).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

        var result = await Queries().SummariesAsync(new DoraRequest(from, from.AddDays(28)));

        Assert.Equal(4, result.Organisation.DeploymentFrequency.Deployments);
        Assert.Equal(2, result.Organisation.DeploymentFrequency.MedianDeploymentDaysPerWeek);
    }

    private DoraQueries Queries(MetricOptions? options = null) => new(_store, new SqlFiles(), Options.Create(options ?? new MetricOptions()));

    private const string Scenario = """
        INSERT INTO catalog_production_environments (source, pattern) VALUES ('', 'production'), ('', 'prod');
        INSERT INTO catalog_service_ownership VALUES
            ('api', 'alpha', '2020-01-01 00:00:00', '2025-01-15 00:00:00'), ('api', 'beta', '2025-01-15 00:00:00', NULL), ('web', 'alpha', '2020-01-01 00:00:00', NULL);
        INSERT INTO deployments (deployment_id, service, environment, status, kind, related_deployment_id, repository, sha, started_at, finished_at, url, source) VALUES
            ('d1', 'api', 'production', 'success', 'normal', '', 'acme/api', 's1', '2025-01-06 10:00:00', '2025-01-06 10:05:00', '', 't'),
            ('d2', 'api', 'production', 'success', 'normal', '', 'acme/api', 's2', '2025-01-07 10:00:00', '2025-01-07 10:05:00', '', 't'),
            ('d3', 'api', 'staging', 'success', 'normal', '', 'acme/api', 's2', '2025-01-07 09:00:00', '2025-01-07 09:05:00', '', 't'),
            ('d4', 'api', 'production', 'failure', 'normal', '', 'acme/api', 's3', '2025-01-08 10:00:00', '2025-01-08 10:05:00', '', 't'),
            ('d5', 'api', 'production', 'success', 'normal', '', 'acme/api', 's3', '2025-01-20 10:00:00', '2025-01-20 10:05:00', '', 't'),
            ('d6', 'web', 'prod', 'success', 'normal', '', 'acme/web', 'w1', '2025-01-06 12:00:00', '2025-01-06 12:05:00', '', 't'),
            ('d7', 'orphan', 'production', 'success', 'normal', '', 'acme/orphan', 'o1', '2025-01-21 12:00:00', '2025-01-21 12:05:00', '', 't');
        INSERT INTO commits (repository, sha, parents, author_email, author_name, authored_at, committer_email, committed_at, message, source) VALUES
            ('acme/api', 's1', [], 'a@x', 'A', '2025-01-06 08:00:00', 'a@x', '2025-01-06 08:00:00', 'Fix the cart for ana@acme.test\n\nSigned-off-by: Ana <ana@acme.test>', 't'),
            ('acme/api', 's2', ['s1'], 'a@x', 'A', '2025-01-06 09:00:00', 'a@x', '2025-01-07 06:05:00', 'm', 't'),
            ('acme/api', 's2b', ['s2'], 'a@x', 'A', '2025-01-06 09:00:00', 'a@x', '2025-01-07 09:05:00', 'm', 't'),
            ('acme/api', 's3', ['s2b'], 'a@x', 'A', '2025-01-19 10:00:00', 'a@x', '2025-01-21 10:00:00', 'm', 't');
        INSERT INTO deployment_commits (deployment_id, service, repository, sha, link) VALUES
            ('d1', 'api', 'acme/api', 's1', 'exact'), ('d2', 'api', 'acme/api', 's2', 'exact'), ('d2', 'api', 'acme/api', 's2b', 'inferred'),
            ('d5', 'api', 'acme/api', 's3', 'exact'), ('d5', 'api', 'acme/api', 's2', 'exact');
        INSERT INTO incidents (incident_id, service, severity, title, started_at, resolved_at, caused_by_deployment_id, url, source) VALUES
            ('i1', 'api', 'sev1', 'x', '2025-01-07 12:00:00', '2025-01-07 13:00:00', '', '', 't'),
            ('i2', 'api', 'sev2', 'x', '2025-01-07 14:00:00', '2025-01-07 18:00:00', '', '', 't'),
            ('i3', 'web', 'sev2', 'x', '2025-01-30 14:00:00', NULL, '', '', 't'),
            ('i4', 'api', 'sev3', 'x', '2025-01-22 14:00:00', '2025-01-22 16:00:00', 'd1', '', 't');
        INSERT INTO catalog_services (service, repository, default_branch) VALUES ('api', 'acme/api', 'main');
        INSERT INTO pull_requests (repository, number, title, author_login, author_is_bot, base_branch, opened_at, first_commit_at, first_review_at, merged_at, closed_at, merge_sha, url, source) VALUES
            ('acme/api', 1, 't', 'ann', false, 'main', '2025-01-06 09:00:00', '2025-01-06 07:00:00', NULL, '2025-01-06 09:30:00', '2025-01-06 09:30:00', 's1', '', 't'),
            ('acme/api', 2, 't', 'ann', false, 'main', '2025-01-06 12:00:00', '2025-01-06 11:00:00', NULL, '2025-01-07 08:00:00', '2025-01-07 08:00:00', 's2', '', 't'),
            ('acme/api', 3, 't', 'dependabot[bot]', true, 'main', '2025-01-06 12:00:00', NULL, NULL, '2025-01-07 08:00:00', '2025-01-07 08:00:00', 's9', '', 't'),
            ('acme/api', 5, 't', 'renovate[bot]', false, 'main', '2025-01-06 12:00:00', NULL, NULL, '2025-01-07 08:00:00', '2025-01-07 08:00:00', 's8', '', 't'),
            ('acme/api', 4, 't', 'bob', false, 'main', '2025-01-08 12:00:00', '2025-01-08 13:00:00', NULL, '2025-01-09 12:00:00', '2025-01-09 12:00:00', 'zz', '', 't'),
            ('acme/api', 6, 't', 'bob', false, 'main', '2025-01-08 12:00:00', '2025-01-08 11:00:00', NULL, NULL, NULL, '', '', 't');
        INSERT INTO pull_request_reviews (repository, number, review_id, reviewer_login, reviewer_is_bot, state, submitted_at, source) VALUES
            ('acme/api', 1, 'r1', 'ann', false, 'commented', '2025-01-06 09:05:00', 't'),
            ('acme/api', 1, 'r2', 'bob', false, 'approved', '2025-01-06 09:20:00', 't'),
            ('acme/api', 2, 'r3', 'ci-bot', true, 'commented', '2025-01-06 12:01:00', 't'),
            ('acme/api', 2, 'r4', 'cat', false, 'approved', '2025-01-06 16:00:00', 't')
        """;
}
