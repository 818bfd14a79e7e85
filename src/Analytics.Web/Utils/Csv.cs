using System.Globalization;
using CsvHelper;

namespace Analytics.Web.Utils;

/// <summary>
/// CSV for spreadsheets: raw values written the same in every culture, empty for no value, and no cell a spreadsheet
/// would run as a formula (<see cref="Cell"/>).
/// </summary>
public static class Csv
{
    public static void Write(TextWriter output, string[] header, IEnumerable<object?[]> rows)
    {
        using var csv = CsvWriter.Create(output, CsvWriterOptions.Default, true);
        csv.WriteHeader(header.Select(Neutralise).ToArray());
        foreach (var row in rows)
        {
            csv.WriteRecord(row.Select(Cell).ToArray());
        }
        csv.Flush();
    }

    /// <summary>A value as written into a cell: <see cref="Value"/>, neutralised.</summary>
    public static string Cell(object? value) => Neutralise(Value(value));

    public static string Value(object? value) => value switch
    {
        null => "",
        bool flag => flag ? "true" : "false",
        DateTimeOffset instant => instant.ToString("O", CultureInfo.InvariantCulture),
        DateOnly day => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>
    /// Text a spreadsheet would take for a formula (it starts with =, +, -, @, a tab or a carriage return: a team named
    /// <c>=HYPERLINK(…)</c>) gets a leading apostrophe, so it is shown as text (OWASP's CSV injection advice). A number
    /// such as -3.5 stays a number.
    /// </summary>
    public static string Neutralise(string text) =>
        text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r'
        && !double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
            ? "'" + text
            : text;
}
