using System.Globalization;
using System.Text;
using System.Xml.Linq;
using Analytics.Core.Dora;
using Analytics.Web.Dashboards;
using Analytics.Web.Utils;
using ScottPlot;

namespace Analytics.Web.Queries;

/// <summary>A panel as a file: series charts as PNG or SVG (ScottPlot), tables as CSV.</summary>
public static class PanelExports
{
    private const int Width = 960;
    private const int Height = 400;

    // On Linux ScottPlot's default "sans" resolves to a serif face; DejaVu Sans (fonts-dejavu-core) is set by name.
    private const string FontName = "DejaVu Sans";

    public static (byte[] Content, string ContentType)? Export(DashboardData data, PanelDefinition panel, string extension) => (panel.Kind, extension) switch
    {
        (PanelKinds.DoraSeries, "png") => Png(Chart(data, panel)),
        (PanelKinds.DoraSeries, "svg") => Svg(Chart(data, panel)),
        (PanelKinds.DoraSeries, "csv") => (Encoding.UTF8.GetBytes(SeriesCsv(data, panel)), "text/csv"),
        (PanelKinds.TeamsTable or PanelKinds.TierDistribution, "csv") when data.Dora is { } dora => (Encoding.UTF8.GetBytes(SummariesCsv(dora.Teams)), "text/csv"),
        (PanelKinds.DoraKeys, "csv") when data.Summary is { } summary => (Encoding.UTF8.GetBytes(SummariesCsv([summary])), "text/csv"),
        _ => null,
    };

    /// <summary>The file types a panel of this kind exports as (those <see cref="Export"/> answers for).</summary>
    public static IReadOnlyList<string> Extensions(PanelDefinition panel) => panel.Kind switch
    {
        PanelKinds.DoraSeries => ["png", "svg", "csv"],
        PanelKinds.TeamsTable or PanelKinds.TierDistribution or PanelKinds.DoraKeys => ["csv"],
        _ => [],
    };

    /// <summary>A chart as a PNG file's bytes.</summary>
    internal static (byte[] Content, string ContentType) Png(Plot plot, int width = Width, int height = Height) =>
        (plot.GetImageBytes(width, height, ImageFormat.Png), "image/png");

    /// <summary>A chart as an SVG file's bytes, with SkiaSharp's list attributes made valid (<see cref="TidySvg"/>).</summary>
    internal static (byte[] Content, string ContentType) Svg(Plot plot, int width = Width, int height = Height) =>
        (Encoding.UTF8.GetBytes(TidySvg(plot.GetSvgXml(width, height))), "image/svg+xml");

    /// <summary>
    /// SkiaSharp's SVG canvas writes each text's glyph positions as "x1, x2, … xn, ": the trailing separator makes the
    /// x and y lists invalid SVG (browsers log an attribute error, strict readers refuse them). Lists end at their last number.
    /// </summary>
    internal static string TidySvg(string svg)
    {
        var document = XDocument.Parse(svg, LoadOptions.PreserveWhitespace);
        foreach (var attribute in document.Descendants().SelectMany(element => element.Attributes()).Where(a => a.Value.TrimEnd().EndsWith(',')))
        {
            attribute.Value = attribute.Value.TrimEnd().TrimEnd(',').TrimEnd();
        }
        return document.Declaration is null ? document.ToString(SaveOptions.DisableFormatting) : document.Declaration + document.ToString(SaveOptions.DisableFormatting);
    }

    internal static Plot Chart(DashboardData data, PanelDefinition panel)
    {
        var points = data.SeriesFor(panel.Granularity);
        var value = PanelKinds.SeriesMetrics[panel.Metric!];
        var plot = new Plot();
        plot.Font.Set(FontName);
        plot.Title($"{panel.Title} — {data.Request.Team ?? "organisation"}");
        var positions = Enumerable.Range(0, points.Count).Select(i => (double)i).ToArray();
        var values = points.Select(value).ToArray();
        if (panel.Chart == "column")
        {
            plot.Add.Bars(positions, values.Select(v => v ?? 0).ToArray());
        }
        else
        {
            // Buckets with no sample are gaps, not zeros.
            var measured = positions.Zip(values).Where(pair => pair.Second is not null).ToArray();
            plot.Add.Scatter(measured.Select(pair => pair.First).ToArray(), measured.Select(pair => pair.Second!.Value).ToArray());
        }
        // At most about ten labels, short enough not to overlap at this width.
        var step = Math.Max(1, (int)Math.Ceiling(points.Count / 10.0));
        var format = panel.Granularity == Granularity.Month ? "yyyy-MM" : "yyyy-MM-dd";
        var ticks = positions.Where((_, i) => i % step == 0).ToArray();
        plot.Axes.Bottom.SetTicks(ticks, ticks.Select(i => points[(int)i].Bucket.ToString(format, CultureInfo.InvariantCulture)).ToArray());
        plot.Axes.Margins(bottom: 0);
        return plot;
    }

    private static string SeriesCsv(DashboardData data, PanelDefinition panel)
    {
        var value = PanelKinds.SeriesMetrics[panel.Metric!];
        var csv = new StringBuilder($"bucket,team,{panel.Metric}\n");
        foreach (var point in data.SeriesFor(panel.Granularity))
        {
            csv.Append(CultureInfo.InvariantCulture, $"{point.Bucket:yyyy-MM-dd},{(point.Team == "" ? "organisation" : point.Team)},{value(point)?.ToString(CultureInfo.InvariantCulture) ?? ""}\n");
        }
        return csv.ToString();
    }

    private static string SummariesCsv(IReadOnlyList<DoraSummary> summaries)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        DoraCsv.Write(summaries, writer);
        return writer.ToString();
    }
}
