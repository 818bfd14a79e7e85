using System.Text.Json;
using Analytics.Ingestors.Demo;
using Analytics.Testing;

namespace Analytics.Storage.Tests.Metrics;

/// <summary>
/// The Grafana dashboard shipped for teams who live in Grafana (dashboards/grafana): every panel's SQL runs on the
/// engine against the real schema and a generated organisation, with Grafana's macros as the ClickHouse data
/// source expands them (<c>$__fromTime</c> → <c>toDateTime(epoch)</c>).
/// </summary>
public sealed class GrafanaDashboardTests
{
    private static readonly DateTimeOffset End = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Every_panel_query_runs_and_returns_rows_for_all_teams_and_for_one()
    {
        var path = Path.Combine(RepositoryPaths.Root, "dashboards", "grafana", "engineering-metrics-dora.json");
        using var dashboard = JsonDocument.Parse(File.ReadAllText(path));
        var queries = dashboard.RootElement.GetProperty("panels").EnumerateArray()
            .Select(panel => (Title: panel.GetProperty("title").GetString()!, Sql: panel.GetProperty("targets")[0].GetProperty("rawSql").GetString()!))
            .ToList();
        await using var organisation = await GeneratedOrganisation.LoadAsync("grafana", DemoScale.Tiny, 7, End);
        var store = organisation.Store;
        var team = (await organisation.Catalog.Lookups.TeamSlugsAsync())[0];

        Assert.Equal(5, queries.Count);
        foreach (var (title, sql) in queries)
        {
            foreach (var choice in new[] { "All", team })
            {
                var expanded = sql
                    .Replace("$__fromTime", $"toDateTime({End.AddDays(-90).ToUnixTimeSeconds()})", StringComparison.Ordinal)
                    .Replace("$__toTime", $"toDateTime({End.ToUnixTimeSeconds()})", StringComparison.Ordinal)
                    .Replace("${team:singlequote}", $"'{choice}'", StringComparison.Ordinal);
                Assert.DoesNotContain("$", expanded, StringComparison.Ordinal);

                var rows = await store.QueryAsync<Dictionary<string, JsonElement>>(expanded);

                Assert.True(rows.Count > 0, $"panel '{title}' with team {choice} returned no rows");
            }
        }
    }
}
