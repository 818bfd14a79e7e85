namespace Analytics.Ingestors.Tests.Linking;

/// <summary>
/// Histories worked out by hand, linked on the real engine. Commits are named by letter; "h" is hours after
/// <see cref="LinkingScenario.T0"/>. A deployment ships the commits reachable from its sha and not from the
/// previous production deployment's; expected rows read "deployment sha link".
/// </summary>
public sealed class DeploymentLinkerTests
{
    [Fact]
    public async Task Linear_history_ships_the_commits_since_the_previous_deployment()
    {
        // A(1h) ← B(2h) ← C(3h) ← D(4h) ← E(5h). d1 deploys B, d2 D, d3 E.
        // d1 is the first: reachable(B) within 30 days = A, B. d2: reachable(D) − reachable(B) = C, D. d3: E.
        await using var scenario = await LinkingScenario.CreateAsync();
        scenario.Commit("A", 1).Commit("B", 2, "A").Commit("C", 3, "B").Commit("D", 4, "C").Commit("E", 5, "D")
            .Deploy("d1", "B", 2.5).Deploy("d2", "D", 4.5).Deploy("d3", "E", 5.5);

        var summary = await scenario.LinkAsync();

        Assert.Equal(["d1 A exact", "d1 B exact", "d2 C exact", "d2 D exact", "d3 E exact"], await scenario.LinksAsync());
        Assert.Equal((3, 5, 0), (summary.ProductionDeployments, summary.ExactLinks, summary.InferredLinks));
    }

    [Fact]
    public async Task A_merge_ships_the_merged_branch_commits_with_the_merge()
    {
        // main: A(1h) ← B(3h) ← M(5h, merge of F2); feature: A ← F1(2h) ← F2(4h). M's parents: B, F2.
        // d1 deploys B → A, B. d2 deploys M → reachable(M) − reachable(B) = F1, F2, M (a first-parent walk would miss F1, F2).
        await using var scenario = await LinkingScenario.CreateAsync();
        scenario.Commit("A", 1).Commit("F1", 2, "A").Commit("B", 3, "A").Commit("F2", 4, "F1").Commit("M", 5, "B", "F2")
            .Deploy("d1", "B", 3.5).Deploy("d2", "M", 5.5);

        await scenario.LinkAsync();

        Assert.Equal(["d1 A exact", "d1 B exact", "d2 F1 exact", "d2 F2 exact", "d2 M exact"], await scenario.LinksAsync());
    }

    [Fact]
    public async Task A_squash_merge_ships_only_the_squash_commit()
    {
        // main: A(1h) ← S(4h, the squash of F1 + F2, one parent). The branch A ← F1(2h) ← F2(3h) is stored
        // (ingested with its pull request) but is no ancestor of S. d1 deploys A → A; d2 deploys S → S alone.
        await using var scenario = await LinkingScenario.CreateAsync();
        scenario.Commit("A", 1).Commit("F1", 2, "A").Commit("F2", 3, "F1").Commit("S", 4, "A")
            .Deploy("d1", "A", 1.5).Deploy("d2", "S", 4.5);

        await scenario.LinkAsync();

        Assert.Equal(["d1 A exact", "d2 S exact"], await scenario.LinksAsync());
    }

    [Fact]
    public async Task A_cherry_picked_hotfix_ships_from_the_release_branch_and_the_original_ships_later_from_main()
    {
        // main: A(1h) ← B(2h) ← C(3h, the fix) ← E(6h). release/1 branches at B: B ← H(4h, cherry-pick of C).
        // d1 deploys B → A, B. d2 deploys H from the release branch → reachable(H) − reachable(B) = H (C is no ancestor of H).
        // d3 deploys E from main; its previous production deployment is d2 → reachable(E) − reachable(H) = C, E.
        await using var scenario = await LinkingScenario.CreateAsync();
        scenario.Commit("A", 1).Commit("B", 2, "A").Commit("C", 3, "B").Commit("H", 4, "B").Commit("E", 6, "C")
            .Deploy("d1", "B", 2.5).Deploy("d2", "H", 4.5).Deploy("d3", "E", 6.5);

        await scenario.LinkAsync();

        Assert.Equal(["d1 A exact", "d1 B exact", "d2 H exact", "d3 C exact", "d3 E exact"], await scenario.LinksAsync());
    }

    [Fact]
    public async Task A_rollback_to_an_older_sha_ships_nothing()
    {
        // A(1h) ← B(2h) ← C(3h) ← D(4h) ← E(6h). d1 deploys B → A, B; d2 deploys D → C, D;
        // d3 rolls back to B → reachable(B) − reachable(D) = nothing.
        // d4 deploys E; its previous is d3 (B) → C, D, E: C and D go out again (lead time counts their first shipment, d2).
        await using var scenario = await LinkingScenario.CreateAsync();
        scenario.Commit("A", 1).Commit("B", 2, "A").Commit("C", 3, "B").Commit("D", 4, "C").Commit("E", 6, "D")
            .Deploy("d1", "B", 2.5).Deploy("d2", "D", 4.5).Deploy("d3", "B", 5, kind: "rollback").Deploy("d4", "E", 6.5);

        await scenario.LinkAsync();

        Assert.Equal(
            ["d1 A exact", "d1 B exact", "d2 C exact", "d2 D exact", "d4 C exact", "d4 D exact", "d4 E exact"],
            await scenario.LinksAsync());
    }

    [Fact]
    public async Task A_first_deployment_links_only_the_look_back_of_a_long_history()
    {
        // One commit a day at 09:00 for three years: c0000 (day 0) … c1095 (day 1095), each the parent of the next.
        // d1 deploys c1089 at day 1089 10:00. Look-back 30 days → committed after day 1059 10:00 → c1060 … c1089 (30).
        // d2 deploys c1095 at day 1095 10:00 → c1090 … c1095 (6): the look-back bounds the first deployment only.
        // "worker" deploys the same repository with a 7-day look-back: c1083 … c1089 (7).
        await using var scenario = await LinkingScenario.CreateAsync();
        for (var day = 0; day <= 1095; day++)
        {
            scenario.Commit("acme/api", Sha(day), LinkingScenario.At(24 * day + 9), day == 0 ? [] : [Sha(day - 1)]);
        }
        scenario.Deploy("d1", "c1089", 24 * 1089 + 10).Deploy("d2", "c1095", 24 * 1095 + 10)
            .Deploy("w1", "worker", "acme/api", "c1089", LinkingScenario.At(24 * 1089 + 10));

        await scenario.LinkAsync("api");
        await scenario.LinkAsync(TimeSpan.FromDays(7), "worker");

        var links = await scenario.LinksAsync();
        Assert.Equal(Enumerable.Range(1060, 30).Select(day => $"d1 {Sha(day)} exact"), links.Where(link => link.StartsWith("d1 ", StringComparison.Ordinal)));
        Assert.Equal(Enumerable.Range(1090, 6).Select(day => $"d2 {Sha(day)} exact"), links.Where(link => link.StartsWith("d2 ", StringComparison.Ordinal)));
        Assert.Equal(Enumerable.Range(1083, 7).Select(day => $"w1 {Sha(day)} exact"), await scenario.LinksAsync("worker"));

        static string Sha(int day) => $"c{day:0000}";
    }

    [Fact]
    public async Task Unknown_ancestry_falls_back_to_the_commits_made_between_the_two_deployments()
    {
        // api: A(1h) ← B(2h) ← C(3h) ← D(5h). d1 deploys B (known) → A, B exact.
        // d2 deploys "u1", a sha never ingested → inferred: committed in (d1 2.5h, d2 3.5h] = C.
        // d3 deploys D (known) but its previous, u1, is not → inferred: (3.5h, 5.5h] = D.
        // web's first deployment deploys an unknown sha at 100h → inferred within the 30-day look-back:
        // W2 (20 days before) and W3 (1 hour before); W1 (40 days before) is older than the look-back.
        await using var scenario = await LinkingScenario.CreateAsync();
        scenario.Commit("A", 1).Commit("B", 2, "A").Commit("C", 3, "B").Commit("D", 5, "C")
            .Deploy("d1", "B", 2.5).Deploy("d2", "u1", 3.5).Deploy("d3", "D", 5.5);
        var webDeployedAt = LinkingScenario.At(100);
        scenario.Commit("acme/web", "W1", webDeployedAt.AddDays(-40)).Commit("acme/web", "W2", webDeployedAt.AddDays(-20), "W1")
            .Commit("acme/web", "W3", webDeployedAt.AddHours(-1), "W2")
            .Deploy("w1", "web", "acme/web", "unknown", webDeployedAt);

        var summary = await scenario.LinkAsync("api", "web");

        Assert.Equal(["d1 A exact", "d1 B exact", "d2 C inferred", "d3 D inferred"], await scenario.LinksAsync());
        Assert.Equal(["w1 W2 inferred", "w1 W3 inferred"], await scenario.LinksAsync("web"));
        Assert.Equal((2, 4), (summary.ExactLinks, summary.InferredLinks));
    }

    [Fact]
    public async Task A_time_window_links_only_commits_that_reached_the_default_branch()
    {
        // main: A(1h) ← S(3h, squash of PR #8) ← M(3.4h, merge of PR #9). PR #7 was abandoned: A ← F1(2h).
        // PR #8 was squash-merged: A ← G1(2.5h), its branch commit, is no ancestor of S. PR #9 was merged with a merge
        // commit: S ← H1(3.2h), and M's parents are S, H1. Every one of these commits is stored (GitHub stores each pull
        // request's commits) and each pull request lists its own (pull_request_commits).
        // d1 deploys A → A exact. d2 deploys "u1", a sha never ingested → inferred: the commits of (1.5h, 4h] that reached
        // the default branch = S, H1 (in M's history), M; never F1 (abandoned) nor G1 (squashed away).
        await using var scenario = await LinkingScenario.CreateAsync();
        scenario.Commit("A", 1).Commit("F1", 2, "A").Commit("G1", 2.5, "A").Commit("S", 3, "A").Commit("H1", 3.2, "S").Commit("M", 3.4, "S", "H1")
            .PullRequest(7, "F1").PullRequest(8, "G1").PullRequest(9, "H1")
            .Deploy("d1", "A", 1.5).Deploy("d2", "u1", 4);

        var summary = await scenario.LinkAsync();

        Assert.Equal(["d1 A exact", "d2 H1 inferred", "d2 M inferred", "d2 S inferred"], await scenario.LinksAsync());
        Assert.Equal((1, 3), (summary.ExactLinks, summary.InferredLinks));
    }

    [Fact]
    public async Task A_first_deployment_of_an_unknown_sha_links_no_abandoned_pull_request_commit()
    {
        // The look-back window of a first deployment follows the same rule: A(1h) on main, F1(2h) of abandoned PR #7.
        await using var scenario = await LinkingScenario.CreateAsync();
        scenario.Commit("A", 1).Commit("F1", 2, "A").PullRequest(7, "F1").Deploy("d1", "u1", 3);

        await scenario.LinkAsync();

        Assert.Equal(["d1 A inferred"], await scenario.LinksAsync());
    }

    [Fact]
    public async Task Only_production_deployments_are_previous_deployments()
    {
        // Production = the catalog's rules 'production' and 'prod-.*' (regular expressions). A(1h) ← B(2h) ← C(3h) ← D(4h) ← E(5h).
        // d1 deploys B to production → A, B. s1 deploys D to staging, f1 fails to deploy D to production:
        // neither is a production deployment, so neither ships anything nor is d2's previous.
        // d2 deploys E to "prod-eu" → reachable(E) − reachable(B) = C, D, E.
        await using var scenario = await LinkingScenario.CreateAsync("production", "prod-.*");
        scenario.Commit("A", 1).Commit("B", 2, "A").Commit("C", 3, "B").Commit("D", 4, "C").Commit("E", 5, "D")
            .Deploy("d1", "B", 2.5).Deploy("s1", "D", 4.2, environment: "staging").Deploy("f1", "D", 4.4, status: "failure")
            .Deploy("d2", "E", 5.5, environment: "prod-eu");

        await scenario.LinkAsync();

        Assert.Equal(["d1 A exact", "d1 B exact", "d2 C exact", "d2 D exact", "d2 E exact"], await scenario.LinksAsync());
    }

    [Fact]
    public async Task Linking_replaces_the_services_rows_and_running_it_again_writes_the_same_rows()
    {
        // A(1h) ← B(2h); d1 deploys B → A, B. A stale api row (for a deployment that no longer exists) must go;
        // web's row belongs to another service and must stay.
        await using var scenario = await LinkingScenario.CreateAsync();
        scenario.Commit("A", 1).Commit("B", 2, "A").Deploy("d1", "B", 2.5);
        await scenario.Store.InsertAsync("deployment_commits", ["deployment_id", "service", "repository", "sha", "link"],
            [["gone", "api", "acme/api", "A", "inferred"], ["w1", "web", "acme/web", "W", "exact"]]);

        await scenario.LinkAsync();
        var first = await scenario.LinksAsync();
        await scenario.LinkAsync();

        Assert.Equal(["d1 A exact", "d1 B exact"], first);
        Assert.Equal(first, await scenario.LinksAsync());
        Assert.Equal(["w1 W exact"], await scenario.LinksAsync("web"));
        // Replaced, not piled up: no copies waiting for a merge either.
        var physical = await scenario.Store.QueryAsync<CountRow>("SELECT count() AS rows FROM deployment_commits");
        Assert.Equal(3UL, physical.Single().Rows);
    }

    [Fact]
    public async Task A_relink_that_only_adds_links_keeps_the_stored_rows_and_one_that_changes_nothing_writes_nothing()
    {
        // A(1h) ← B(2h) ← C(3h) ← D(4h). d1 deploys B → A, B; linked. Linked again with nothing new: no row written
        // (the stored versions stay). Then d2 deploys D → C, D: only d2's rows are inserted, d1's keep their version,
        // and nothing is deleted (a webhook delivery relinks its service each time; each statement costs).
        await using var scenario = await LinkingScenario.CreateAsync();
        scenario.Commit("A", 1).Commit("B", 2, "A").Deploy("d1", "B", 2.5);
        await scenario.LinkAsync();
        var linked = await VersionsAsync(scenario);
        var statements = new List<string>();
        scenario.WrapLinkerStore = inner => new DelegatingStore(
            inner,
            insert: async (table, insert, _) =>
            {
                statements.Add($"insert {table}");
                return await insert();
            },
            execute: async (sql, execute) =>
            {
                statements.Add(sql.Split(' ')[0]);
                await execute();
            });

        await scenario.LinkAsync();

        Assert.Empty(statements);
        Assert.Equal(linked, await VersionsAsync(scenario));

        scenario.Commit("C", 3, "B").Commit("D", 4, "C").Deploy("d2", "D", 4.5);
        await scenario.LinkAsync();

        Assert.Equal(["insert deployment_commits"], statements);
        var relinked = await VersionsAsync(scenario);
        Assert.Equal(linked, relinked.Where(row => row.StartsWith("d1 ", StringComparison.Ordinal)).ToList());
        Assert.Equal(["d1 A exact", "d1 B exact", "d2 C exact", "d2 D exact"], await scenario.LinksAsync());
        var physical = await scenario.Store.QueryAsync<CountRow>("SELECT count() AS rows FROM deployment_commits");
        Assert.Equal(4UL, physical.Single().Rows);
    }

    /// <summary>Every stored row of deployment_commits (no FINAL: versions not merged yet count) with its version.</summary>
    private static async Task<List<string>> VersionsAsync(LinkingScenario scenario) =>
        (await scenario.Store.QueryAsync<VersionLine>(
            "SELECT concat(deployment_id, ' ', sha, ' ', toString(ingested_at)) AS text FROM deployment_commits ORDER BY text"))
        .Select(row => row.Text).ToList();

    private sealed record VersionLine(string Text);

    [Fact]
    public async Task A_reader_between_the_writes_of_a_relink_always_sees_the_links_that_stay()
    {
        // A(1h) ← B(2h) ← C(3h) ← D(4h). d1 deploys B → A, B; linked. Then d2 deploys D → C, D, and the service is
        // relinked; a stale row (for a deployment that no longer exists) makes it a replacement, not only additions.
        // A reader looking before and after each of the linker's writes must find d1's links every time (they are in
        // the old set and in the new one): never the service without its links.
        await using var scenario = await LinkingScenario.CreateAsync();
        scenario.Commit("A", 1).Commit("B", 2, "A").Deploy("d1", "B", 2.5);
        await scenario.LinkAsync();
        await scenario.Store.InsertAsync("deployment_commits", ["deployment_id", "service", "repository", "sha", "link"], [["gone", "api", "acme/api", "A", "inferred"]]);
        var seen = new List<IReadOnlyList<string>>();
        scenario.WrapLinkerStore = inner => new DelegatingStore(
            inner,
            insert: async (table, insert, _) =>
            {
                if (table != "deployment_commits")
                {
                    return await insert();
                }
                seen.Add(await scenario.LinksAsync());
                var rows = await insert();
                seen.Add(await scenario.LinksAsync());
                return rows;
            },
            execute: async (_, execute) =>
            {
                seen.Add(await scenario.LinksAsync());
                await execute();
                seen.Add(await scenario.LinksAsync());
            });
        scenario.Commit("C", 3, "B").Commit("D", 4, "C").Deploy("d2", "D", 4.5);

        await scenario.LinkAsync();

        Assert.True(seen.Count >= 4, $"the linker wrote {seen.Count / 2} times; expected an insert and a delete");
        Assert.All(seen, links => Assert.Superset(new HashSet<string> { "d1 A exact", "d1 B exact" }, links.ToHashSet()));
        Assert.Equal(["d1 A exact", "d1 B exact", "d2 C exact", "d2 D exact"], await scenario.LinksAsync());
        var physical = await scenario.Store.QueryAsync<CountRow>("SELECT count() AS rows FROM deployment_commits");
        Assert.Equal(4UL, physical.Single().Rows);
    }

    [Fact]
    public async Task A_service_owning_paths_keeps_the_commits_touching_them_and_those_whose_files_are_unknown_and_one_without_paths_keeps_all()
    {
        await using var scenario = await LinkingScenario.CreateAsync();
        await scenario.Store.InsertAsync("catalog_services", ["service", "repository", "default_branch", "paths"],
            [["api", "acme/api", "main", new[] { "services/api" }], ["web", "acme/api", "main", Array.Empty<string>()]]);
        // A touches services/api; B only services/web (a sibling folder whose name starts the same way); C's files are unknown.
        await scenario.Store.InsertAsync("commit_paths", ["repository", "sha", "paths", "source"],
            [["acme/api", "A", new[] { "services/api/handler.cs" }, "test"], ["acme/api", "B", new[] { "services/api-docs/x.md", "services/web/app.ts" }, "test"]]);
        scenario.Commit("A", 1).Commit("B", 2, "A").Commit("C", 3, "B").Deploy("d1", "C", 4)
            .Deploy("w1", "web", "acme/api", "C", LinkingScenario.At(5));

        await scenario.LinkAsync("api", "web");

        Assert.Equal(["d1 A exact", "d1 C exact"], await scenario.LinksAsync());
        Assert.Equal(["w1 A exact", "w1 B exact", "w1 C exact"], await scenario.LinksAsync("web"));
        var touching = await scenario.Store.QueryAsync<TouchRow>("SELECT service, sha FROM deployment_commits FINAL WHERE touches_paths ORDER BY service, sha");
        Assert.Equal([("api", "A")], touching.Select(t => (t.Service, t.Sha)).ToList());
    }

    private sealed record CountRow(ulong Rows);

    private sealed record TouchRow(string Service, string Sha);
}
