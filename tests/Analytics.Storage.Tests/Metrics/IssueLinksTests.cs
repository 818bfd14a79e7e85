using static Analytics.Storage.Tests.Metrics.LeadTimePerPullRequestTests;

namespace Analytics.Storage.Tests.Metrics;

/// <summary>
/// Issue keys in pull request titles and head branches → pull requests → the deployment that shipped them, through the
/// real engine (view pull_request_issue_keys, queries/pr/issues.sql; docs/metrics.md, "Issues: key → pull requests →
/// deployment"): the extraction rules with and without configured projects, and the issue's shipment and lead time.
/// </summary>
public sealed class IssueLinksTests
{
    /// <summary>
    /// #1 "ABC-1: login page" from feature/ABC-1 (first commit 0 h, merged 2 h, shipped by d1 at 3 h); #2 "Fix flaky test"
    /// from abc-1-followup (1 h, 4 h, d2 at 6 h); #3 "Support UTF-8 and SHA-256 (DEF-7,DEF-8)" (2 h, 4.5 h, d2); #4
    /// "XYZ-5 draft" never merged (opened 5 h); #5 "ABC-0 ABC-12a xABC-3 ISO-8601" (no key: leading zero, a letter after,
    /// a letter before) merged with d2. Upper-case rule (no projects): ABC-1 is #1 alone (the branch's abc-1 is lower case),
    /// shipped at 3 h, lead 3 h; DEF-7 and DEF-8 are #3 (6 h − 2 h = 4 h); XYZ-5 listed, not shipped; no UTF, SHA, ISO.
    /// With projects ABC: ABC-1 is #1 and #2, shipped when #2 shipped (6 h), lead 6 h; nothing else.
    /// </summary>
    [Fact]
    public async Task Keys_in_titles_and_branches_link_pull_requests_to_the_deployment_that_shipped_the_last_of_them()
    {
        await using var store = await EmbeddedEngine.NewMigratedDatabaseAsync("issues");
        await CatalogAsync(store);
        await CommitsAsync(store, ("A", -10, []), ("M1", 2, ["A"]), ("M2", 4, ["M1"]), ("M3", 4.5, ["M2"]), ("M5", 4.75, ["M3"]));
        await store.InsertAsync("pull_requests",
            ["repository", "number", "title", "author_login", "author_is_bot", "base_branch", "opened_at", "first_commit_at", "merged_at", "closed_at", "merge_sha", "url", "source", "head_branch"],
            new (int Number, string Title, string Branch, double FirstCommit, double? Merged, string Sha)[]
            {
                (1, "ABC-1: login page", "feature/ABC-1", 0, 2, "M1"),
                (2, "Fix flaky test", "abc-1-followup", 1, 4, "M2"),
                (3, "Support UTF-8 and SHA-256 (DEF-7,DEF-8)", "unicode", 2, 4.5, "M3"),
                (4, "XYZ-5 draft", "xyz", 5, null, ""),
                (5, "ABC-0 ABC-12a xABC-3 ISO-8601", "misc", 4.5, 4.75, "M5"),
            }.Select(p => new object?[]
            {
                Repository, (uint)p.Number, p.Title, "dev", false, "main", At(p.FirstCommit + 0.1), At(p.FirstCommit),
                p.Merged is { } merged ? At(merged) : null, p.Merged is { } closed ? At(closed) : null, p.Sha, $"https://forge.test/pr/{p.Number}", "csv", p.Branch,
            }));
        await DeployAsync(store, ("d1", 3, ["M1"]), ("d2", 6, ["M2", "M3", "M5"]));

        var upperCase = await IssuesAsync(store, []);
        Assert.Equal(
            [
                ("DEF-7", 3u, "d2", (DateTimeOffset?)At(6), (double?)4 * 3600),
                ("DEF-8", 3u, "d2", At(6), 4 * 3600),
                ("ABC-1", 1u, "d1", At(3), 3 * 3600),
                ("XYZ-5", 4u, "", null, null),
            ],
            upperCase.Select(r => (r.IssueKey, r.Number, r.DeploymentId, r.IssueShippedAt, r.IssueLeadSeconds)));

        // Paged on the server as the team page's grid reads it: the same order, the total and the distinct issues on every row.
        var drillDown = new DoraDrillDown(store, new SqlFiles(), Options.Create(new MetricOptions()));
        var request = new DoraRequest(Monday, Monday.AddDays(7), "alpha");
        var second = await drillDown.IssuePageAsync(request, 1, 2);
        Assert.Equal(4, second.Total);
        Assert.Equal(upperCase.Skip(1).Take(2).Select(r => (r.IssueKey, r.Number)), second.Rows.Select(r => (r.IssueKey, r.Number)));
        Assert.All(upperCase.Concat(second.Rows), r => Assert.Equal(4, r.IssueKeys));
        Assert.Equal(4, (await drillDown.IssuePageAsync(request, 10, 2)).Total);

        var abc = await IssuesAsync(store, ["abc"]);
        Assert.Equal(
            [("ABC-1", 1u, "d1", (DateTimeOffset?)At(6), (double?)6 * 3600), ("ABC-1", 2u, "d2", At(6), 6 * 3600)],
            abc.Select(r => (r.IssueKey, r.Number, r.DeploymentId, r.IssueShippedAt, r.IssueLeadSeconds)));
        // Two rows, one issue: the tab counts issues, the pager rows.
        Assert.All(abc, r => Assert.Equal(1, r.IssueKeys));

        // Another team's page lists none of them; a period from 5 h on, the issues shipped then and XYZ-5 (opened at 5 h 6 min).
        Assert.Empty(await IssuesAsync(store, [], team: "beta"));
        Assert.Equal(["DEF-7", "DEF-8", "XYZ-5"], (await IssuesAsync(store, [], from: At(5))).Select(r => r.IssueKey));
    }

    private static Task<IReadOnlyList<IssueRow>> IssuesAsync(IClickHouseStore store, List<string> projects, string team = "alpha", DateTimeOffset? from = null) =>
        new DoraDrillDown(store, new SqlFiles(), Options.Create(new MetricOptions { IssueKeyProjects = projects }))
            .IssuesAsync(new DoraRequest(from ?? Monday, Monday.AddDays(7), team));
}
