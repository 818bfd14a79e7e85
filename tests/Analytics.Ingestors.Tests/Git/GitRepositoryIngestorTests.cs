using Analytics.Core.Dora;
using Analytics.Ingestors.Git;
using Analytics.Ingestors.Linking;
using Analytics.Ingestors.Tests.Linking;
using Analytics.Storage.ClickHouse.Embedded;
using Analytics.Storage.Metrics;
using LibGit2Sharp;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Analytics.Ingestors.Tests.Git;

/// <summary>
/// Ingests <see cref="ShopHistory"/> into the real engine. Production environment rules come from a real catalog
/// through its mirror, as in the app.
/// </summary>
public sealed class GitRepositoryIngestorTests : IAsyncLifetime
{
    private readonly ShopHistory _shop = new();
    private DerivedTablesStore _store = default!;
    private TestCatalog _catalog = default!;
    private GitRepositoryIngestor _ingestor = default!;

    public async Task InitializeAsync()
    {
        _store = await EngineDatabase.CreateMigratedAsync("git");
        _catalog = await TestCatalog.CreateAsync();
        await new CatalogMirrorSync(_catalog.Get<CatalogMirrorExport>(), _store).SyncAsync();
        _ingestor = new GitRepositoryIngestor(_store, new DeploymentLinker(_store, Options.Create(new MetricOptions())));
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        await _catalog.DisposeAsync();
        _shop.Dispose();
    }

    private GitIngestRequest Request(string tagPattern = TagPattern.Default, string? path = null) =>
        new(path ?? _shop.Git.Path, ShopHistory.Service, ShopHistory.RepositoryName, "main", TagPattern.Parse(tagPattern));

    [Fact]
    public async Task Commits_reachable_from_main_or_a_deployment_tag_are_stored_with_parents_people_and_UTC_times()
    {
        var result = await _ingestor.IngestAsync(Request(), cursor: null);

        // Merged branch commits (F1, F2) are there, not just main's first parents; H comes in through its tag on
        // release/1.1; S1 and S2 were squashed and never merged, so they are on no ingested path.
        var commits = (await CommitsAsync()).ToDictionary(row => row.Sha);
        Assert.Equal(Names(_shop.A, _shop.F1, _shop.F2, _shop.B, _shop.M, _shop.Q, _shop.C, _shop.H, _shop.E), Names(commits.Keys));
        Assert.Equal(9, result.RowsPerTable["commits"]);
        Assert.Equal(_shop.E.Sha, result.BranchHead);

        var f1 = commits[_shop.F1.Sha];
        Assert.Equal(("ben@acme.test", "Ben Okafor", ShopHistory.Utc(3, 3, 15), "ben@acme.test", ShopHistory.Utc(3, 3, 15)),
            (f1.AuthorEmail, f1.AuthorName, f1.AuthoredAt, f1.CommitterEmail, f1.CommittedAt));
        Assert.Equal(ShopHistory.Utc(3, 3, 8), commits[_shop.A.Sha].CommittedAt);      // 09:00 +01:00
        Assert.Equal(ShopHistory.Utc(3, 3, 18), commits[_shop.M.Sha].CommittedAt);     // 20:00 +02:00
        Assert.Equal(ShopHistory.Utc(3, 4, 3, 30), commits[_shop.Q.Sha].CommittedAt); // 09:00 +05:30
        Assert.Equal([_shop.B.Sha, _shop.F2.Sha], commits[_shop.M.Sha].Parents);       // first parent first
        Assert.Equal([_shop.M.Sha], commits[_shop.Q.Sha].Parents);                     // a squash has one parent
        Assert.Empty(commits[_shop.A.Sha].Parents);

        // The cherry-pick keeps C's author and author time; its committer and commit time are its own.
        var h = commits[_shop.H.Sha];
        Assert.Equal(("ana@acme.test", ShopHistory.Utc(3, 4, 10), "ben@acme.test", ShopHistory.Utc(3, 4, 11)),
            (h.AuthorEmail, h.AuthoredAt, h.CommitterEmail, h.CommittedAt));
        Assert.Equal("Fix rounding", h.Message); // the subject, without the "(cherry picked from …)" body
        Assert.Equal("Merge branch 'feature'", commits[_shop.M.Sha].Message);
        Assert.All(commits.Values, row => Assert.Equal("git", row.Source));
    }

    [Fact]
    public async Task Tags_matching_the_pattern_are_production_deployments_at_the_tagger_or_commit_time()
    {
        var result = await _ingestor.IngestAsync(Request(), cursor: null);

        // Annotated tags deploy at the tagger time, lightweight ones at their commit's time; nightly-… is not v*.
        Assert.Equal(
        [
            new DeploymentRow("shop@v1.0.0", _shop.A.Sha, ShopHistory.Utc(3, 3, 11), ShopHistory.Utc(3, 3, 11)), // 12:00 +01:00
            new DeploymentRow("shop@v1.1.0", _shop.M.Sha, ShopHistory.Utc(3, 3, 18), ShopHistory.Utc(3, 3, 18)),
            new DeploymentRow("shop@v1.1.1", _shop.H.Sha, ShopHistory.Utc(3, 4, 15), ShopHistory.Utc(3, 4, 15)), // 12:00 −03:00
            new DeploymentRow("shop@v1.2.0", _shop.E.Sha, ShopHistory.Utc(3, 5, 8), ShopHistory.Utc(3, 5, 8)),
        ], await DeploymentsAsync());
        Assert.Equal(4, result.MatchedTags);
        var shape = await _store.QueryAsync<DeploymentShape>(
            "SELECT DISTINCT service, environment, status, kind, repository, source FROM deployments FINAL");
        // A tag does not say whether it was a rollback or a hotfix: no kind is stated, the derived table works it out.
        Assert.Equal(new DeploymentShape("shop", "production", "success", "", "acme/shop", "git"), Assert.Single(shape));
    }

    [Fact]
    public async Task Rollbacks_hotfixes_and_reverts_are_found_in_a_tagged_history()
    {
        var revert = _shop.Git.Commit("main", $"Revert \"Fix rounding\"\n\nThis reverts commit {_shop.C.Sha}.", ShopHistory.At(2025, 3, 6, 9, 0, 0));
        _shop.Git.TagAnnotated("v1.2.1", revert, ShopHistory.At(2025, 3, 6, 10, 0, 0));
        _shop.Git.TagAnnotated("v1.2.2", _shop.E, ShopHistory.At(2025, 3, 6, 12, 0, 0)); // E again: back to v1.2.0
        var fix = _shop.Git.Commit("main", "Guard totals", ShopHistory.At(2025, 3, 7, 9, 0, 0));
        _shop.Git.TagAnnotated("v1.2.3-hotfix", fix, ShopHistory.At(2025, 3, 7, 10, 0, 0));

        await _ingestor.IngestAsync(Request(), cursor: null);

        var kinds = (await _store.QueryAsync<KindRow>("SELECT deployment_id, kind, related_deployment_id, kind_evidence FROM production_deployments"))
            .ToDictionary(row => row.DeploymentId);
        Assert.Equal(new KindRow("shop@v1.2.0", "normal", "", ""), kinds["shop@v1.2.0"]);
        Assert.Equal(new KindRow("shop@v1.2.1", "revert", "", $"revert_commit:{revert.Sha}"), kinds["shop@v1.2.1"]);
        Assert.Equal(new KindRow("shop@v1.2.2", "rollback", "shop@v1.2.1", "sha_shipped_by:shop@v1.2.0"), kinds["shop@v1.2.2"]);
        Assert.Equal(new KindRow("shop@v1.2.3-hotfix", "hotfix", "shop@v1.2.2", "hotfix_tag:v1.2.3-hotfix"), kinds["shop@v1.2.3-hotfix"]);
        Assert.Equal([_shop.C.Sha],
            (await _store.QueryAsync<RevertsRow>($"SELECT reverts FROM commits FINAL WHERE sha = '{revert.Sha}'")).Single().Reverts);
        // 3 fixes of 7 tags; v1.2.1 is failed by the rollback, v1.2.2 by the hotfix.
        var dora = (await new DoraQueries(_store, new SqlFiles(), Options.Create(new MetricOptions()))
            .SummariesAsync(new DoraRequest(ShopHistory.Utc(3, 1, 0), ShopHistory.Utc(3, 8, 0)))).Organisation;
        Assert.Equal((7L, 3L, 3 / 7.0), (dora.ReworkRate.Deployments, dora.ReworkRate.ReworkDeployments, dora.ReworkRate.Rate!.Value));
        Assert.Equal(2, dora.ChangeFailureRate.FailedDeployments);
    }

    private sealed record KindRow(string DeploymentId, string Kind, string RelatedDeploymentId, string KindEvidence);

    private sealed record RevertsRow(string[] Reverts);

    [Fact]
    public async Task The_deployments_are_linked_and_the_lead_time_is_the_one_worked_out_by_hand()
    {
        await _ingestor.IngestAsync(Request(), cursor: null);

        // v1.0.0 (first; 30-day look-back): A. v1.1.0: reachable(M) − reachable(A) = F1, F2, B, M.
        // v1.1.1 from release/1.1: reachable(H) − reachable(M) = H. v1.2.0: reachable(E) − reachable(H) = Q, C, E
        // (C, the original of the cherry-picked fix, ships with main's next deployment).
        Assert.Equal(
        [
            "shop@v1.0.0 A", "shop@v1.1.0 B", "shop@v1.1.0 F1", "shop@v1.1.0 F2", "shop@v1.1.0 M",
            "shop@v1.1.1 H", "shop@v1.2.0 C", "shop@v1.2.0 E", "shop@v1.2.0 Q",
        ], await LinksAsync());

        // Lead time = deployment − commit time: A 3 h (10,800 s); F1 3 h (10,800); F2 2 h (7,200); B 30 min (1,800);
        // M 0; H 4 h (14,400, from its own commit time 11:00Z to 15:00Z); Q 28 h 30 (102,600); C 22 h (79,200); E 0.
        // Sorted: [0, 0, 1,800, 7,200, 10,800, 10,800, 14,400, 79,200, 102,600], n = 9:
        // median = rank 4 = 10,800; p75 = rank 6 = 14,400; p90 = rank 7.2 = 79,200 + 0.2 × 23,400 = 83,880 (ranks from 0).
        var dora = await new DoraQueries(_store, new SqlFiles(), Options.Create(new MetricOptions()))
            .SummariesAsync(new DoraRequest(ShopHistory.Utc(3, 1, 0), ShopHistory.Utc(3, 8, 0)));
        var leadTime = dora.Organisation.LeadTime;
        Assert.Equal(9, leadTime.Changes);
        Assert.Equal(0, leadTime.Excluded);
        Assert.Equal(TimeSpan.FromSeconds(10_800), leadTime.Median);
        Assert.Equal(TimeSpan.FromSeconds(14_400), leadTime.P75);
        Assert.Equal(83_880, leadTime.P90!.Value.TotalSeconds, precision: 6); // interpolated in floating point
        Assert.Equal(0, leadTime.InferredShare);
        Assert.Equal(4, dora.Organisation.DeploymentFrequency.Deployments);
        // The service has no owner in the catalog: its figures are unassigned's, not dropped.
        Assert.Equal(TimeSpan.FromSeconds(10_800), Assert.Single(dora.Teams, team => team.Team == "unassigned").LeadTime.Median);
    }

    [Fact]
    public async Task Running_again_adds_nothing_and_a_later_run_reads_only_what_is_new()
    {
        var first = await _ingestor.IngestAsync(Request(), cursor: null);
        var linksAfterFirst = await LinksAsync();

        var again = await _ingestor.IngestAsync(Request(), first.Cursor);
        var withoutCursor = await _ingestor.IngestAsync(Request(), cursor: null);

        Assert.Equal((0L, 0L), (again.RowsPerTable["commits"], again.RowsPerTable["deployments"]));
        // Without a cursor everything is sent again, and the natural keys collapse it onto the stored rows.
        Assert.Equal(9, withoutCursor.RowsPerTable["commits"]);
        Assert.Equal(9, (await CommitsAsync()).Count);
        Assert.Equal(4, (await DeploymentsAsync()).Count);
        Assert.Equal(linksAfterFirst, await LinksAsync());

        var g = _shop.Git.Commit("main", "Gift cards", ShopHistory.At(2025, 3, 6, 9, 0, +1));
        _shop.Git.TagAnnotated("v1.3.0", g, ShopHistory.At(2025, 3, 6, 10, 0, +1));
        var later = await _ingestor.IngestAsync(Request(), again.Cursor);

        Assert.Equal((1L, 1L), (later.RowsPerTable["commits"], later.RowsPerTable["deployments"]));
        Assert.Equal(10, (await CommitsAsync()).Count);
        Assert.Contains("shop@v1.3.0 G", await LinksAsync(("G", g)));
    }

    [Fact]
    public async Task A_cursor_is_not_trusted_for_commits_the_store_no_longer_has()
    {
        var first = await _ingestor.IngestAsync(Request(), cursor: null);
        await _store.ExecuteAsync("TRUNCATE TABLE commits"); // e.g. a new store beside the old catalog

        var second = await _ingestor.IngestAsync(Request(), first.Cursor);

        Assert.Equal(9, second.RowsPerTable["commits"]);
        Assert.Equal(9, (await CommitsAsync()).Count);
    }

    [Fact]
    public async Task A_moved_tag_replaces_its_deployment()
    {
        var first = await _ingestor.IngestAsync(Request(), cursor: null);
        var g = _shop.Git.Commit("main", "Gift cards", ShopHistory.At(2025, 3, 9, 9, 0, 0));
        _shop.Git.Repo.Tags.Remove("v1.2.0");
        _shop.Git.TagLightweight("v1.2.0", g);

        var second = await _ingestor.IngestAsync(Request(), first.Cursor);

        Assert.Equal(1, second.RowsPerTable["deployments"]);
        var moved = Assert.Single(await DeploymentsAsync(), d => d.DeploymentId == "shop@v1.2.0");
        Assert.Equal((g.Sha, ShopHistory.Utc(3, 9, 9)), (moved.Sha, moved.FinishedAt));
        // v1.2.0 now ships E and G as well as Q and C.
        Assert.Equal(["shop@v1.2.0 C", "shop@v1.2.0 E", "shop@v1.2.0 G", "shop@v1.2.0 Q"],
            (await LinksAsync(("G", g))).Where(link => link.StartsWith("shop@v1.2.0", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_regular_expression_pattern_picks_the_tags_and_only_their_history_is_read()
    {
        var result = await _ingestor.IngestAsync(Request(@"/v\d+\.\d+\.0/"), cursor: null);

        // v1.1.1 does not match, so H (only on release/1.1) is on no ingested path; the anchored pattern would not
        // match "v1.1.0-rc1" either.
        Assert.Equal(["shop@v1.0.0", "shop@v1.1.0", "shop@v1.2.0"], (await DeploymentsAsync()).Select(d => d.DeploymentId));
        Assert.DoesNotContain(_shop.H.Sha, (await CommitsAsync()).Select(c => c.Sha));
        Assert.Equal(8, result.RowsPerTable["commits"]);
    }

    [Fact]
    public async Task A_fetched_clone_is_read_at_origins_head_rather_than_its_stale_local_branch()
    {
        var clonePath = Path.Combine(Directory.CreateTempSubdirectory("git-clone-").FullName, "shop");
        Repository.Clone(_shop.Git.Path, clonePath);
        try
        {
            var g = _shop.Git.Commit("main", "Gift cards", ShopHistory.At(2025, 3, 6, 9, 0, 0));
            using (var clone = new Repository(clonePath))
            {
                Commands.Fetch(clone, "origin", [], new FetchOptions { TagFetchMode = TagFetchMode.All }, null);
                Assert.Equal(_shop.E.Sha, clone.Branches["main"].Tip.Sha); // the local branch did not move
            }

            var result = await _ingestor.IngestAsync(Request(path: clonePath), cursor: null);

            Assert.Equal(g.Sha, result.BranchHead);
            Assert.Contains(g.Sha, (await CommitsAsync()).Select(c => c.Sha));
        }
        finally
        {
            foreach (var file in Directory.EnumerateFiles(clonePath, "*", SearchOption.AllDirectories))
            {
                File.SetAttributes(file, FileAttributes.Normal);
            }
            Directory.Delete(Path.GetDirectoryName(clonePath)!, recursive: true);
        }
    }

    [Fact]
    public async Task Through_the_ingest_runner_the_run_is_recorded_and_its_cursor_makes_the_next_run_read_nothing()
    {
        var runner = new IngestRunner(_catalog.Get<IngestRunLog>(), _catalog.Get<IngestCursors>(), _store, NullLogger<IngestRunner>.Instance);

        var first = await runner.RunAsync(new GitIngestSource(_ingestor, Request()));
        // The run left the derived tables current: read past the store's own upkeep, as another process would.
        await using (var raw = await ChDbStore.OpenAsync(EngineDatabase.DataPath, _store.Database))
        {
            var shipped = await raw.QueryAsync<CountRow>("SELECT count() AS rows FROM commit_shipments WHERE repository = 'acme/shop'");
            Assert.Equal(9UL, Assert.Single(shipped).Rows);
        }
        var second = await runner.RunAsync(new GitIngestSource(_ingestor, Request()));

        Assert.True(first.Succeeded, first.Error);
        Assert.Equal((9L, 4L, 9L), (first.RowsPerTable["commits"], first.RowsPerTable["deployments"], first.RowsPerTable["deployment_commits"]));
        Assert.True(second.Succeeded, second.Error);
        Assert.Equal((0L, 0L), (second.RowsPerTable["commits"], second.RowsPerTable["deployments"]));
        var cursor = await _catalog.Get<IngestCursors>().GetCursorAsync(GitRepositoryIngestor.SourceName, "shop:acme/shop");
        Assert.Contains(_shop.E.Sha, cursor!.Value);
        Assert.All(await _catalog.Get<IngestRunLog>().RecentRunsAsync(GitRepositoryIngestor.SourceName, 5), run => Assert.Equal(IngestRunStatus.Succeeded, run.Status));
    }

    private async Task<IReadOnlyList<CommitRow>> CommitsAsync() =>
        await _store.QueryAsync<CommitRow>(
            "SELECT sha, parents, author_email, author_name, authored_at, committer_email, committed_at, message, source FROM commits FINAL WHERE repository = 'acme/shop'");

    private async Task<IReadOnlyList<DeploymentRow>> DeploymentsAsync() =>
        await _store.QueryAsync<DeploymentRow>(
            "SELECT deployment_id, sha, started_at, finished_at FROM deployments FINAL WHERE service = 'shop' ORDER BY deployment_id");

    /// <summary>The service's links as "deployment commit-name", sorted; commits are named as in <see cref="ShopHistory"/>.</summary>
    private async Task<IReadOnlyList<string>> LinksAsync(params (string Name, Commit Commit)[] extraNames)
    {
        var names = new Dictionary<string, string>
        {
            [_shop.A.Sha] = "A", [_shop.F1.Sha] = "F1", [_shop.F2.Sha] = "F2", [_shop.B.Sha] = "B", [_shop.M.Sha] = "M",
            [_shop.S1.Sha] = "S1", [_shop.S2.Sha] = "S2", [_shop.Q.Sha] = "Q", [_shop.C.Sha] = "C", [_shop.H.Sha] = "H", [_shop.E.Sha] = "E",
        };
        foreach (var (name, commit) in extraNames)
        {
            names[commit.Sha] = name;
        }
        var rows = await _store.QueryAsync<LinkRow>("SELECT deployment_id, sha, link FROM deployment_commits FINAL WHERE service = 'shop'");
        Assert.All(rows, row => Assert.Equal(DeploymentLinker.Exact, row.Link));
        return rows.Select(row => $"{row.DeploymentId} {names[row.Sha]}").Order(StringComparer.Ordinal).ToList();
    }

    private IReadOnlyList<string> Names(params Commit[] commits) => Names(commits.Select(c => c.Sha));

    private IReadOnlyList<string> Names(IEnumerable<string> shas) => shas.Order(StringComparer.Ordinal).ToList();

    private sealed record CommitRow(
        string Sha, string[] Parents, string AuthorEmail, string AuthorName, DateTimeOffset AuthoredAt, string CommitterEmail, DateTimeOffset CommittedAt, string Message, string Source);

    private sealed record DeploymentRow(string DeploymentId, string Sha, DateTimeOffset StartedAt, DateTimeOffset FinishedAt);

    private sealed record DeploymentShape(string Service, string Environment, string Status, string Kind, string Repository, string Source);

    private sealed record LinkRow(string DeploymentId, string Sha, string Link);

    private sealed record CountRow(ulong Rows);
}
