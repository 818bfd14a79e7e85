using Analytics.Core.Space;
using Analytics.Ingestors.Demo;

namespace Analytics.Storage.Tests.Metrics;

/// <summary>
/// The demo organisation at the default scale (S, what the dashboard loads on first start and the web tests use) gives
/// every dashboard panel something true to say over the dashboards' default periods (90, 180 and 365 days): figures
/// through the real queries, not empty or degenerate — adoption that climbs in steps, joiners every month, a
/// reorganisation, one team's bad quarter, template drift, survey scores that move.
/// </summary>
public sealed class DemoPanelsTests
{
    private static readonly DateTimeOffset End = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The default seed (Analytics:Demo:Seed) and the web tests' seed.</summary>
    public static TheoryData<int> Seeds => [new DemoOptions().Seed, 20261126];

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task Every_panel_has_something_to_show_on_the_default_demo(int seed)
    {
        var scale = DemoScale.Parse(new DemoOptions().Scale);
        var catalog = new DemoOrganisationGenerator(scale, seed, End).Catalog;
        await using var organisation = await GeneratedOrganisation.LoadAsync("demo_panels", scale, seed, End);
        var store = organisation.Store;
        var sql = new SqlFiles();
        var options = Options.Create(new MetricOptions());
        var dora = new DoraQueries(store, sql, options);
        var adoption = new AdoptionQueries(store, sql, options);
        var surveys = new SurveyQueries(store, sql, options, Options.Create(new SpaceOptions()));

        // Team lead (90 days): every team deploys, has lead times and a change failure rate.
        var keys = await dora.SummariesAsync(new DoraRequest(End.AddDays(-90), End));
        Assert.Equal(catalog.Teams.Count, keys.Teams.Count(t => t.Team != TeamAttribution.Unassigned));
        Assert.All(keys.Teams.Where(t => t.Team != TeamAttribution.Unassigned), t =>
        {
            Assert.True(t.DeploymentFrequency.Deployments > 0, $"{t.Team}: no deployments in 90 days");
            Assert.NotNull(t.LeadTime.Median);
            Assert.NotNull(t.ChangeFailureRate.Rate);
        });
        Assert.True(keys.Organisation.RecoveryTime.Resolved >= 10, $"only {keys.Organisation.RecoveryTime.Resolved} incidents resolved in 90 days");

        // Platform PM (180 days): adoption takes many values across teams and months, and some teams are part-way.
        var golden = await adoption.GoldenPathAsync(new SpaceRequest(End.AddDays(-180), End));
        var rates = golden.TeamsByMonth.Where(f => f.Rate is not null).Select(f => Math.Round(f.Rate!.Value, 6)).Distinct().ToList();
        Assert.True(rates.Count >= 3, $"team-month adoption takes only the values {string.Join(", ", rates)}");
        var partWay = golden.Teams.Where(t => t.Rate is > 0 and < 1).Select(t => t.Team).ToList();
        Assert.True(partWay.Count >= 2, $"teams part-way onto the golden path over 180 days: {string.Join(", ", partWay)}");

        // Over the whole history the organisation's adoption climbs month by month, not in one jump at the end.
        var history = await adoption.GoldenPathAsync(new SpaceRequest(End.AddMonths(-scale.Months), End));
        var monthly = history.OrganisationByMonth.Select(f => f.Rate ?? 0).ToList();
        var rises = monthly.Zip(monthly.Skip(1), (before, after) => after - before).Where(step => step > 0).ToList();
        Assert.True(rises.Count >= 5, $"the organisation's adoption rose in only {rises.Count} months: {string.Join(", ", monthly.Select(r => r.ToString("P0")))}");
        Assert.True(rises.Max() < 0.5 * monthly.Max(), $"one month carries most of the adoption: {string.Join(", ", monthly.Select(r => r.ToString("P0")))}");
        var adoptionStarts = catalog.Teams.Where(t => t.GoldenPathAdoptedAt is not null).Select(t => t.GoldenPathAdoptedAt!.Value.ToString("yyyy-MM")).Distinct().Count();
        Assert.True(adoptionStarts >= 3, $"teams start adopting in only {adoptionStarts} distinct months");

        // Template drift: at the end some services run an older release of their golden-path template, some the latest.
        var currency = await adoption.TemplateCurrencyAsync(new SpaceRequest(End.AddDays(-180), End));
        var goldenTemplates = catalog.Templates.Where(t => t.IsGoldenPath).Select(t => t.Slug).ToHashSet();
        var onGolden = currency.Figures.Where(f => f.Team == DoraQueries.OrganisationKey && goldenTemplates.Contains(f.Template)).ToList();
        Assert.NotEmpty(onGolden);
        Assert.Contains(onGolden, f => f.LatestShare is > 0 and < 1);

        // Self-service: both channels used.
        var selfService = await adoption.SelfServiceAsync(new SpaceRequest(End.AddDays(-180), End));
        Assert.True(selfService.Organisation.SelfServiceRatio is > 0 and < 1, $"self-service ratio {selfService.Organisation.SelfServiceRatio}");

        // Time to first deploy: a real sample of joiners over 180 days, from hires in every month.
        var firstDeploy = await adoption.FirstDeployAsync(new SpaceRequest(End.AddDays(-180), End));
        Assert.True(firstDeploy.Organisation.Deployed >= 10, $"time to first deploy over 180 days: n = {firstDeploy.Organisation.Deployed} of {firstDeploy.Organisation.Joiners} joiners");
        Assert.NotNull(firstDeploy.Organisation.Median);
        var start = End.AddMonths(-scale.Months);
        var firstJoins = catalog.Memberships.GroupBy(m => m.PersonExternalId).Select(g => g.Min(m => m.ValidFrom)).Where(at => at > start).ToList();
        for (var month = start.AddMonths(1); month < End; month = month.AddMonths(1))
        {
            Assert.Contains(firstJoins, at => at >= month && at < month.AddMonths(1));
        }

        // Leadership (365 days): developer NPS moves from month to month.
        var satisfaction = await surveys.SatisfactionAsync(new SpaceRequest(End.AddDays(-365), End));
        var nps = satisfaction.OrganisationByMonth.Where(m => m.Nps.Score is not null).Select(m => m.Nps.Score!.Value).ToList();
        Assert.True(nps.Count >= 3 && nps.Distinct().Count() >= 2, $"NPS by month: {string.Join(", ", nps)}");

        // A reorganisation: services change owner, and engineers move with them on the same day.
        var handOvers = catalog.Ownerships.Where(o => o.ValidTo is not null).Select(o => o.ValidTo!.Value).ToHashSet();
        Assert.NotEmpty(handOvers);
        Assert.Contains(catalog.Memberships, m => m.ValidTo is { } left && handOvers.Contains(left));

        // One team's bad quarter: more of its changes fail, and it takes longer to recover, than in the quarter before.
        var troubled = Assert.Single(catalog.Teams, t => t.BadQuarterFrom is not null);
        var (from, to) = (troubled.BadQuarterFrom!.Value, troubled.BadQuarterTo!.Value);
        var bad = (await dora.SummariesAsync(new DoraRequest(from, to, troubled.Slug))).Teams.Single(t => t.Team == troubled.Slug);
        var before = (await dora.SummariesAsync(new DoraRequest(from - (to - from), from, troubled.Slug))).Teams.Single(t => t.Team == troubled.Slug);
        Assert.True(bad.ChangeFailureRate.Rate > before.ChangeFailureRate.Rate,
            $"{troubled.Slug}: change failure rate {bad.ChangeFailureRate.Rate:P1} in its bad quarter vs {before.ChangeFailureRate.Rate:P1} before");
        Assert.True(bad.RecoveryTime.Median > before.RecoveryTime.Median,
            $"{troubled.Slug}: recovery {bad.RecoveryTime.Median} in its bad quarter vs {before.RecoveryTime.Median} before");
    }
}
