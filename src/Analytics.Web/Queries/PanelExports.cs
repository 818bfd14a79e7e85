using Analytics.Core.Calendar;
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
        var all = data.SeriesFor(panel.Granularity);
        // As on the page: a partial bucket with under half its days in the period is not drawn; the legend names it.
        var points = all.Where(point => point.Drawn).ToList();
        var value = PanelKinds.SeriesMetrics[panel.Metric!];
        var plot = new Plot();
        plot.Font.Set(FontName);
        // A lead-time chart says what one sample is, as the page's card does: the unit changes the figure.
        plot.Title(panel.Metric is { } metric && PanelKinds.LeadTimeMetrics.Contains(metric)
            ? $"{panel.Title} ({Figures.LeadTimeUnitText(data.LeadTimeUnit)}) — {data.Request.Team ?? "organisation"}"
            : $"{panel.Title} — {data.Request.Team ?? "organisation"}");
        var positions = Enumerable.Range(0, points.Count).Select(i => (double)i).ToArray();
        var values = points.Select(value).ToArray();
        var whole = Colors.C0;
        var partial = whole.WithAlpha(0.35);
        if (panel.Chart == "column")
        {
            // Partial buckets' bars lighter and hatched.
            plot.Add.Bars(points.Select((point, i) => new Bar
            {
                Position = i,
                Value = values[i] ?? 0,
                FillColor = point.Partial ? partial : whole,
                FillHatch = point.Partial ? new ScottPlot.Hatches.Striped() : null,
                FillHatchColor = whole,
            }).ToList());
        }
        else
        {
            // Buckets with no sample are gaps, not zeros. Whole buckets solid; the line turns dashed into a partial one.
            var measured = positions.Zip(values, points).Where(triple => triple.Second is not null).ToArray();
            var dashed = plot.Add.Scatter(measured.Select(t => t.First).ToArray(), measured.Select(t => t.Second!.Value).ToArray(), whole);
            dashed.LinePattern = LinePattern.Dashed;
            dashed.LineWidth = 1.5f;
            dashed.MarkerSize = 0;
            dashed.IsVisible = measured.Any(t => t.Third.Partial);
            var solid = measured.Where(t => !t.Third.Partial).ToArray();
            plot.Add.Scatter(solid.Select(t => t.First).ToArray(), solid.Select(t => t.Second!.Value).ToArray(), whole);
            // One marker per measured bucket: a partial one hollow and larger, on no line of its own.
            var open = measured.Where(t => t.Third.Partial).ToArray();
            var hollow = plot.Add.Scatter(open.Select(t => t.First).ToArray(), open.Select(t => t.Second!.Value).ToArray(), whole);
            hollow.LineWidth = 0;
            hollow.MarkerShape = MarkerShape.OpenCircle;
            hollow.MarkerSize = 9;
        }
        // Placed over every bucket, then moved to the next drawn one (the last when none follows), as the page does.
        var marks = points.Count == 0 ? []
            : AnnotationMarks.Place([.. all.Select(point => point.Bucket)], PartialBuckets.End(all[^1].Bucket, panel.Granularity), data.Annotations)
                .Select(mark => (mark.Annotation, Bucket: DrawnIndex(points, all[mark.Bucket].Bucket)))
                .ToList();
        foreach (var (annotation, bucket) in marks)
        {
            // A dotted vertical line at the annotation's bucket, dated at the top; its text in the legend below the plot.
            var line = plot.Add.VerticalLine(bucket, 1.5f, MarkColour, LinePattern.Dotted);
            line.LabelText = annotation.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            line.LabelOppositeAxis = true;
            line.LabelFontColor = MarkColour;
            line.LabelBackgroundColor = Colors.White;
            // Manual, as the partial-bucket entry is: a legend with manual items shows only those.
            plot.Legend.ManualItems.Add(new LegendItem
            {
                LabelText = AnnotationMarks.Label(annotation), LineColor = MarkColour, LinePattern = LinePattern.Dotted, LineWidth = 1.5f, MarkerShape = MarkerShape.None,
            });
        }
        if (points.Any(point => point.Partial))
        {
            plot.Legend.ManualItems.Add(panel.Chart == "column"
                ? new LegendItem { LabelText = PartialLegend, FillColor = partial, FillHatch = new ScottPlot.Hatches.Striped(), FillHatchColor = whole }
                : new LegendItem { LabelText = PartialLegend, LinePattern = LinePattern.Dashed, LineColor = whole, LineWidth = 1.5f, MarkerShape = MarkerShape.None });
        }
        foreach (var left in all.Where(point => !point.Drawn))
        {
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = NotDrawnLegend(left, panel.Granularity), MarkerShape = MarkerShape.None, LineWidth = 0 });
        }
        if (plot.Legend.ManualItems.Count > 0)
        {
            // Once, below the plot, where it covers no data (each call would add a legend panel of its own).
            plot.ShowLegend(Edge.Bottom);
        }
        // At most about ten labels, short enough not to overlap at this width; a partial bucket's label ends in "*".
        var step = Math.Max(1, (int)Math.Ceiling(points.Count / 10.0));
        var format = panel.Granularity == Granularity.Month ? "yyyy-MM" : "yyyy-MM-dd";
        var ticks = positions.Where((_, i) => i % step == 0 || points[i].Partial).ToArray();
        plot.Axes.Bottom.SetTicks(ticks, ticks.Select(i => TickLabel(points[(int)i], format)).ToArray());
        plot.Axes.Margins(bottom: 0);
        return plot;
    }

    // The page's annotation colour (TrendChart): orange against the figures' blue.
    private static readonly Color MarkColour = Color.FromHex("#d55e00");

    /// <summary>The legend entry of partial buckets on an exported chart.</summary>
    internal const string PartialLegend = "* partial: cut by the window or not over yet";

    /// <summary>The index of the first drawn bucket from <paramref name="bucket"/> on; the last drawn one when none follows.</summary>
    private static int DrawnIndex(List<DoraSeriesPoint> drawn, DateOnly bucket) =>
        drawn.FindIndex(point => point.Bucket >= bucket) is var at && at >= 0 ? at : drawn.Count - 1;

    /// <summary>The legend entry of a bucket the chart leaves out: "not drawn: week of 2026-09-01, 3 of 7 days in the period".</summary>
    internal static string NotDrawnLegend(DoraSeriesPoint point, Granularity granularity) =>
        $"not drawn: {granularity.ToString().ToLowerInvariant()} of {point.Bucket:yyyy-MM-dd}, {Figures.BucketDays(point.DaysInPeriod, point.Days)} days in the period (under half)";

    private static string TickLabel(DoraSeriesPoint point, string format) =>
        point.Bucket.ToString(format, CultureInfo.InvariantCulture) + (point.Partial ? "*" : "");

    private static string SeriesCsv(DashboardData data, PanelDefinition panel)
    {
        var value = PanelKinds.SeriesMetrics[panel.Metric!];
        // lead_time_unit: what a lead-time sample of the series is (commit or pull-request), on every row as DoraCsv writes it.
        // days_in_period and days: how much of the bucket the period holds; every bucket is a row, drawn on the chart or not.
        var csv = new StringBuilder($"bucket,team,{panel.Metric},partial,lead_time_unit,days_in_period,days\n");
        foreach (var point in data.SeriesFor(panel.Granularity))
        {
            csv.Append(CultureInfo.InvariantCulture,
                $"{point.Bucket:yyyy-MM-dd},{(point.Team == "" ? "organisation" : point.Team)},{value(point)?.ToString(CultureInfo.InvariantCulture) ?? ""},{(point.Partial ? "true" : "false")},{data.LeadTimeUnit},{point.DaysInPeriod},{point.Days}\n");
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
