using System.Text.Json;
using Analytics.Ingestors.Demo;
using Analytics.Testing;

namespace Analytics.Storage.Tests.Metrics;

/// <summary>
/// The Grafana dashboard shipped for teams who live in Grafana (dashboards/grafana): every panel's SQL runs on the
/// engine against the real schema and a generated organisation, with Grafana's macros as the ClickHouse data
/// source expands them (<c>$__fromTime</c> → <c>toDateTime(epoch)</c>), for each breakdown (variable <c>by</c>: team, service,
/// repository) with every unit and with one (variable <c>unit</c>, whose own query lists the units).
/// </summary>
public sealed class GrafanaDashboardTests
{
    private static readonly DateTimeOffset End = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Every_panel_query_runs_and_returns_rows_for_every_breakdown_for_all_units_and_for_one()
    {
        var path = Path.Combine(RepositoryPaths.Root, "dashboards", "grafana", "engineering-metrics-dora.json");
        using var dashboard = JsonDocument.Parse(File.ReadAllText(path));
        var queries = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .Select(panel => (Title: panel.GetProperty("title").GetString()!, Sql: panel.GetProperty("targets")[0].GetProperty("rawSql").GetString()!))
            .ToList();
        var unitQuery = dashboard.RootElement.GetProperty("templating").GetProperty("list").EnumerateArray()
            .Single(variable => variable.GetProperty("name").GetString() == "unit").GetProperty("query").GetString()!;
        await using var organisation = await GeneratedOrganisation.LoadAsync("grafana", DemoScale.Tiny, 7, End);
        var store = organisation.Store;

        Assert.Equal(5, queries.Count);
        foreach (var by in DoraBreakdowns.Names)
        {
            string Expand(string sql, string unit) => sql
                .Replace("$__fromTime", $"toDateTime({End.AddDays(-90).ToUnixTimeSeconds()})", StringComparison.Ordinal)
                .Replace("$__toTime", $"toDateTime({End.ToUnixTimeSeconds()})", StringComparison.Ordinal)
                .Replace("${by:singlequote}", $"'{by}'", StringComparison.Ordinal)
                .Replace("${unit:singlequote}", $"'{unit}'", StringComparison.Ordinal);
            // The unit variable lists the breakdown's units as the app names them; the one tried is the busiest, so every panel has rows.
            var units = (await store.QueryAsync<UnitRow>(Expand(unitQuery, "All"))).Select(row => row.Unit).ToList();
            var rows = (await store.QueryAsync<UnitCount>(Expand(queries.Single(q => q.Title == "Deployments by ${by}").Sql, "All"))).ToList();
            Assert.True(rows.Count > 1, $"by {by}: {rows.Count} rows in the table");
            Assert.All(rows, row => Assert.Contains(row.Unit, units));
            var busiest = rows[0].Unit;
            foreach (var (title, sql) in queries)
            {
                foreach (var choice in new[] { "All", busiest })
                {
                    var expanded = Expand(sql, choice);
                    Assert.DoesNotContain("$", expanded, StringComparison.Ordinal);

                    var result = await store.QueryAsync<Dictionary<string, JsonElement>>(expanded);

                    Assert.True(result.Count > 0, $"panel '{title}' by {by} with unit {choice} returned no rows");
                }
            }
            var table = await store.QueryAsync<UnitCount>(Expand(queries.Single(q => q.Title == "Deployments by ${by}").Sql, busiest));
            Assert.Equal((busiest, rows[0].Deployments), (table.Single().Unit, table.Single().Deployments));
        }
    }

    private sealed record UnitRow(string Unit);

    private sealed record UnitCount(string Unit, long Deployments, long Rework);
}
