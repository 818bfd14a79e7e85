using Analytics.Ingestors.Runs;
using Analytics.Storage.ClickHouse;

namespace Analytics.Ingestors.Sources;

/// <summary>An event table and its columns, in the order of each row's values.</summary>
public sealed record RowTable(string Name, IReadOnlyList<string> Columns);

/// <summary>
/// Writes a run's rows and counts them per table (the run's rows per table). A reader writes each page's rows
/// before it asks for the next page, so memory holds one page at a time. With a <see cref="RunStaging"/> the rows
/// go to the run's staging tables and become visible together when the run ends; without one, straight to the
/// event tables.
/// </summary>
public sealed class RowWriter(IClickHouseStore store, RunStaging? staging = null)
{
    private readonly Dictionary<string, long> _rows = new(StringComparer.Ordinal);

    /// <summary>Rows written per table; a table only appears once rows were written to it (or counted by <see cref="Count"/>).</summary>
    public IReadOnlyDictionary<string, long> RowsPerTable => _rows;

    /// <summary>Writes <paramref name="rows"/> (nothing when there are none) and returns how many were written.</summary>
    public async Task<long> WriteAsync(RowTable table, IEnumerable<object?[]> rows, CancellationToken cancellationToken)
    {
        // Rows whose number is known without reading them (a Select over a list) stream into the insert as they are.
        var known = rows.TryGetNonEnumeratedCount(out _) ? rows : rows.ToList();
        if (!known.Any())
        {
            return 0;
        }
        var written = staging is null
            ? await store.InsertAsync(table.Name, table.Columns, known, cancellationToken)
            : await staging.InsertAsync(table.Name, table.Columns, known, cancellationToken);
        Count(table.Name, written);
        return written;
    }

    /// <summary>Writes a batch's tables in the order it was given them; returns the rows written per table name.</summary>
    public async Task<IReadOnlyDictionary<string, long>> WriteAsync(RowBatch batch, CancellationToken cancellationToken)
    {
        var written = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (table, rows) in batch.Tables)
        {
            written[table.Name] = await WriteAsync(table, rows, cancellationToken);
        }
        return written;
    }

    /// <summary>Counts rows written to <paramref name="table"/> by something else (e.g. the deployment linker).</summary>
    public void Count(string table, long rows) => _rows[table] = _rows.GetValueOrDefault(table) + rows;
}

/// <summary>
/// One page's rows for several tables (a pull request's row, its commits and reviews), collected while the page is
/// read and written together by <see cref="RowWriter.WriteAsync(RowBatch, CancellationToken)"/>, table by table in
/// the order given here.
/// </summary>
public sealed class RowBatch(params RowTable[] tables)
{
    private readonly List<(RowTable Table, List<object?[]> Rows)> _tables = tables.Select(t => (t, new List<object?[]>())).ToList();

    public IReadOnlyList<(RowTable Table, List<object?[]> Rows)> Tables => _tables;

    public void Add(RowTable table, object?[] row) => RowsOf(table).Add(row);

    public void AddRange(RowTable table, IEnumerable<object?[]> rows) => RowsOf(table).AddRange(rows);

    private List<object?[]> RowsOf(RowTable table) =>
        _tables.FirstOrDefault(t => t.Table.Name == table.Name).Rows
        ?? throw new ArgumentException($"The batch has no table {table.Name}.", nameof(table));
}
