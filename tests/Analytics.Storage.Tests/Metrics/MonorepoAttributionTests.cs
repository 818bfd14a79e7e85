using Analytics.Core.Dora;
using Analytics.Storage.ClickHouse;
using Analytics.Storage.Metrics;
using Analytics.Storage.Tests.ClickHouse;
using Microsoft.Extensions.Options;

namespace Analytics.Storage.Tests.Metrics;

/// <summary>
/// The monorepo example of docs/metrics.md through the real engine: cart (alpha) and search (beta) own paths of one
/// repository, so a commit is a change of the services whose paths it touches, each counting its own first
/// shipment; the SQL equals the oracle over the same rows, and both equal the figures worked out by hand.
/// </summary>
public sealed class MonorepoAttributionTests
{
    private const string Repository = "acme/shop";
    private static readonly DateTimeOffset Monday = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    private static DateTimeOffset At(int hour) => Monday.AddHours(hour);

    [Fact]
    public async Task A_commit_counts_for_each_service_whose_paths_it_touches_not_for_whichever_deploys_first()
    {
        await using var store = await EmbeddedEngine.NewMigratedDatabaseAsync("monorepo");
        await store.InsertAsync("catalog_production_environments", ["source", "pattern"], [["", "production"]]);
        await store.InsertAsync("catalog_service_ownership", ["service", "team", "valid_from", "valid_to"],
            [["cart", "alpha", Monday.AddYears(-1), null], ["search", "beta", Monday.AddYears(-1), null], ["wiki", "beta", Monday.AddYears(-1), null]]);
        // c1 touches services/cart, c2 services/search, c3 both, c4 only docs/ (no service's paths).
        await store.InsertAsync("commits", ["repository", "sha", "parents", "author_email", "author_name", "authored_at", "committer_email", "committed_at", "message", "source"],
            new[] { ("c1", 9), ("c2", 10), ("c3", 11), ("c4", 12), ("w1", 8) }.Select(c => new object?[]
            {
                c.Item1 == "w1" ? "acme/wiki" : Repository, c.Item1, Array.Empty<string>(), "dev@acme.test", "Dev", At(c.Item2), "dev@acme.test", At(c.Item2), c.Item1, "test",
            }));
        await store.InsertAsync("deployments", ["deployment_id", "service", "environment", "status", "kind", "related_deployment_id", "repository", "sha", "started_at", "finished_at", "url", "source"],
        [
            ["search-1", "search", "production", "success", "normal", "", Repository, "c4", At(13).AddMinutes(-5), At(13), "", "test"],
            ["cart-1", "cart", "production", "success", "normal", "", Repository, "c4", At(17).AddMinutes(-5), At(17), "", "test"],
            ["wiki-1", "wiki", "production", "success", "normal", "", "acme/wiki", "w1", At(14).AddMinutes(-5), At(14), "", "test"],
        ]);
        // What DeploymentLinker writes for them: each service keeps the commits touching its paths (touches_paths).
        // wiki owns no paths: its link is its repository's, as before paths existed.
        await store.InsertAsync("deployment_commits", ["deployment_id", "service", "repository", "sha", "link", "touches_paths"],
        [
            ["search-1", "search", Repository, "c2", "exact", true], ["search-1", "search", Repository, "c3", "exact", true],
            ["cart-1", "cart", Repository, "c1", "exact", true], ["cart-1", "cart", Repository, "c3", "exact", true],
            ["wiki-1", "wiki", "acme/wiki", "w1", "exact", false],
        ]);

        var options = new MetricOptions { TimeZone = "Europe/Berlin" };
        var (from, to) = (Monday, Monday.AddDays(7));
        var sql = await new DoraQueries(store, new SqlFiles(), Options.Create(options)).SummariesAsync(new DoraRequest(from, to));
        var oracle = new DoraOracle(await GeneratedOrganisation.ReadDoraHistoryAsync(store), options).Summaries(from, to);

        var teams = sql.Teams.Append(sql.Organisation).ToDictionary(s => s.Team);
        foreach (var team in new[] { "alpha", "beta", "" })
        {
            DoraOracleAgreementTests.AssertSame(oracle[team], teams[team], $"monorepo, team '{team}'");
        }
        // By hand: alpha = cart: c1 8 h, c3 6 h. beta = search: c2 3 h, c3 2 h; wiki: w1 6 h. Before, search's deployment
        // (the first of the repository) took all four commits of acme/shop for beta and alpha had none.
        Assert.Equal((2, TimeSpan.FromHours(7)), (teams["alpha"].LeadTime.Changes, teams["alpha"].LeadTime.Median!.Value));
        Assert.Equal((3, TimeSpan.FromHours(3)), (teams["beta"].LeadTime.Changes, teams["beta"].LeadTime.Median!.Value));
        Assert.Equal((5, TimeSpan.FromHours(6)), (teams[""].LeadTime.Changes, teams[""].LeadTime.Median!.Value));
    }
}
