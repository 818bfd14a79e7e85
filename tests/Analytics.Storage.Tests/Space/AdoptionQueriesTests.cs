using Analytics.Core.Space;
using static Analytics.Storage.Tests.Space.EngineeringScenario;

namespace Analytics.Storage.Tests.Space;

/// <summary>Platform adoption and hours saved over <see cref="EngineeringScenario"/>, worked by hand.</summary>
public sealed class AdoptionQueriesTests : IAsyncLifetime
{
    private IClickHouseStore _store = default!;
    private AdoptionQueries _queries = default!;

    public async Task InitializeAsync()
    {
        _store = await CreateAsync();
        _queries = new AdoptionQueries(_store, new SqlFiles(), Options.Create(new MetricOptions()));
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task Golden_path_adoption_is_active_services_on_a_golden_template_at_the_end_of_the_period()
    {
        var adoption = await _queries.GoldenPathAsync(new SpaceRequest(January, February));

        // Active in January: api (d1, d2; java since 01-15), web (d3; legacy), ops (d6; node). docs, lab and tmp never deployed.
        // Organisation 2/3; alpha 1/1; beta 0/1; gamma 1/1.
        Assert.Equal((3L, 2L), (adoption.Organisation.ActiveServices, adoption.Organisation.GoldenPathServices));
        Assert.Equal(2 / 3.0, adoption.Organisation.Rate!.Value, 9);
        Assert.Equal(
            [new TemplateShare("java", true, 1, 1 / 3.0), new TemplateShare("legacy-skeleton", false, 1, 1 / 3.0), new TemplateShare("node", true, 1, 1 / 3.0)],
            adoption.Organisation.Templates);
        Assert.Equal([1.0, 0.0, 1.0], adoption.Teams.Select(t => t.Rate!.Value));
        Assert.Equal(["alpha", "beta", "gamma"], adoption.Teams.Select(t => t.Team));
    }

    [Fact]
    public async Task Golden_path_adoption_by_month_reads_each_months_template_at_its_end()
    {
        var adoption = await _queries.GoldenPathAsync(new SpaceRequest(January, March));
        var early = await _queries.GoldenPathAsync(new SpaceRequest(January, January.AddDays(10)));

        // January as above; February: only api deployed (d5), on java → 1/1.
        Assert.Equal([new DateOnly(2025, 1, 1), new DateOnly(2025, 2, 1)], adoption.OrganisationByMonth.Select(m => m.Month!.Value));
        Assert.Equal([2 / 3.0, 1.0], adoption.OrganisationByMonth.Select(m => m.Rate!.Value));
        Assert.Equal([(new DateOnly(2025, 1, 1), 1.0), (new DateOnly(2025, 2, 1), 1.0)],
            adoption.TeamsByMonth.Where(m => m.Team == "alpha").Select(m => (m.Month!.Value, m.Rate!.Value)));
        // Up to 01-10 only d1 deployed, and api was still on the legacy skeleton then.
        Assert.Equal(0.0, early.Organisation.Rate);
        // Whole months are not partial; January cut at 01-10 is, and so is a month not over by the app's clock.
        Assert.All(adoption.OrganisationByMonth.Concat(adoption.TeamsByMonth), month => Assert.False(month.Partial));
        Assert.All(early.OrganisationByMonth.Concat(early.TeamsByMonth), month => Assert.True(month.Partial));
        var during = await new AdoptionQueries(_store, new SqlFiles(), Options.Create(new MetricOptions()), new ManualClock(new DateTimeOffset(2025, 2, 14, 0, 0, 0, TimeSpan.Zero)))
            .GoldenPathAsync(new SpaceRequest(January, March));
        Assert.Equal([false, true], during.OrganisationByMonth.Select(m => m.Partial));
        Assert.False(during.Organisation.Partial);
    }

    [Fact]
    public async Task Template_currency_counts_services_on_the_latest_version_and_how_far_behind_the_rest_are()
    {
        var currency = await _queries.TemplateCurrencyAsync(new SpaceRequest(January, February));

        // api java 3.1.0 vs 3.2.0: one minor behind. web legacy 1.9.0: latest. ops node 2.3.0 vs 2.5.1: two minors.
        // docs node 1.0.0: one major. lab node v2.5.0-rc.1 reads as 2.5.0: a patch behind. tmp: template unknown to the catalog.
        var all = currency.Figure("", "")!;
        Assert.Equal((6L, 1L, 1L, 2L, 1L, 1L), (all.Services, all.Latest, all.PatchBehind, all.MinorBehind, all.MajorBehind, all.Unknown));
        Assert.Equal(0.2, all.LatestShare!.Value, 9);   // 1 of the 5 readable
        Assert.Equal([new VersionLag(0, 1, 1), new VersionLag(0, 2, 1), new VersionLag(1, 0, 1)], all.Lags);
        var node = currency.Figure("", "node")!;
        Assert.Equal((3L, 0L, 1L, 1L, 1L), (node.Services, node.Latest, node.PatchBehind, node.MinorBehind, node.MajorBehind));
        var docs = Assert.Single(currency.Services, s => s.Service == "docs");
        Assert.Equal(new ServiceTemplateVersion("docs", "alpha", "node", "1.0.0", "2.5.1", VersionStatus.MajorBehind, 1, null), docs);
        Assert.Equal(VersionStatus.Unknown, Assert.Single(currency.Services, s => s.Service == "tmp").Status);
        Assert.Equal(0.0, currency.Figure("alpha", "")!.LatestShare);
    }

    [Fact]
    public async Task Self_service_ratio_and_fulfilment_time_by_channel_count_requests_fulfilled_in_the_period()
    {
        var selfService = await _queries.SelfServiceAsync(new SpaceRequest(January, February));

        // Fulfilled in January: sr1 (self, 600 s), sr2 (ticket, 172,800 s), sr3 (ticket, 86,400 s) — alpha;
        // sr4 (self, 1,200 s) — beta; sr6 (ticket, 259,200 s; requested in December) — gamma. sr5 never was.
        // Organisation: 2 of 5 by self-service; self-service median (600, 1,200) → 900 s; ticket median of three → 172,800 s.
        var organisation = selfService.Organisation;
        Assert.Equal(0.4, organisation.SelfServiceRatio);
        Assert.Equal(TimeSpan.FromSeconds(900), organisation.SelfService.Median);
        Assert.Equal(TimeSpan.FromSeconds(172_800), organisation.Ticket.Median);
        Assert.Equal(3, organisation.Ticket.Fulfilled);
        var alpha = Assert.Single(selfService.Teams, t => t.Team == "alpha");
        Assert.Equal(1 / 3.0, alpha.SelfServiceRatio!.Value, 9);
        Assert.Equal(TimeSpan.FromSeconds(129_600), alpha.Ticket.Median);   // (86,400 + 172,800) / 2
        Assert.Equal(0.0, Assert.Single(selfService.Teams, t => t.Team == "gamma").SelfServiceRatio);
        Assert.True(organisation.Ticket.LowConfidence);   // 3 < 5
    }

    [Fact]
    public async Task Self_service_can_count_only_some_request_kinds()
    {
        var environments = await _queries.SelfServiceAsync(new SpaceRequest(January, February), ["environment"]);

        // sr1 (self, 600 s) and sr3 (ticket, 86,400 s).
        Assert.Equal((2L, 1L), (environments.Organisation.Fulfilled, environments.Organisation.SelfServiceFulfilled));
        Assert.Equal(TimeSpan.FromSeconds(86_400), environments.Organisation.Ticket.Median);
    }

    [Fact]
    public async Task Time_to_first_deploy_runs_from_joining_to_the_first_production_deployment_of_ones_own_commit()
    {
        var firstDeploy = await _queries.FirstDeployAsync(new SpaceRequest(January, February));

        // Joiners in January: eve (alpha, 01-15) and fay (beta, 01-25). bob's move to beta is not a join; gus joined in December.
        // eve's commit e1 (author " Eve@X", read as eve@x) shipped with d2 on 01-20 10:05: 5 d 10 h 5 min = 468,300 s.
        // fay has shipped nothing yet.
        Assert.Equal(new FirstDeployFigure("", 2, 1, TimeSpan.FromSeconds(468_300), 1) { LowConfidence = true }, firstDeploy.Organisation);
        Assert.Equal(["alpha", "beta"], firstDeploy.Teams.Select(t => t.Team));
        Assert.Equal((1L, 0L, 1L), (firstDeploy.Teams[1].Joiners, firstDeploy.Teams[1].Deployed, firstDeploy.Teams[1].NotYetDeployed));
        Assert.Null(firstDeploy.Teams[1].Median);
    }

    [Fact]
    public async Task Self_service_saves_waiting_time_from_measured_durations_and_effort_from_configured_efforts_and_only_effort_is_priced()
    {
        var options = Options.Create(new MetricOptions());
        var sql = new SqlFiles();
        RoiQueries Roi(SpaceOptions space) => new(_store, sql, options, Options.Create(space), new DoraQueries(_store, sql, options));

        var result = await Roi(new SpaceOptions()).RoiAsync(new RoiRequest(January, February));
        var environments = await Roi(new SpaceOptions()).RoiAsync(new RoiRequest(January, February, HourlyCost: 80, RequestKinds: ["environment"]));
        var dnsCostsMore = await Roi(new SpaceOptions { TicketEffortByKind = new() { ["dns"] = 2 } }).RoiAsync(new RoiRequest(January, February));

        // Mean ticket fulfilment per kind (the organisation's): environment 24 h (sr3), database 48 h (sr2), dns 72 h (sr6).
        // Waiting avoided: sr1 environment 24 h − 600 s = 23.83 h (alpha); sr4 dns 72 h − 1,200 s = 71.67 h (beta); 95.5 h in all.
        Assert.Equal(95.5, result.Savings.WaitingAvoidedHours!.Value, 9);
        Assert.Equal(72 - (1_200 / 3600.0), Assert.Single(result.TeamSavings, t => t.Team == "beta").WaitingAvoidedHours!.Value, 9);
        Assert.Equal(0, result.Savings.RequestsWithoutComparison);   // sr5 was never fulfilled
        // Effort: 2 self-service requests × (0.75 h a ticket − 0.1 h a self-service request) = 1.3 h; only this is priced: 130 EUR.
        Assert.Equal((2L, 1.3), (result.Savings.SelfServiceRequests, Math.Round(result.Savings.EffortSavedHours, 9)));
        Assert.Equal(130, result.Savings.Cost, 9);
        Assert.Equal(new RoiAssumptions(3, 100, "EUR", [], 2000, new SpaceOptions().BootstrapSeed, 0.9, 0.5, 5, 0.75, result.Assumptions.TicketEffortHours, 0.1)
            with { RequestKinds = result.Assumptions.RequestKinds }, result.Assumptions);
        Assert.Empty(result.Assumptions.RequestKinds);
        Assert.Empty(result.Assumptions.TicketEffortHours);
        // Environments only at 80 an hour: 23.83 h waiting, 0.65 h effort = 52.
        Assert.Equal((86_400 - 600) / 3600.0, environments.Savings.WaitingAvoidedHours!.Value, 9);
        Assert.Equal(0.65 * 80, environments.Savings.Cost, 9);
        Assert.Equal(["environment"], environments.Assumptions.RequestKinds);
        // A dns ticket configured at 2 h: 0.65 + (2 − 0.1) = 2.55 h.
        Assert.Equal(2.55, dnsCostsMore.Savings.EffortSavedHours, 9);
        Assert.Equal(2, dnsCostsMore.Assumptions.TicketEffortOf("dns"));
    }

    [Fact]
    public async Task Waiting_time_is_compared_kind_by_kind_and_nothing_is_claimed_without_requests()
    {
        var options = Options.Create(new MetricOptions());
        var sql = new SqlFiles();
        var dns = await new RoiQueries(_store, sql, options, Options.Create(new SpaceOptions()), new DoraQueries(_store, sql, options))
            .RoiAsync(new RoiRequest(January, February, RequestKinds: ["dns"]));
        var none = await new RoiQueries(_store, sql, options, Options.Create(new SpaceOptions()), new DoraQueries(_store, sql, options))
            .RoiAsync(new RoiRequest(February, March));

        Assert.Equal(72 - (1_200 / 3600.0), dns.Savings.WaitingAvoidedHours!.Value, 9);
        Assert.Null(none.Savings.WaitingAvoidedHours);
        Assert.Equal((0L, 0.0), (none.Savings.SelfServiceRequests, none.Savings.EffortSavedHours));
    }
}
