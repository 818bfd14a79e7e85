using System.Buffers;
using System.Collections;
using System.Globalization;
using System.Text;

namespace Analytics.Storage.ClickHouse;

/// <summary>
/// Encodes rows as TabSeparated UTF-8 in chunks of about <see cref="ChunkBytes"/> bytes: the bulk-insert wire
/// format of both transports, so an insert means the same thing whichever engine receives it. Values are written
/// straight into the chunk buffer (no intermediate strings), since encoding is most of a bulk load's cost.
/// </summary>
public static class TsvRowWriter
{
    public const int ChunkBytes = 4 * 1024 * 1024;
    private static readonly SearchValues<char> NeedsEscaping = SearchValues.Create("\\\t\n\r\0");

    /// <summary>Yields chunks, each ending on a row boundary. Reports the running row count through <paramref name="rowsWritten"/>.</summary>
    public static IEnumerable<ReadOnlyMemory<byte>> Chunks(IEnumerable<object?[]> rows, int columnCount, StrongBox<long> rowsWritten, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(ChunkBytes + 64 * 1024);
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
                    WriteByte(buffer, (byte)'\t');
                }
                WriteValue(buffer, row[i]);
            }
            WriteByte(buffer, (byte)'\n');
            rowsWritten.Value++;
            if (buffer.WrittenCount >= ChunkBytes)
            {
                yield return buffer.WrittenMemory;
                buffer.ResetWrittenCount();
            }
        }
        if (buffer.WrittenCount > 0)
        {
            yield return buffer.WrittenMemory;
        }
    }

    /// <summary>
    /// Lifts ClickHouse's limit of 100 partitions per INSERT block for every bulk insert (value 0 = no limit). The
    /// limit guards against partition keys too fine for the data; ours are yearly or none (migration 0010), so an
    /// insert crossing many partitions is a long history (git since 1990, a backfill of an old organisation), not
    /// a schema mistake, and refusing it would store nothing. Each partition an insert touches costs one part.
    /// </summary>
    public static readonly KeyValuePair<string, object> PartitionLimit = new("max_partitions_per_insert_block", 0);

    public static string InsertStatement(string table, IReadOnlyList<string> columns) =>
        $"INSERT INTO {ClickHouseText.QuoteIdentifier(table)} ({string.Join(", ", columns.Select(ClickHouseText.QuoteIdentifier))}) " +
        $"SETTINGS {PartitionLimit.Key} = {PartitionLimit.Value}";

    private static void WriteValue(ArrayBufferWriter<byte> buffer, object? value)
    {
        switch (value)
        {
            case null:
                WriteAscii(buffer, @"\N");
                break;
            case string text:
                WriteEscaped(buffer, text);
                break;
            case DateTime dateTime:
                WriteFormatted(buffer, dateTime.Kind == DateTimeKind.Local ? dateTime.ToUniversalTime() : dateTime, "yyyy-MM-dd HH:mm:ss.fff");
                break;
            case DateTimeOffset instant:
                WriteFormatted(buffer, instant.UtcDateTime, "yyyy-MM-dd HH:mm:ss.fff");
                break;
            case bool flag:
                WriteAscii(buffer, flag ? "true" : "false");
                break;
            case IUtf8SpanFormattable formattable and not Enum:
                WriteFormatted(buffer, formattable, null);
                break;
            case IEnumerable sequence:
                // An array is written as its literal, itself escaped as a TSV field.
                var literal = new StringBuilder();
                ClickHouseText.AppendTsvValue(literal, sequence);
                WriteUtf8(buffer, literal.ToString());
                break;
            default:
                WriteEscaped(buffer, ClickHouseText.FormatScalar(value));
                break;
        }
    }

    private static void WriteEscaped(ArrayBufferWriter<byte> buffer, string text)
    {
        if (text.AsSpan().IndexOfAny(NeedsEscaping) < 0)
        {
            WriteUtf8(buffer, text);
            return;
        }
        var escaped = new StringBuilder(text.Length + 8);
        ClickHouseText.AppendTsvValue(escaped, text);
        WriteUtf8(buffer, escaped.ToString());
    }

    private static void WriteUtf8(ArrayBufferWriter<byte> buffer, string text)
    {
        var span = buffer.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        buffer.Advance(Encoding.UTF8.GetBytes(text, span));
    }

    private static void WriteAscii(ArrayBufferWriter<byte> buffer, string text) => WriteUtf8(buffer, text);

    private static void WriteFormatted<T>(ArrayBufferWriter<byte> buffer, T value, string? format) where T : IUtf8SpanFormattable
    {
        var span = buffer.GetSpan(64);
        if (!value.TryFormat(span, out var written, format, CultureInfo.InvariantCulture))
        {
            span = buffer.GetSpan(1024);
            value.TryFormat(span, out written, format, CultureInfo.InvariantCulture);
        }
        buffer.Advance(written);
    }

    private static void WriteByte(ArrayBufferWriter<byte> buffer, byte value)
    {
        buffer.GetSpan(1)[0] = value;
        buffer.Advance(1);
    }
}

/// <summary>A mutable box so an iterator can report a count to its caller.</summary>
public sealed class StrongBox<T>(T value)
{
    public T Value { get; set; } = value;
}
