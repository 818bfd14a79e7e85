namespace Analytics.Ingestors.Tests.GitHub;

/// <summary>Everything the GitHub source writes, as comparable text: one line per row, FINAL, without ingested_at.</summary>
public static class Snapshot
{
    public static readonly string[] Tables =
        ["commits", "pull_requests", "pull_request_commits", "pull_request_reviews", "deployments", "deployment_commits", "incidents"];

    public static async Task<IReadOnlyList<string>> OfAsync(IClickHouseStore store)
    {
        var lines = new List<string>();
        foreach (var table in Tables)
        {
            var rows = await store.QueryAsync<Line>($"SELECT toString(tuple(* EXCEPT (ingested_at))) AS text FROM {table} FINAL ORDER BY text");
            lines.AddRange(rows.Select(row => $"{table} {row.Text}"));
        }
        return lines;
    }

    /// <summary>Rows per table after FINAL.</summary>
    public static async Task<IReadOnlyDictionary<string, long>> CountsAsync(IClickHouseStore store)
    {
        var counts = new Dictionary<string, long>();
        foreach (var table in Tables)
        {
            counts[table] = (await store.QueryAsync<Count>($"SELECT count() AS n FROM {table} FINAL"))[0].N;
        }
        return counts;
    }

    private sealed record Line(string Text);

    private sealed record Count(long N);
}
