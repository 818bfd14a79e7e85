using System.Text.Json;
using Analytics.Ingestors.Demo;

namespace Analytics.Storage.Tests.Metrics;

/// <summary>
/// Property: for generated organisations whose pull requests name issue keys, the Issues tab's file (pr/issues.sql, which
/// reads only the team's pull requests' keys and shipments) lists exactly the rows of the file as it was before
/// (<see cref="OracleSql"/>: every pull request's keys through migration 0018's view, every shipment grouped, then the
/// team's pull requests joined), for every team, both key rules, periods of the last month, the middle and the whole history (3 months); and the view of migration 0025 holds
/// exactly the rows of 0018's. A filter that dropped a pull request, a key or a shipment the team needs fails here.
/// </summary>
public sealed class IssueListingOracleTests
{
    private static readonly DateTimeOffset End = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(21)]
    [InlineData(22)]
    public async Task The_team_filtered_listing_equals_the_whole_organisation_one_for_every_team(int seed)
    {
        await using var organisation = await GeneratedOrganisation.LoadAsync("issues_oracle", DemoScale.Tiny, seed, End);
        var store = organisation.Store;
        await NameIssueKeysAsync(store);
        var teams = (await store.QueryAsync<TeamRow>("SELECT DISTINCT team FROM attributed_pull_requests ORDER BY team")).Select(row => row.Team).ToList();
        Assert.True(teams.Count > 1, $"seed {seed}: fewer than two teams with pull requests");
        var issues = new SqlFiles().Query("pr/issues");
        var listed = 0;
        var shipped = 0;
        var unshipped = 0;
        foreach (string[] projects in new[] { Array.Empty<string>(), ["ABC", "XYZ"] })
        {
            Assert.Equal(await RawAsync(store, OracleViewSql, QueryParameters.From(("projects", projects))),
                await RawAsync(store, "SELECT * FROM pull_request_issue_keys(projects = {projects:Array(String)}) ORDER BY ALL", QueryParameters.From(("projects", projects))));
            foreach (var (from, to) in new[] { (End.AddDays(-30), End), (End.AddDays(-60), End.AddDays(-20)), (End.AddYears(-1), End) })
            {
                foreach (var team in teams.Append("no-such-team"))
                {
                    var parameters = QueryParameters.From(("from", from), ("to", to), ("team", team), ("projects", projects),
                        ("limit", (uint)DoraDrillDown.MaxLimit), ("offset", 0u));
                    var expected = await RawAsync(store, OracleSql, parameters);
                    Assert.True(expected.SequenceEqual(await RawAsync(store, issues, parameters)),
                        $"seed {seed}, team '{team}', projects [{string.Join(",", projects)}], {from:O}..{to:O}: pr/issues.sql lists other rows than the oracle ({expected.Count} rows)");
                    listed += expected.Count;
                    shipped += expected.Count(row => row.Contains("\"issue_shipped_at\":\"", StringComparison.Ordinal));
                    unshipped += expected.Count(row => row.Contains("\"issue_shipped_at\":null", StringComparison.Ordinal));
                }
            }
        }
        // The listings must hold shipped and unshipped issues, or agreeing on them proves little.
        Assert.True(shipped > 0 && unshipped > 0, $"seed {seed}: {listed} rows listed, {shipped} shipped, {unshipped} not");
    }

    /// <summary>
    /// Every pull request names keys in its title and head branch: upper- and lower-case ones, a standard's prefix, keys
    /// shared by several pull requests (of one team and of several), and none for some.
    /// </summary>
    private static Task NameIssueKeysAsync(IClickHouseStore store) => store.ExecuteAsync("""
        ALTER TABLE pull_requests UPDATE
            title = if(number % 6 = 5, title, concat(['ABC-', 'abc-', 'DEF-', 'UTF-', '[XYZ-'][number % 5 + 1], toString(number % 97 + 1),
                ['', ',', ': '][number % 3 + 1], 'DEF-', toString(number % 13 + 1), ' ', title)),
            head_branch = concat('feature/', ['abc', 'ABC', 'ghi', 'xyz'][number % 4 + 1], '-', toString(number % 41 + 1), '-login')
        WHERE 1
        SETTINGS mutations_sync = 2
        """);

    private static async Task<List<string>> RawAsync(IClickHouseStore store, string sql, QueryParameters parameters) =>
        [.. (await store.QueryAsync<JsonElement>(sql, parameters)).Select(row => row.GetRawText())];

    private sealed record TeamRow(string Team);

    /// <summary>Migration 0018's view pull_request_issue_keys, as it was before 0025 (its body).</summary>
    private const string OracleView = """
        SELECT DISTINCT repository, number, issue_key, project
        FROM
        (
            SELECT
                repository,
                number,
                arrayJoin(arrayFlatten(arrayMap(matched ->
                    arrayMap((project, issue) -> concat(project, '-', issue), matched[1], matched[2]),
                    arrayMap(text -> extractAllGroupsHorizontal(replaceRegexpAll(text, '([^A-Za-z0-9_])', '\\1\\1'),
                        '(?:^|[^A-Za-z0-9])([A-Za-z][A-Za-z0-9_]+)--([1-9][0-9]*)(?:[^A-Za-z0-9]|$)'), [title, head_branch])))) AS written,
                upper(written) AS issue_key,
                splitByChar('-', issue_key)[1] AS project
            FROM pull_requests FINAL
        )
        WHERE if(empty({projects:Array(String)}),
            written = issue_key AND NOT has(['UTF', 'SHA', 'MD', 'ISO', 'IEC', 'RFC', 'CVE', 'CWE', 'TLS', 'SSL', 'HTTP', 'AES', 'RSA', 'PEP', 'ES', 'ECMA', 'IEEE', 'ANSI', 'UCS', 'LATIN', 'WINDOWS', 'CP', 'X509'], project),
            has({projects:Array(String)}, project))
        """;

    private const string OracleViewSql = $$"""
        SELECT * FROM ({{OracleView}})
        ORDER BY ALL
        """;

    /// <summary>pr/issues.sql before it read only the team's pull requests, with 0018's view in place of the view.</summary>
    private const string OracleSql = $$"""
        SELECT
            issue_key, repository, number, title, url, opened_at, first_commit_at, merged_at, deployment_id, deployed_at,
            issue_shipped_at, issue_lead_seconds,
            count() OVER () AS total_rows,
            uniqExact(issue_key) OVER () AS issue_keys
        FROM
        (
            SELECT
                *,
                countIf(merged_at IS NOT NULL) OVER issue AS merged_pull_requests,
                countIf(deployed_at IS NOT NULL) OVER issue AS shipped_pull_requests,
                max(deployed_at) OVER issue AS last_shipment,
                min(first_commit_at) OVER issue AS issue_first_commit_at,
                max(opened_at) OVER issue AS last_opened_at,
                if(merged_pull_requests > 0 AND shipped_pull_requests = merged_pull_requests, last_shipment, NULL) AS issue_shipped_at,
                if(issue_shipped_at IS NULL OR issue_first_commit_at IS NULL OR issue_first_commit_at > issue_shipped_at, NULL,
                    dateDiff('millisecond', assumeNotNull(issue_first_commit_at), assumeNotNull(issue_shipped_at)) / 1000.0) AS issue_lead_seconds
            FROM
            (
                SELECT
                    k.issue_key AS issue_key,
                    p.repository AS repository,
                    p.number AS number,
                    p.title AS title,
                    p.url AS url,
                    p.opened_at AS opened_at,
                    p.first_commit_at AS first_commit_at,
                    p.merged_at AS merged_at,
                    s.first_deployment_id AS deployment_id,
                    if(s.first_deployment_id = '', NULL, s.first_deployed_at) AS deployed_at
                FROM (
                    {{OracleView}}
                ) AS k
                INNER JOIN
                (
                    SELECT repository, number, title, url, opened_at, first_commit_at, merged_at, merge_sha
                    FROM attributed_pull_requests
                    WHERE team = {team:String}
                ) AS p ON p.repository = k.repository AND p.number = k.number
                LEFT JOIN
                (
                    -- A commit a monorepo's services got by their paths ships once per service: the first of them.
                    SELECT repository, sha, argMin(deployment_id, (deployed_at, deployment_id)) AS first_deployment_id, min(deployed_at) AS first_deployed_at
                    FROM pull_request_shipments
                    GROUP BY repository, sha
                ) AS s ON s.repository = p.repository AND s.sha = p.merge_sha
            )
            WINDOW issue AS (PARTITION BY issue_key)
        )
        WHERE if(issue_shipped_at IS NULL,
            last_opened_at >= {from:DateTime64(3, 'UTC')} AND last_opened_at < {to:DateTime64(3, 'UTC')},
            issue_shipped_at >= {from:DateTime64(3, 'UTC')} AND issue_shipped_at < {to:DateTime64(3, 'UTC')})
        ORDER BY issue_shipped_at IS NULL, issue_shipped_at DESC, issue_key, repository, number
        LIMIT {limit:UInt32} OFFSET {offset:UInt32}
        """;
}
