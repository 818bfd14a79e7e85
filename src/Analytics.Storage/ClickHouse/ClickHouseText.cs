using System.Collections;
using System.Globalization;
using System.Text;

namespace Analytics.Storage.ClickHouse;

/// <summary>
/// ClickHouse's text representation of values: the TabSeparated row format used for bulk inserts on both
/// transports, and the escaped form the engine expects for bound parameter values.
/// </summary>
public static class ClickHouseText
{
    private const string DateTimeFormat = "yyyy-MM-dd HH:mm:ss.fff";

    /// <summary>Appends one value in TabSeparated form (escaped; <c>\N</c> for null).</summary>
    public static void AppendTsvValue(StringBuilder builder, object? value)
    {
        switch (value)
        {
            case null:
                builder.Append(@"\N");
                break;
            case string text:
                AppendEscaped(builder, text);
                break;
            case IEnumerable sequence and not string:
                AppendArray(builder, sequence);
                break;
            default:
                builder.Append(FormatScalar(value));
                break;
        }
    }

    /// <summary>The text of a bound parameter value. Strings are escaped because the engine reads parameters as escaped text.</summary>
    public static string FormatParameter(object? value) => value switch
    {
        null => @"\N",
        string text => Escape(text),
        IEnumerable sequence and not string => FormatArrayLiteral(sequence),
        _ => FormatScalar(value),
    };

    public static string FormatScalar(object value) => value switch
    {
        DateTimeOffset instant => instant.UtcDateTime.ToString(DateTimeFormat, CultureInfo.InvariantCulture),
        DateTime dateTime => ToUtc(dateTime).ToString(DateTimeFormat, CultureInfo.InvariantCulture),
        DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        bool flag => flag ? "true" : "false",
        Enum enumValue => enumValue.ToString(),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private static DateTime ToUtc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Local => value.ToUniversalTime(),
        _ => DateTime.SpecifyKind(value, DateTimeKind.Utc),
    };

    private static string Escape(string text)
    {
        var builder = new StringBuilder(text.Length + 8);
        AppendEscaped(builder, text);
        return builder.ToString();
    }

    private static void AppendEscaped(StringBuilder builder, string text)
    {
        foreach (var ch in text)
        {
            switch (ch)
            {
                case '\\': builder.Append(@"\\"); break;
                case '\t': builder.Append(@"\t"); break;
                case '\n': builder.Append(@"\n"); break;
                case '\r': builder.Append(@"\r"); break;
                case '\0': builder.Append(@"\0"); break;
                default: builder.Append(ch); break;
            }
        }
    }

    private static void AppendArray(StringBuilder builder, IEnumerable sequence)
    {
        // Inside a TSV field the array literal is itself escaped text.
        AppendEscaped(builder, FormatArrayLiteral(sequence));
    }

    private static string FormatArrayLiteral(IEnumerable sequence)
    {
        var builder = new StringBuilder("[");
        var first = true;
        foreach (var item in sequence)
        {
            if (!first)
            {
                builder.Append(',');
            }
            first = false;
            builder.Append(item switch
            {
                null => "NULL",
                string text => QuoteLiteral(text),
                DateTime or DateTimeOffset or DateOnly => QuoteLiteral(FormatScalar(item)),
                _ => FormatScalar(item),
            });
        }
        return builder.Append(']').ToString();
    }

    /// <summary>A single-quoted SQL string literal, for array elements and identifiers that cannot be bound.</summary>
    public static string QuoteLiteral(string text) =>
        "'" + text.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("'", @"\'", StringComparison.Ordinal) + "'";

    /// <summary>Quotes an identifier (database, table, column) with backticks.</summary>
    public static string QuoteIdentifier(string name) =>
        "`" + name.Replace(@"\", @"\\", StringComparison.Ordinal).Replace("`", @"\`", StringComparison.Ordinal) + "`";
}
