using System.Globalization;
using Analytics.Web.Utils;

namespace Analytics.Web.Components.Shared;

/// <summary>
/// One bucket of a <see cref="TrendChart"/>; a null value is "no sample", never zero. A partial bucket (cut by the
/// window or not over yet) is labelled so wherever its date is written.
/// </summary>
public sealed record TrendValue(DateTime Bucket, double? Value, bool Partial = false)
{
    /// <summary>The bucket as tables write it: "2026-12-01 (partial)".</summary>
    public string Label => Figures.Bucket(Date, Partial);

    /// <summary>The bucket as the chart's category axis writes it: "2026-12-01*", which a rotated label has room for.</summary>
    public string AxisLabel => Figures.AxisBucket(Date, Partial);

    private string Date => DateOnly.FromDateTime(Bucket).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public double ChartValue => Value ?? 0;
}
