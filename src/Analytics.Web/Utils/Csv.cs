using System.Globalization;
using CsvHelper;

namespace Analytics.Web.Utils;

/// <summary>CSV for spreadsheets: raw values written the same in every culture, empty for no value.</summary>
public static class Csv
{
    public static void Write(TextWriter output, string[] header, IEnumerable<object?[]> rows)
    {
        using var csv = CsvWriter.Create(output, CsvWriterOptions.Default, true);
        csv.WriteHeader(header);
        foreach (var row in rows)
        {
            csv.WriteRecord(row.Select(Value).ToArray());
        }
        csv.Flush();
    }

    public static string Value(object? value) => value switch
    {
        null => "",
        bool flag => flag ? "true" : "false",
        DateTimeOffset instant => instant.ToString("O", CultureInfo.InvariantCulture),
        DateOnly day => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
