using System.Text.Json;
using Analytics.Ingestors.Demo;

namespace Analytics.Storage.Tests.Metrics;

/// <summary>
/// Property: for generated organisations, the deployments drill-down (dora/deployments.sql, which groups the failure
/// evidence of the listed deployments only) lists exactly the rows of the file as it was before (<see cref="OracleSql"/>:
/// every deployment's evidence grouped, then joined) — for the organisation and every team, by team, by one of its
/// services and by one repository, all deployments and failed ones only, periods of the last month, the middle and the whole history (3 months), the first page and all rows.
/// </summary>
public sealed class DeploymentListingOracleTests
{
    private static readonly DateTimeOffset End = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(41)]
    [InlineData(42)]
    [InlineData(43)]
    public async Task The_listing_equals_the_one_grouping_every_deployments_evidence(int seed)
    {
        await using var organisation = await GeneratedOrganisation.LoadAsync("deployments_oracle", DemoScale.Tiny, seed, End);
        var store = organisation.Store;
        var services = await store.QueryAsync<ServiceRow>(
            "SELECT DISTINCT o.team AS team, s.service AS service, s.repository AS repository FROM catalog_services AS s INNER JOIN catalog_service_ownership AS o ON o.service = s.service ORDER BY team, service");
        Assert.True(services.Select(row => row.Team).Distinct().Count() > 1, $"seed {seed}: fewer than two teams own services");
        var scopes = services.GroupBy(row => row.Team)
            .SelectMany(team => new (string Team, string By, string Unit)[] { (team.Key, "team", ""), (team.Key, "service", team.First().Service), (team.Key, "repository", team.Last().Repository) })
            .Append(("", "team", "")).Append(("", "repository", services[0].Repository)).Append(("no-such-team", "team", ""));
        var deployments = new SqlFiles().Query("dora/deployments");
        var failed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (team, by, unit) in scopes)
        {
            foreach (var (from, to) in new[] { (End.AddDays(-30), End), (End.AddDays(-75), End.AddDays(-20)), (End.AddYears(-1), End) })
            {
                foreach (var failedOnly in new[] { false, true })
                {
                    foreach (var limit in new[] { 25u, (uint)DoraDrillDown.MaxLimit })
                    {
                        var parameters = QueryParameters.From(("from", from), ("to", to), ("team", team), ("by", by), ("unit", unit),
                            ("use_author_time", true), ("incident_window_ms", 86_400_000UL), ("severities", Array.Empty<string>()),
                            ("failed_only", failedOnly), ("limit", limit), ("offset", 0u));
                        var expected = await RawAsync(store, OracleSql, parameters);
                        Assert.True(expected.SequenceEqual(await RawAsync(store, deployments, parameters)),
                            $"seed {seed}, team '{team}', by {by} '{unit}', failed only {failedOnly}, limit {limit}, {from:O}..{to:O}: dora/deployments.sql lists other rows than the oracle ({expected.Count} rows)");
                        if (failedOnly)
                        {
                            failed.UnionWith(expected.Select(row => JsonDocument.Parse(row).RootElement.GetProperty("deployment_id").GetString()!));
                        }
                    }
                }
            }
        }
        // Failed deployments carry the evidence the change groups: enough of them, or agreeing on them proves little.
        Assert.True(failed.Count >= 10, $"seed {seed}: {failed.Count} failed deployments listed");
    }

    private static async Task<List<string>> RawAsync(IClickHouseStore store, string sql, QueryParameters parameters) =>
        [.. (await store.QueryAsync<JsonElement>(sql, parameters)).Select(row => row.GetRawText())];

    private sealed record ServiceRow(string Team, string Service, string Repository);

    /// <summary>dora/deployments.sql before it grouped the listed deployments' evidence only.</summary>
    private const string OracleSql = """
        WITH
            (SELECT mapFromArrays(groupArray(service), groupArray(repository)) FROM catalog_services WHERE repository != '' AND {by:String} = 'repository') AS service_repositories
        SELECT
            d.deployment_id AS deployment_id,
            d.service AS service,
            d.team AS team,
            d.environment AS environment,
            d.kind AS kind,
            d.kind_evidence AS kind_evidence,
            d.related_deployment_id AS related_deployment_id,
            d.sha AS sha,
            d.started_at AS started_at,
            d.finished_at AS finished_at,
            d.url AS url,
            toBool(length(f.evidence) > 0) AS caused_failure,
            f.evidence AS failure_evidence,
            count() OVER () AS total_rows
        FROM
        (
            SELECT * FROM production_deployments
            WHERE finished_at >= {from:DateTime64(3, 'UTC')} AND finished_at < {to:DateTime64(3, 'UTC')}
              AND ({team:String} = '' OR team = {team:String})
              AND ({unit:String} = '' OR multiIf({by:String} = 'service', service, {by:String} = 'repository', if(mapContains(service_repositories, service), service_repositories[service], 'unassigned'), team) = {unit:String})
        ) AS d
        LEFT JOIN
        (
            SELECT deployment_id, arraySort(groupUniqArray(concat(reason, ':', evidence_id))) AS evidence
            FROM deployment_failures(incident_window_ms = {incident_window_ms:UInt64})
            GROUP BY deployment_id
        ) AS f ON f.deployment_id = d.deployment_id
        WHERE NOT {failed_only:Bool} OR length(f.evidence) > 0
        ORDER BY d.finished_at DESC, d.deployment_id
        LIMIT {limit:UInt32} OFFSET {offset:UInt32}
        """;
}
