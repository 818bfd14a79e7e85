namespace Analytics.Ingestors.Tests;

/// <summary>
/// What two stores loaded from one organisation by different sources are compared on: the engine's derived tables
/// every DORA and pull-request figure reads, and the event tables under them. Deployment ids differ only by their
/// source's prefix, which <c>Strip(column)</c> takes off; urls and source names are left out.
/// </summary>
internal static class ParityTables
{
    /// <summary>The table, its columns as compared, for <see cref="RowsAsync"/>.</summary>
    public static readonly (string Table, string Columns)[] Compared =
    [
        ("production_deployments", "Strip(deployment_id), service, environment, kind, Strip(related_deployment_id), repository, sha, started_at, finished_at, team, Strip(kind_evidence)"),
        ("commit_shipments", "repository, sha, deployed_at, Strip(deployment_id), owner, link, authored_at, committed_at"),
        ("attributed_pull_requests", "repository, number, title, author_login, author_is_bot, opened_at, first_commit_at, merged_at, closed_at, merge_sha, team, reviews, deployed_at"),
        ("pull_requests FINAL", "repository, number, title, author_login, author_is_bot, base_branch, opened_at, first_commit_at, first_review_at, merged_at, closed_at, merge_sha, head_branch, labels"),
        ("pull_request_commits FINAL", "repository, number, sha"),
        ("pull_request_reviews FINAL", "repository, number, reviewer_login, reviewer_is_bot, state, submitted_at"),
        ("deployments FINAL", "Strip(deployment_id), service, environment, status, kind, repository, sha, started_at, finished_at, ref"),
        ("deployment_commits FINAL", "Strip(deployment_id), service, repository, sha, link"),
    ];

    /// <summary>A commit's columns as compared (all but the source and when it was ingested).</summary>
    public const string CommitColumns = "repository, sha, parents, author_email, author_name, authored_at, committer_email, committed_at, message, reverts";

    /// <summary>The median lead time for changes over the whole store (commit authored → shipped to production).</summary>
    public const string LeadTime =
        "SELECT count() AS changes, quantileExactInclusive(0.5)(dateDiff('millisecond', authored_at, deployed_at)) AS median_ms FROM commit_shipments";

    /// <summary>The pull requests' cycle-time phases: pickup (opened → first review), deploy (merged → shipped), and the reviews counted.</summary>
    public const string CycleTime =
        "SELECT count() AS merged, quantileExactInclusive(0.5)(dateDiff('millisecond', opened_at, reviews[1].2)) AS pickup_ms, " +
        "quantileExactInclusive(0.5)(dateDiff('millisecond', assumeNotNull(merged_at), assumeNotNull(deployed_at))) AS deploy_ms, sum(length(reviews)) AS review_count " +
        "FROM attributed_pull_requests WHERE merged_at IS NOT NULL AND deployed_at IS NOT NULL AND length(reviews) > 0";

    /// <summary>Production deployments a week, by kind (deployment frequency, and the rollbacks and hotfixes change failure reads).</summary>
    public const string DeploymentFrequency =
        "SELECT toStartOfWeek(started_at) AS week, kind, count() AS deployments FROM production_deployments GROUP BY week, kind ORDER BY week, kind";

    public static readonly string[] DoraFigures = [LeadTime, CycleTime, DeploymentFrequency];

    /// <summary>The rows of <paramref name="table"/> as sorted text, <c>Strip(x)</c> taking a deployment id's source prefix off.</summary>
    public static async Task<List<string>> RowsAsync(IClickHouseStore store, string table, string columns)
    {
        var select = System.Text.RegularExpressions.Regex.Replace(columns, @"Strip\((\w+)\)", "replaceRegexpAll($1, '(git(hub|lab)-deployment|interchange)-', '')");
        var rows = await store.QueryAsync<Line>($"SELECT toString(tuple({select})) AS text FROM {table} ORDER BY text");
        return rows.Select(r => r.Text).ToList();
    }

    /// <summary>Asserts both stores hold the same rows of each table (and that there are some).</summary>
    public static async Task AssertSameAsync(IClickHouseStore expectedStore, string expectedName, IClickHouseStore actualStore, string actualName, IEnumerable<(string Table, string Columns)> compared)
    {
        foreach (var (table, columns) in compared)
        {
            var expected = await RowsAsync(expectedStore, table, columns);
            var actual = await RowsAsync(actualStore, table, columns);
            Assert.NotEmpty(expected);
            Assert.True(expected.SequenceEqual(actual),
                $"{table} differs: only from {expectedName}: {string.Join("; ", expected.Except(actual).Take(3))}; only from {actualName}: {string.Join("; ", actual.Except(expected).Take(3))}");
        }
    }

    private sealed record Line(string Text);
}
