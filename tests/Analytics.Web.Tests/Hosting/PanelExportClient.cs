using System.Globalization;

namespace Analytics.Web.Tests.Hosting;

/// <summary>
/// One bucket of a series panel's CSV export: bucket,team,&lt;metric&gt;,partial,lead_time_unit,days_in_period,days; an
/// empty value is a bucket without a sample.
/// </summary>
public sealed record SeriesCsvRow(DateOnly Bucket, string Team, double? Value, bool Partial = false, string LeadTimeUnit = "commit", int DaysInPeriod = 0, int Days = 0)
{
    /// <summary>Whether the chart draws the bucket: not a partial one with under half its days in the period.</summary>
    public bool Drawn => !Partial || Days == 0 || Analytics.Core.Calendar.PartialBuckets.IsDrawn(DaysInPeriod, Days);
}

/// <summary>A series panel's CSV export as read back: its header line and its rows in file order.</summary>
public sealed record SeriesCsv(string Header, IReadOnlyList<SeriesCsvRow> Rows)
{
    /// <summary>The buckets with a value the chart draws: the ones it draws a mark for.</summary>
    public IReadOnlyList<SeriesCsvRow> Measured => [.. Rows.Where(row => row.Value is not null && row.Drawn)];
}

/// <summary>Reads the dashboard panel exports (GET /api/dashboards/{name}/panels/{panel}.{png|svg|csv}?days=&amp;team=).</summary>
public static class PanelExportClient
{
    public static string Address(string dashboard, string panel, string extension, int? days = null, string? team = null, string? leadTimeUnit = null)
    {
        var query = new List<string>();
        if (leadTimeUnit is not null)
        {
            query.Add($"leadTimeUnit={leadTimeUnit}");
        }
        if (days is { } d)
        {
            query.Add($"days={d.ToString(CultureInfo.InvariantCulture)}");
        }
        if (team is not null)
        {
            query.Add($"team={Uri.EscapeDataString(team)}");
        }
        return $"api/dashboards/{dashboard}/panels/{panel}.{extension}" + (query.Count == 0 ? "" : "?" + string.Join('&', query));
    }

    public static async Task<SeriesCsv> GetSeriesCsvAsync(this HttpClient http, string dashboard, string panel, int days, string? team = null) =>
        ParseSeries(await http.GetStringAsync(Address(dashboard, panel, "csv", days, team)));

    public static SeriesCsv ParseSeries(string csv)
    {
        var lines = csv.Split('\n');
        Assert.True(lines.Length >= 2 && lines[^1] == "", $"A CSV export is a header and lines, each ending in a newline:{Environment.NewLine}{csv}");
        var rows = lines[1..^1].Select(line =>
        {
            var fields = line.Split(',');
            Assert.True(fields.Length == 7 && fields[3] is "true" or "false" && fields[4] is "commit" or "pull-request", $"'{line}' is not bucket,team,value,partial,lead_time_unit,days_in_period,days");
            return new SeriesCsvRow(
                DateOnly.ParseExact(fields[0], "yyyy-MM-dd", CultureInfo.InvariantCulture),
                fields[1],
                fields[2] == "" ? null : double.Parse(fields[2], NumberStyles.Float, CultureInfo.InvariantCulture),
                fields[3] == "true",
                fields[4],
                int.Parse(fields[5], CultureInfo.InvariantCulture),
                int.Parse(fields[6], CultureInfo.InvariantCulture));
        }).ToList();
        return new SeriesCsv(lines[0], rows);
    }
}
