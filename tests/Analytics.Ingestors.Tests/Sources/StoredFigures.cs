using Analytics.Ingestors.Tests.Runs;
using Analytics.Core.Dora;
using Analytics.Storage;
using Analytics.Storage.Metrics;
using Microsoft.Extensions.Options;

namespace Analytics.Ingestors.Tests.Sources;

/// <summary>What a pulled source and the CSV import are compared by: stored rows as text, and the figures the real queries give.</summary>
public static class StoredFigures
{
    public static DoraQueries Dora(IngestTestHost host) => new(host.EngineStore, new SqlFiles(), Options.Create(new MetricOptions()));

    public static AdoptionQueries Adoption(IngestTestHost host) => new(host.EngineStore, new SqlFiles(), Options.Create(new MetricOptions()));

    /// <summary>An event table's rows (FINAL, without ingested_at), one line each, sorted.</summary>
    public static Task<IReadOnlyList<string>> RowsAsync(IngestTestHost host, string table, string where = "1") =>
        LinesAsync(host, $"SELECT toString(tuple(* EXCEPT (ingested_at))) AS text FROM {table} FINAL WHERE {where} ORDER BY text");

    /// <summary>A derived table's rows, one line each, sorted.</summary>
    public static Task<IReadOnlyList<string>> DerivedRowsAsync(IngestTestHost host, string table) =>
        LinesAsync(host, $"SELECT toString(tuple(*)) AS text FROM {table} ORDER BY text");

    private static async Task<IReadOnlyList<string>> LinesAsync(IngestTestHost host, string sql) =>
        (await host.EngineStore.QueryAsync<Line>(sql)).Select(l => l.Text).ToList();

    private sealed record Line(string Text);
}
