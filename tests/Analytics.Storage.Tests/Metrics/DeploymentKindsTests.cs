using Analytics.Core.Dora;
using Analytics.Storage.ClickHouse;
using Analytics.Storage.Metrics;
using Analytics.Storage.Tests.ClickHouse;
using Microsoft.Extensions.Options;

namespace Analytics.Storage.Tests.Metrics;

/// <summary>
/// Deployment kinds worked out from the data (docs/metrics.md, "Deployment kinds"), through the real SQL on the
/// embedded engine, and the oracle over the same rows. No deployment states a kind except k9 ("normal"), as the
/// pulling sources store them. alpha owns api (commit data), beta web and gamma ops (none).
/// </summary>
public sealed class DeploymentKindsTests : IAsyncLifetime
{
    private static readonly DateTimeOffset From = new(2025, 1, 6, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = new(2025, 2, 3, 0, 0, 0, TimeSpan.Zero);
    private IClickHouseStore _store = default!;

    public async Task InitializeAsync()
    {
        _store = await EmbeddedEngine.NewMigratedDatabaseAsync("kinds");
        foreach (var statement in Scenario.Split(";\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            await _store.ExecuteAsync(statement);
        }
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task Each_kind_is_what_the_data_shows_and_a_stated_kind_wins()
    {
        var kinds = await KindsAsync();

        Assert.Equal(new DeploymentKind("normal", "", ""), kinds["k1"]);
        Assert.Equal(new DeploymentKind("revert", "", "revert_commit:a2"), kinds["k2"]);                // 'Revert "Add cache"'
        Assert.Equal(new DeploymentKind("rollback", "k2", "sha_shipped_by:k1"), kinds["k3"]);            // a1 again, after a2
        Assert.Equal(new DeploymentKind("hotfix", "k3", "hotfix_branch:hotfix/login"), kinds["k4"]);     // deployed from hotfix/login
        Assert.Equal(new DeploymentKind("hotfix", "k4", "hotfix_label:Hotfix"), kinds["k5"]);            // shipped PR #7, labelled Hotfix
        Assert.Equal(new DeploymentKind("revert", "", "revert_commit:a5"), kinds["k6"]);                // "This reverts commit a3…"
        Assert.Equal(new DeploymentKind("revert", "", "revert_pull_request:acme/api#8"), kinds["k7"]);  // PR 'Revert "Login"'
        Assert.Equal(new DeploymentKind("normal", "", ""), kinds["k8"]);                                 // a6 again right after a6: a restart
        Assert.Equal(new DeploymentKind("normal", "", "stated"), kinds["k9"]);                           // a1 again, but stated normal
        Assert.Equal(new DeploymentKind("unknown", "", "no_commit_data"), kinds["w1"]);
        Assert.Equal(new DeploymentKind("hotfix", "w2", "hotfix_tag:v2.0.1-hotfix"), kinds["w3"]);      // tag rule, no commit data needed
        Assert.Equal(new DeploymentKind("unknown", "", "no_commit_data"), kinds["o1"]);
    }

    [Fact]
    public async Task Rework_counts_the_known_kinds_and_is_unknown_where_nothing_could_tell()
    {
        var result = await new DoraQueries(_store, new SqlFiles(), Options.Create(new MetricOptions())).SummariesAsync(new DoraRequest(From, To));
        DoraSummary Team(string team) => Assert.Single(result.Teams, s => s.Team == team);

        // alpha: k2, k3, k4, k5, k6, k7 of 9 → 6/9. beta: w3 of 1 known (w1, w2 unknown). gamma: nothing known → null, not 0%.
        Assert.Equal(6, Team("alpha").ReworkRate.ReworkDeployments);
        Assert.Equal(6 / 9.0, Team("alpha").ReworkRate.Rate!.Value, 10);
        Assert.Equal(1.0, Team("beta").ReworkRate.Rate!.Value, 10);
        Assert.Equal(2, Team("beta").ReworkRate.UnknownKind);
        Assert.Null(Team("gamma").ReworkRate.Rate);
        Assert.Equal(1, Team("gamma").ReworkRate.UnknownKind);
        Assert.Equal(7 / 10.0, result.Organisation.ReworkRate.Rate!.Value, 10);
        // A detected rollback or hotfix marks the deployment it repairs: k2 (by k3), k3 (k4), k4 (k5), w2 (w3).
        Assert.Equal(4, result.Organisation.ChangeFailureRate.FailedDeployments);

        var oracle = new DoraOracle(await GeneratedOrganisation.ReadDoraHistoryAsync(_store), new MetricOptions()).Summaries(From, To);
        foreach (var summary in result.Teams.Append(result.Organisation))
        {
            Assert.Equal(oracle[summary.Team].ReworkRate, summary.ReworkRate);
            Assert.Equal(oracle[summary.Team].ChangeFailureRate.FailedDeployments, summary.ChangeFailureRate.FailedDeployments);
        }
    }

    [Fact]
    public async Task The_oracle_works_out_the_same_kinds()
    {
        var oracle = new DoraOracle(await GeneratedOrganisation.ReadDoraHistoryAsync(_store), new MetricOptions());

        Assert.Equal(oracle.Kinds().OrderBy(k => k.Key, StringComparer.Ordinal), (await KindsAsync()).OrderBy(k => k.Key, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Hotfix_rules_come_from_configuration()
    {
        // Only release/* branches are hotfixes now; no tag or label rule.
        var options = new MetricOptions { HotfixBranchPattern = "^release/", HotfixTagPattern = "", HotfixLabelPattern = "" };
        await HotfixRulesSync.SyncAsync(_store, options);
        await _store.ExecuteAsync("""
            INSERT INTO deployments (deployment_id, service, environment, status, kind, related_deployment_id, repository, sha, started_at, finished_at, url, source, ref) VALUES
                ('k10', 'api', 'production', 'success', '', '', 'acme/api', 'a7', '2025-01-20 10:00:00', '2025-01-20 10:05:00', '', 't', 'refs/heads/release/1.2')
            """);

        var kinds = await KindsAsync();

        Assert.Equal(new DeploymentKind("hotfix", "k9", "hotfix_branch:release/1.2"), kinds["k10"]);
        Assert.Equal("normal", kinds["k4"].Kind);  // hotfix/login no longer matches
        Assert.Equal("normal", kinds["k5"].Kind);  // no label rule
        Assert.Equal("unknown", kinds["w3"].Kind); // no tag rule, and web has no commit data
        var history = await GeneratedOrganisation.ReadDoraHistoryAsync(_store);
        Assert.Equal(new DoraOracle(history, options).Kinds().OrderBy(k => k.Key, StringComparer.Ordinal), kinds.OrderBy(k => k.Key, StringComparer.Ordinal));
    }

    private async Task<Dictionary<string, DeploymentKind>> KindsAsync() =>
        (await _store.QueryAsync<KindRow>("SELECT deployment_id, kind, related_deployment_id, kind_evidence FROM production_deployments"))
            .ToDictionary(row => row.DeploymentId, row => new DeploymentKind(row.Kind, row.RelatedDeploymentId, row.KindEvidence));

    private sealed record KindRow(string DeploymentId, string Kind, string RelatedDeploymentId, string KindEvidence);

    private const string Scenario = """
        INSERT INTO catalog_production_environments (source, pattern) VALUES ('', 'production');
        INSERT INTO catalog_service_ownership VALUES
            ('api', 'alpha', '2020-01-01 00:00:00', NULL), ('web', 'beta', '2020-01-01 00:00:00', NULL), ('ops', 'gamma', '2020-01-01 00:00:00', NULL);
        INSERT INTO deployments (deployment_id, service, environment, status, kind, related_deployment_id, repository, sha, started_at, finished_at, url, source, ref) VALUES
            ('k1', 'api', 'production', 'success', '', '', 'acme/api', 'a1', '2025-01-06 10:00:00', '2025-01-06 10:05:00', '', 't', 'refs/heads/main'),
            ('k2', 'api', 'production', 'success', '', '', 'acme/api', 'a2', '2025-01-07 10:00:00', '2025-01-07 10:05:00', '', 't', ''),
            ('k3', 'api', 'production', 'success', '', '', 'acme/api', 'a1', '2025-01-08 10:00:00', '2025-01-08 10:05:00', '', 't', ''),
            ('k4', 'api', 'production', 'success', '', '', 'acme/api', 'a3', '2025-01-09 10:00:00', '2025-01-09 10:05:00', '', 't', 'hotfix/login'),
            ('k5', 'api', 'production', 'success', '', '', 'acme/api', 'a4', '2025-01-10 10:00:00', '2025-01-10 10:05:00', '', 't', ''),
            ('k6', 'api', 'production', 'success', '', '', 'acme/api', 'a5', '2025-01-11 10:00:00', '2025-01-11 10:05:00', '', 't', ''),
            ('k7', 'api', 'production', 'success', '', '', 'acme/api', 'a6', '2025-01-12 10:00:00', '2025-01-12 10:05:00', '', 't', ''),
            ('k8', 'api', 'production', 'success', '', '', 'acme/api', 'a6', '2025-01-13 10:00:00', '2025-01-13 10:05:00', '', 't', ''),
            ('k9', 'api', 'production', 'success', 'normal', '', 'acme/api', 'a1', '2025-01-14 10:00:00', '2025-01-14 10:05:00', '', 't', ''),
            ('s1', 'api', 'staging', 'success', '', '', 'acme/api', 'a1', '2025-01-15 10:00:00', '2025-01-15 10:05:00', '', 't', ''),
            ('w1', 'web', 'production', 'success', '', '', 'acme/web', 'w1', '2025-01-06 10:00:00', '2025-01-06 10:05:00', '', 't', ''),
            ('w2', 'web', 'production', 'success', '', '', 'acme/web', 'w2', '2025-01-07 10:00:00', '2025-01-07 10:05:00', '', 't', 'refs/tags/v2.0.0'),
            ('w3', 'web', 'production', 'success', '', '', 'acme/web', 'w3', '2025-01-08 10:00:00', '2025-01-08 10:05:00', '', 't', 'refs/tags/v2.0.1-hotfix'),
            ('o1', 'ops', 'production', 'success', '', '', 'acme/ops', 'o1', '2025-01-06 10:00:00', '2025-01-06 10:05:00', '', 't', '');
        INSERT INTO commits (repository, sha, parents, author_email, author_name, authored_at, committer_email, committed_at, message, source, reverts) VALUES
            ('acme/api', 'a1', [], 'a@x', 'A', '2025-01-06 08:00:00', 'a@x', '2025-01-06 08:00:00', 'Add cache', 't', []),
            ('acme/api', 'a2', ['a1'], 'a@x', 'A', '2025-01-07 08:00:00', 'a@x', '2025-01-07 08:00:00', 'Revert "Add cache"', 't', ['a1']),
            ('acme/api', 'a3', ['a2'], 'a@x', 'A', '2025-01-09 08:00:00', 'a@x', '2025-01-09 08:00:00', 'Fix login', 't', []),
            ('acme/api', 'a4', ['a3'], 'a@x', 'A', '2025-01-10 08:00:00', 'a@x', '2025-01-10 08:00:00', 'Merge pull request #7 from acme/urgent', 't', []),
            ('acme/api', 'a5', ['a4'], 'a@x', 'A', '2025-01-11 08:00:00', 'a@x', '2025-01-11 08:00:00', 'Undo login change', 't', ['a3']),
            ('acme/api', 'a6', ['a5'], 'a@x', 'A', '2025-01-12 08:00:00', 'a@x', '2025-01-12 08:00:00', 'Merge pull request #8 from acme/fix-login', 't', []);
        INSERT INTO deployment_commits (deployment_id, service, repository, sha, link) VALUES
            ('k1', 'api', 'acme/api', 'a1', 'exact'), ('k2', 'api', 'acme/api', 'a2', 'exact'), ('k4', 'api', 'acme/api', 'a3', 'exact'),
            ('k5', 'api', 'acme/api', 'a4', 'exact'), ('k6', 'api', 'acme/api', 'a5', 'exact'), ('k7', 'api', 'acme/api', 'a6', 'exact');
        INSERT INTO pull_requests (repository, number, title, author_login, author_is_bot, base_branch, opened_at, first_commit_at, first_review_at, merged_at, closed_at, merge_sha, url, source, head_branch, labels) VALUES
            ('acme/api', 7, 'Urgent', 'ann', false, 'main', '2025-01-10 07:00:00', NULL, NULL, '2025-01-10 08:00:00', '2025-01-10 08:00:00', 'a4', '', 't', 'urgent', ['Hotfix']),
            ('acme/api', 8, 'Revert "Login"', 'ann', false, 'main', '2025-01-12 07:00:00', NULL, NULL, '2025-01-12 08:00:00', '2025-01-12 08:00:00', 'a6', '', 't', 'fix-login', [])
        """;
}
