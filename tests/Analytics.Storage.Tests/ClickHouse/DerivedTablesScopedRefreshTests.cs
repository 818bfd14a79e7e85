using Analytics.Ingestors.Demo;
using Analytics.Ingestors.Linking;
using Microsoft.Extensions.Options;

namespace Analytics.Storage.Tests.ClickHouse;

/// <summary>
/// A write touching a few services or repositories refreshes only their partitions (migration 0022,
/// ScopedRefreshPlanner), and every derived table then holds exactly what a whole rebuild would give.
/// </summary>
public sealed class DerivedTablesScopedRefreshTests
{
    private static readonly DateTimeOffset End = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task After_each_write_the_scoped_refresh_leaves_every_derived_table_equal_to_a_whole_rebuild()
    {
        await using var organisation = await GeneratedOrganisation.LoadAsync("scoped", DemoScale.Tiny, 7, End);
        var store = (DerivedTablesStore)organisation.Store;
        await store.RefreshStaleAsync();
        await AssertEqualToWholeRebuildAsync(store);

        // Two services with production deployments, and the repository each deploys.
        var pairs = await store.QueryAsync<PairRow>(
            "SELECT service, any(repository) AS repository FROM production_deployments GROUP BY service ORDER BY service LIMIT 2");
        var (a, repositoryA) = (pairs[0].Service, pairs[0].Repository);
        var (b, repositoryB) = (pairs[1].Service, pairs[1].Repository);
        var shaA = (await store.QueryAsync<ShaRow>("SELECT sha FROM commits WHERE repository = {r:String} ORDER BY committed_at DESC LIMIT 1",
            QueryParameters.From(("r", repositoryA)))).Single().Sha;
        var at = End.AddDays(-1);

        // A pushed production deployment of one service (through the insert stream).
        await store.InsertAsync("deployments", ["deployment_id", "service", "environment", "status", "kind", "related_deployment_id", "repository", "sha", "started_at", "finished_at", "url", "source"],
            [["scoped-d1", a, "production", "success", "", "", repositoryA, shaA, at, at.AddMinutes(5), "", "push"]]);
        await AssertScopedAndEqualAsync(store, "a pushed deployment");

        // An ingest run's rows, staged in a table made AS the event table and published with INSERT … SELECT (RunStaging).
        await store.ExecuteAsync("CREATE TABLE IF NOT EXISTS `deployments__run_1` AS `deployments`");
        await store.ExecuteAsync($"INSERT INTO `deployments__run_1` {DerivedTablesStoreTests.DeploymentColumns} VALUES ('scoped-s1', '{b}', 'production', 'success', '', '', '{repositoryB}', 'ssss', '{Sql(at.AddMinutes(30))}', '{Sql(at.AddMinutes(31))}', '', 'push')");
        await store.ExecuteAsync("INSERT INTO `deployments` SELECT * FROM `deployments__run_1`");
        await store.ExecuteAsync("DROP TABLE `deployments__run_1`");
        await AssertScopedAndEqualAsync(store, "a published run");

        // A failed one, then the same sha deployed again (a rollback shape for the detection per service and environment).
        await store.ExecuteAsync($"INSERT INTO deployments {DerivedTablesStoreTests.DeploymentColumns} VALUES ('scoped-f1', '{a}', 'production', 'failure', '', '', '{repositoryA}', 'ffff', '{Sql(at.AddHours(1))}', '{Sql(at.AddHours(1))}', '', 'push')");
        await AssertScopedAndEqualAsync(store, "a failed deployment");

        // Incidents: one linked to the new deployment, one found by the attribution window.
        await store.ExecuteAsync($"""
            INSERT INTO incidents (incident_id, service, severity, title, started_at, resolved_at, caused_by_deployment_id, url, source) VALUES
            ('scoped-i1', '{a}', 'sev2', 't', '{Sql(at.AddHours(2))}', '{Sql(at.AddHours(3))}', 'scoped-d1', '', 'push'),
            ('scoped-i2', '{a}', 'sev3', 't', '{Sql(at.AddHours(4))}', NULL, '', '', 'push')
            """);
        await AssertScopedAndEqualAsync(store, "incidents");

        // Commits, a pull request and a review of the other service's repository.
        await store.ExecuteAsync($"""
            INSERT INTO commits (repository, sha, parents, author_email, author_name, authored_at, committer_email, committed_at, message, source) VALUES
            ('{repositoryB}', 'scoped-c1', [], 'x@example.com', 'x', '{Sql(at)}', 'x@example.com', '{Sql(at)}', 'Merge pull request #9001 from acme/hotfix/urgent', 'push')
            """);
        await store.ExecuteAsync($"""
            INSERT INTO pull_requests (repository, number, title, author_login, author_is_bot, base_branch, opened_at, first_commit_at, first_review_at, merged_at, closed_at, merge_sha, url, source) VALUES
            ('{repositoryB}', 9001, 'Fix', 'someone', false, 'main', '{Sql(at.AddDays(-1))}', '{Sql(at.AddDays(-1))}', NULL, '{Sql(at)}', '{Sql(at)}', 'scoped-c1', '', 'push')
            """);
        await store.ExecuteAsync($"""
            INSERT INTO pull_request_reviews (repository, number, review_id, reviewer_login, reviewer_is_bot, state, submitted_at, source) VALUES
            ('{repositoryB}', 9001, 'scoped-r1', 'reviewer', false, 'approved', '{Sql(at.AddHours(-3))}', 'push')
            """);
        await AssertScopedAndEqualAsync(store, "a repository's commits, pull request and review");

        // A deployment of the other service shipping that commit, linked through deployment_commits.
        await store.ExecuteAsync($"INSERT INTO deployments {DerivedTablesStoreTests.DeploymentColumns} VALUES ('scoped-d2', '{b}', 'production', 'success', '', '', '{repositoryB}', 'scoped-c1', '{Sql(at.AddHours(5))}', '{Sql(at.AddHours(5))}', '', 'push')");
        await store.ExecuteAsync($"INSERT INTO deployment_commits (deployment_id, service, repository, sha, link, touches_paths) VALUES ('scoped-d2', '{b}', '{repositoryB}', 'scoped-c1', 'exact', false)");
        await AssertScopedAndEqualAsync(store, "a linked deployment");

        // A monorepo: service b now also deploys service a's repository, and ships one of its commits.
        await store.ExecuteAsync($"INSERT INTO deployments {DerivedTablesStoreTests.DeploymentColumns} VALUES ('scoped-d3', '{b}', 'production', 'success', '', '', '{repositoryA}', '{shaA}', '{Sql(at.AddHours(6))}', '{Sql(at.AddHours(6))}', '', 'push')");
        await store.ExecuteAsync($"INSERT INTO deployment_commits (deployment_id, service, repository, sha, link, touches_paths) VALUES ('scoped-d3', '{b}', '{repositoryA}', '{shaA}', 'exact', true)");
        var monorepo = await AssertScopedAndEqualAsync(store, "a repository shared by two services");
        Assert.True(monorepo.Services >= 2, "both services of the shared repository are recomputed");

        // Relinking replaces a service's links (new rows, then a DELETE naming the service): still scoped.
        await new DeploymentLinker(store, Options.Create(new MetricOptions())).LinkAsync([b]);
        await AssertScopedAndEqualAsync(store, "relinking a service");
        await store.ExecuteAsync("DELETE FROM deployment_commits WHERE service IN {services:Array(String)} AND deployment_id = 'scoped-d3'",
            QueryParameters.From(("services", new[] { b })));
        await AssertScopedAndEqualAsync(store, "a scoped delete");
        // A DELETE that could reach other keys is not scoped.
        await store.ExecuteAsync("DELETE FROM deployment_commits WHERE service IN {services:Array(String)} OR deployment_id = 'scoped-d1'",
            QueryParameters.From(("services", new[] { b })));
        await store.RefreshStaleAsync();
        Assert.False(store.LastRefresh!.Scoped, store.LastRefresh.Reason);
        await AssertEqualToWholeRebuildAsync(store);

        // A catalog change can move any row: the tables are rebuilt whole, and still equal.
        await store.ExecuteAsync($"INSERT INTO catalog_service_ownership VALUES ('{a}', 'scoped-team', '{Sql(at.AddDays(-10))}', NULL)");
        await store.RefreshStaleAsync();
        Assert.False(store.LastRefresh!.Scoped, store.LastRefresh.Reason);
        await AssertEqualToWholeRebuildAsync(store);

        // And from there the next write is scoped again.
        await store.ExecuteAsync($"INSERT INTO incidents (incident_id, service, severity, title, started_at, resolved_at, caused_by_deployment_id, url, source) VALUES ('scoped-i3', '{b}', 'sev1', 't', '{Sql(at.AddHours(7))}', NULL, '', '', 'push')");
        await AssertScopedAndEqualAsync(store, "an incident after the catalog change");
    }

    [Fact]
    public async Task New_environments_and_service_repository_pairs_are_refreshed_by_scope_and_an_environment_changing_side_is_not()
    {
        await using var organisation = await GeneratedOrganisation.LoadAsync("scoped", DemoScale.Tiny, 9, End);
        var store = (DerivedTablesStore)organisation.Store;
        await store.RefreshStaleAsync();
        var pairs = await store.QueryAsync<PairRow>(
            "SELECT service, any(repository) AS repository FROM production_deployments GROUP BY service ORDER BY service LIMIT 2");
        var (a, b) = (pairs[0].Service, pairs[1].Service);
        var at = End.AddDays(-1);

        // An environment first seen, production by the tier its source states: only the rows just written name it.
        await InsertDeploymentAsync(store, "env-d1", a, "live-eu", pairs[0].Repository, "env-sha-1", at, "production");
        await AssertScopedAndEqualAsync(store, "a new environment");
        Assert.Contains(await store.QueryAsync<EnvironmentRow>("SELECT environment, is_production FROM environment_classification WHERE source = 'push'"),
            row => row is { Environment: "live-eu", IsProduction: true });
        Assert.Single(await store.QueryAsync<ShaRow>("SELECT sha FROM production_deployments WHERE deployment_id = 'env-d1'"));

        // A pair never seen: service a ships a commit of a repository nothing deployed before, linked through deployment_commits.
        const string repository = "scoped/new-repository";
        await store.ExecuteAsync($"""
            INSERT INTO commits (repository, sha, parents, author_email, author_name, authored_at, committer_email, committed_at, message, source) VALUES
            ('{repository}', 'pair-c1', [], 'x@example.com', 'x', '{Sql(at.AddHours(-2))}', 'x@example.com', '{Sql(at.AddHours(-2))}', 'change', 'push')
            """);
        await InsertDeploymentAsync(store, "pair-d1", a, "live-eu", pairs[0].Repository, "env-sha-2", at.AddHours(1), "");
        await store.ExecuteAsync($"INSERT INTO deployment_commits (deployment_id, service, repository, sha, link, touches_paths) VALUES ('pair-d1', '{a}', '{repository}', 'pair-c1', 'exact', false)");
        await AssertScopedAndEqualAsync(store, "a new service–repository pair");
        Assert.Single(await store.QueryAsync<ShaRow>("SELECT repository AS sha FROM service_repositories WHERE service = {s:String} AND repository = {r:String}",
            QueryParameters.From(("s", a), ("r", repository))));
        Assert.Single(await store.QueryAsync<ShaRow>("SELECT sha FROM commit_shipments WHERE repository = {r:String}", QueryParameters.From(("r", repository))));

        // A write to that repository alone reaches service a through the pair: a merged pull request of the shipped commit.
        await store.ExecuteAsync($"""
            INSERT INTO pull_requests (repository, number, title, author_login, author_is_bot, base_branch, opened_at, first_commit_at, first_review_at, merged_at, closed_at, merge_sha, url, source) VALUES
            ('{repository}', 1, 'Revert "change"', 'someone', false, 'main', '{Sql(at.AddHours(-3))}', '{Sql(at.AddHours(-3))}', NULL, '{Sql(at.AddHours(-2))}', '{Sql(at.AddHours(-2))}', 'pair-c1', '', 'push')
            """);
        var closed = await AssertScopedAndEqualAsync(store, "a pull request of the new repository");
        Assert.True(closed.Services >= 1, "the service deploying the repository is recomputed (its deployment now ships a revert)");

        // An environment changing side: service b states the tier staging for the environment a deployed to as
        // production, later than any other tier stated: a's rows move too, so the tables are rebuilt whole.
        await InsertDeploymentAsync(store, "env-d2", b, "live-eu", pairs[1].Repository, "env-sha-3", at.AddHours(2), "staging");
        await store.RefreshStaleAsync();
        Assert.False(store.LastRefresh!.Scoped, store.LastRefresh.Reason);
        Assert.Equal("environment push/live-eu changed between production and not", store.LastRefresh.Reason);
        await AssertEqualToWholeRebuildAsync(store, "an environment changing side");
        Assert.Empty(await store.QueryAsync<ShaRow>("SELECT sha FROM production_deployments WHERE deployment_id IN ('env-d1', 'pair-d1', 'env-d2')"));

        // And from there the next write is scoped again.
        await InsertDeploymentAsync(store, "env-d3", a, "production", pairs[0].Repository, "env-sha-4", at.AddHours(3), "");
        await AssertScopedAndEqualAsync(store, "a deployment after the environment changed side");
    }

    [Fact]
    public async Task The_linker_refreshes_only_production_deployments_and_the_rest_follows_once_from_the_same_baseline()
    {
        await using var organisation = await GeneratedOrganisation.LoadAsync("scoped", DemoScale.Tiny, 11, End);
        var store = (DerivedTablesStore)organisation.Store;
        await store.RefreshStaleAsync();
        var pair = (await store.QueryAsync<PairRow>(
            "SELECT service, any(repository) AS repository FROM production_deployments GROUP BY service ORDER BY service LIMIT 1")).Single();
        var head = (await store.QueryAsync<ShaRow>("SELECT sha FROM commits WHERE repository = {r:String} ORDER BY committed_at DESC LIMIT 1",
            QueryParameters.From(("r", pair.Repository)))).Single().Sha;
        var at = End.AddDays(-1);

        // A new commit on the head, deployed as a webhook delivery writes it, then the delivery's linking pass.
        await store.ExecuteAsync($"""
            INSERT INTO commits (repository, sha, parents, author_email, author_name, authored_at, committer_email, committed_at, message, source) VALUES
            ('{pair.Repository}', 'linked-c1', ['{head}'], 'x@example.com', 'x', '{Sql(at.AddHours(-1))}', 'x@example.com', '{Sql(at.AddHours(-1))}', 'change', 'push')
            """);
        await InsertDeploymentAsync(store, "linked-d1", pair.Service, "production", pair.Repository, "linked-c1", at, "");
        await new DeploymentLinker(store, Options.Create(new MetricOptions()), store).LinkAsync([pair.Service]);
        var partial = store.LastRefresh!;
        Assert.True(partial.Scoped, partial.Reason);
        Assert.Equal(["deployment_environments", "production_deployments"], partial.Tables);

        // The links written, the next read refreshes every table left stale, scoped from the baseline before the
        // deployment, and production_deployments again (its kinds read the links): all equal a whole rebuild.
        var rest = await AssertScopedAndEqualAsync(store, "the rest after the linker's refresh");
        Assert.Contains("production_deployments", rest.Tables);
        Assert.Contains("commit_shipments", rest.Tables);
        Assert.DoesNotContain("deployment_environments", rest.Tables);
        Assert.Single(await store.QueryAsync<ShaRow>("SELECT sha FROM commit_shipments WHERE sha = 'linked-c1'"));
    }

    [Fact]
    public async Task An_environment_changing_side_in_a_refresh_of_only_what_a_query_reads_rebuilds_the_rest_whole()
    {
        await using var organisation = await GeneratedOrganisation.LoadAsync("scoped", DemoScale.Tiny, 9, End);
        var store = (DerivedTablesStore)organisation.Store;
        await store.RefreshStaleAsync();
        var pairs = await store.QueryAsync<PairRow>(
            "SELECT service, any(repository) AS repository FROM production_deployments GROUP BY service ORDER BY service LIMIT 2");
        var at = End.AddDays(-1);
        await InsertDeploymentAsync(store, "side-d1", pairs[0].Service, "live-eu", pairs[0].Repository, "side-sha-1", at, "production");
        await AssertScopedAndEqualAsync(store, "a new environment");

        // Service b makes live-eu staging: a's deployment there leaves production_deployments, and so must its rows in
        // every table the linker's read leaves stale, though deployment_environments no longer shows the move then.
        await InsertDeploymentAsync(store, "side-d2", pairs[1].Service, "live-eu", pairs[1].Repository, "side-sha-2", at.AddHours(1), "staging");
        Assert.Empty(await store.QueryRefreshingOnlyWhatItReadsAsync<ShaRow>("SELECT sha FROM production_deployments WHERE deployment_id = 'side-d1'"));
        Assert.False(store.LastRefresh!.Scoped, store.LastRefresh.Reason);
        Assert.Equal(["deployment_environments", "production_deployments"], store.LastRefresh.Tables);

        await store.RefreshStaleAsync();
        Assert.False(store.LastRefresh!.Scoped, store.LastRefresh.Reason);
        await AssertEqualToWholeRebuildAsync(store, "the rest after an environment changed side");
    }

    private static Task InsertDeploymentAsync(DerivedTablesStore store, string id, string service, string environment, string repository, string sha, DateTimeOffset at, string tier) =>
        store.InsertAsync("deployments", ["deployment_id", "service", "environment", "environment_tier", "status", "kind", "related_deployment_id", "repository", "sha", "started_at", "finished_at", "url", "source"],
            [[id, service, environment, tier, "success", "", "", repository, sha, at, at.AddMinutes(5), "", "push"]]);

    [Fact]
    public async Task A_mutation_the_store_cannot_scope_rebuilds_whole_tables()
    {
        await using var organisation = await GeneratedOrganisation.LoadAsync("scoped", DemoScale.Tiny, 8, End);
        var store = (DerivedTablesStore)organisation.Store;
        await store.RefreshStaleAsync();
        await store.ExecuteAsync("ALTER TABLE incidents UPDATE severity = 'sev1' WHERE severity = 'sev2' SETTINGS mutations_sync = 2");
        await store.RefreshStaleAsync();
        Assert.False(store.LastRefresh!.Scoped);
        await AssertEqualToWholeRebuildAsync(store);
    }

    private static async Task<DerivedRefreshReport> AssertScopedAndEqualAsync(DerivedTablesStore store, string what)
    {
        await store.RefreshStaleAsync();
        var report = store.LastRefresh!;
        Assert.True(report.Scoped, $"{what}: {report.Reason}");
        Assert.InRange(report.PartitionsReplaced, 1, report.Tables.Count * ScopedRefreshPlanner.MaxBuckets);
        await AssertEqualToWholeRebuildAsync(store, what);
        return report;
    }

    /// <summary>Every derived table's rows equal those its SELECT gives over everything now.</summary>
    private static async Task AssertEqualToWholeRebuildAsync(DerivedTablesStore store, string what = "")
    {
        foreach (var table in store.Tables)
        {
            var stored = await RowsAsync(store, $"SELECT * FROM {table.Name}");
            var rebuilt = await RowsAsync(store, table.Select);
            Assert.True(rebuilt.Count > 0, $"{table.Name} has rows");
            Assert.True(stored.SequenceEqual(rebuilt), $"{what}: {table.Name} differs from a whole rebuild ({stored.Count} rows stored, {rebuilt.Count} rebuilt): "
                + string.Join(" | ", stored.Except(rebuilt).Concat(rebuilt.Except(stored)).Take(4)));
        }
    }

    private static async Task<List<string>> RowsAsync(IClickHouseStore store, string select) =>
        (await store.QueryAsync<RowText>($"SELECT toString(tuple(*)) AS row FROM ({select}) ORDER BY row")).Select(row => row.Row).ToList();

    private static string Sql(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);

    private sealed record PairRow(string Service, string Repository);

    private sealed record ShaRow(string Sha);

    private sealed record EnvironmentRow(string Environment, bool IsProduction);

    private sealed record RowText(string Row);
}
