using System.Diagnostics;
using Analytics.Ingestors.Demo;
using Analytics.Storage.ClickHouse;
using Analytics.Storage.ClickHouse.Embedded;

namespace Analytics.Bench;

/// <summary>
/// Loading speed of the embedded engine: the generated organisation's event tables streamed through
/// <see cref="IClickHouseStore.InsertAsync"/> (encoding + insert; generation is timed apart), against the
/// engine's own floor for the same table and row count: <c>INSERT INTO t SELECT … FROM numbers(N)</c>,
/// where no row crosses from .NET at all.
/// </summary>
public sealed class LoadBenchmark(DemoScale scale, int seed, DateTimeOffset end, string dataPath)
{
    public async Task<LoadBenchmarkReport> RunAsync(IProgress<string> progress, CancellationToken cancellationToken)
    {
        await using var store = await ChDbStore.OpenAsync(dataPath, $"bench_{Guid.NewGuid():N}", cancellationToken);
        await new MigrationRunner(store, new SqlFiles()).MigrateAsync(cancellationToken);
        var generator = new DemoOrganisationGenerator(scale, seed, end);

        var results = new List<TableLoadResult>();
        foreach (var table in generator.Tables)
        {
            // Rows are generated first and timed apart, so "load" is the store's own path: encode, stream, insert.
            progress.Report($"{table.Name}: generating…");
            var generation = Stopwatch.StartNew();
            var rows = table.Rows.ToList();
            generation.Stop();
            var rowCount = rows.Count;

            progress.Report($"{table.Name}: loading {rowCount:N0} rows…");
            var load = Stopwatch.StartNew();
            await store.InsertAsync(table.Name, table.Columns, rows, cancellationToken);
            load.Stop();
            rows = null;

            progress.Report($"{table.Name}: engine floor for {rowCount:N0} rows…");
            var floorTable = table.Name + "_floor";
            await store.ExecuteAsync($"CREATE TABLE {floorTable} AS {table.Name}", cancellationToken: cancellationToken);
            var columns = await store.QueryAsync<ColumnRow>(
                "SELECT name, type FROM system.columns WHERE database = currentDatabase() AND table = {table:String} ORDER BY position",
                QueryParameters.From(("table", table.Name)), cancellationToken);
            var averageLengths = await AverageStringLengthsAsync(store, table.Name, columns, cancellationToken);
            var floor = Stopwatch.StartNew();
            await store.ExecuteAsync(
                $"INSERT INTO {floorTable} ({string.Join(", ", columns.Select(c => c.Name))}) SELECT {string.Join(", ", columns.Select(c => SyntheticValue(c, averageLengths.GetValueOrDefault(c.Name))))} FROM numbers({rowCount})",
                cancellationToken: cancellationToken);
            floor.Stop();

            results.Add(new TableLoadResult(table.Name, rowCount, generation.Elapsed, load.Elapsed, floor.Elapsed));
        }
        using var process = Process.GetCurrentProcess();
        return new LoadBenchmarkReport(scale, seed, results, process.PeakWorkingSet64, ChDbLibrary.EngineVersion);
    }

    /// <summary>The loaded data's mean length of each String column, so the floor inserts rows of the same shape and size.</summary>
    private static async Task<Dictionary<string, int>> AverageStringLengthsAsync(IClickHouseStore store, string table, IReadOnlyList<ColumnRow> columns, CancellationToken cancellationToken)
    {
        var stringColumns = columns.Where(c => c.Type.Contains("String", StringComparison.Ordinal) && !c.Type.StartsWith("Array", StringComparison.Ordinal)).ToList();
        if (stringColumns.Count == 0)
        {
            return [];
        }
        var lengths = await store.QueryAsync<Dictionary<string, double?>>(
            $"SELECT {string.Join(", ", stringColumns.Select(c => $"avg(length(assumeNotNull({c.Name}))) AS {c.Name}"))} FROM {table}", cancellationToken: cancellationToken);
        return lengths[0].ToDictionary(pair => pair.Key, pair => (int)Math.Round(pair.Value ?? 0));
    }

    /// <summary>A value of the column's type computed from <c>number</c>, distinct per row like real keys, strings as long as the real ones on average.</summary>
    private static string SyntheticValue(ColumnRow column, int averageLength)
    {
        var type = column.Type;
        var scalar = type.StartsWith("Nullable(", StringComparison.Ordinal) ? type[9..^1] : type;
        scalar = scalar.StartsWith("LowCardinality(", StringComparison.Ordinal) ? scalar[15..^1] : scalar;
        var expression = scalar switch
        {
            "String" => $"leftPad(toString(number), {Math.Max(averageLength, 1)}, 'x')",
            "Array(String)" => "[concat('p', toString(number))]",
            "Bool" => "number % 2 = 0",
            _ when scalar.StartsWith("DateTime64", StringComparison.Ordinal) => "toDateTime64('2025-01-01 00:00:00', 3, 'UTC') + toIntervalSecond(number)",
            _ => "number % 100",
        };
        return $"CAST({expression} AS {type})";
    }

    private sealed record ColumnRow(string Name, string Type);
}

public sealed record TableLoadResult(string Table, long Rows, TimeSpan Generation, TimeSpan Load, TimeSpan Floor)
{
    public double LoadRowsPerSecond => Rows / Math.Max(Load.TotalSeconds, 1e-9);

    public double FloorRowsPerSecond => Rows / Math.Max(Floor.TotalSeconds, 1e-9);
}

public sealed record LoadBenchmarkReport(DemoScale Scale, int Seed, IReadOnlyList<TableLoadResult> Tables, long PeakWorkingSetBytes, string EngineVersion)
{
    public long Rows => Tables.Sum(t => t.Rows);

    public double LoadRowsPerSecond => Rows / Tables.Sum(t => t.Load.TotalSeconds);

    public double FloorRowsPerSecond => Rows / Tables.Sum(t => t.Floor.TotalSeconds);

    /// <summary>The target is at least one third of the engine's floor.</summary>
    public double ShareOfFloor => LoadRowsPerSecond / FloorRowsPerSecond;
}
