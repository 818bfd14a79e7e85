using System.Text;

namespace Analytics.Storage.ClickHouse;

/// <summary>
/// Encodes rows as TabSeparated text in chunks of about <see cref="ChunkBytes"/> bytes: the bulk-insert
/// wire format of both transports, so an insert means the same thing whichever engine receives it.
/// </summary>
public static class TsvRowWriter
{
    public const int ChunkBytes = 4 * 1024 * 1024;

    /// <summary>Yields UTF-8 chunks, each ending on a row boundary. Reports the running row count through <paramref name="rowsWritten"/>.</summary>
    public static IEnumerable<byte[]> Chunks(IEnumerable<object?[]> rows, int columnCount, StrongBox<long> rowsWritten, CancellationToken cancellationToken)
    {
        var text = new StringBuilder(ChunkBytes + 4096);
        foreach (var row in rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (row.Length != columnCount)
            {
                throw new ArgumentException($"Row {rowsWritten.Value + 1} has {row.Length} values; {columnCount} columns were named.");
            }
            for (var i = 0; i < row.Length; i++)
            {
                if (i > 0)
                {
                    text.Append('\t');
                }
                ClickHouseText.AppendTsvValue(text, row[i]);
            }
            text.Append('\n');
            rowsWritten.Value++;
            if (text.Length >= ChunkBytes)
            {
                yield return Encoding.UTF8.GetBytes(text.ToString());
                text.Clear();
            }
        }
        if (text.Length > 0)
        {
            yield return Encoding.UTF8.GetBytes(text.ToString());
        }
    }

    public static string InsertStatement(string table, IReadOnlyList<string> columns) =>
        $"INSERT INTO {ClickHouseText.QuoteIdentifier(table)} ({string.Join(", ", columns.Select(ClickHouseText.QuoteIdentifier))})";
}

/// <summary>A mutable box so an iterator can report a count to its caller.</summary>
public sealed class StrongBox<T>(T value)
{
    public T Value { get; set; } = value;
}
