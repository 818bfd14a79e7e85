using System.Globalization;
using Analytics.Core.Calendar;
using Analytics.Web.Utils;

namespace Analytics.Web.Components.Shared;

/// <summary>
/// One bucket of a <see cref="TrendChart"/>; a null value is "no sample", never zero. A partial bucket (cut by the
/// window or not over yet) is labelled so wherever its date is written; with its days known (<paramref name="Days"/> above
/// 0), one with fewer than half of them in the period is not drawn (<see cref="PartialBuckets.IsDrawn"/>).
/// </summary>
/// <param name="DaysInPeriod">The bucket's days in the period (<see cref="PartialBuckets.DaysInside"/>).</param>
/// <param name="Days">The bucket's length in days; 0 when not known (the bucket is then drawn).</param>
public sealed record TrendValue(DateTime Bucket, double? Value, bool Partial = false, int DaysInPeriod = 0, int Days = 0)
{
    /// <summary>The bucket as tables write it: "2026-12-01 (partial)", "2026-12-01 (partial, not drawn)".</summary>
    public string Label => Figures.Bucket(Date, Partial, Drawn);

    /// <summary>The bucket as the chart's category axis writes it: "2026-12-01*", which a rotated label has room for.</summary>
    public string AxisLabel => Figures.AxisBucket(Date, Partial);

    /// <summary>Whether the chart draws the bucket: not a partial one with fewer than half its days in the period.</summary>
    public bool Drawn => !Partial || Days == 0 || PartialBuckets.IsDrawn(DaysInPeriod, Days);

    /// <summary>Whether the bucket's days are known, so tables say them.</summary>
    public bool HasDays => Days > 0;

    /// <summary>The bucket's days in the period as tables write them: "7", or "3 of 7" for a partial one.</summary>
    public string DaysText => Figures.BucketDays(DaysInPeriod, Days);

    /// <summary>The bucket's first day, "2026-12-01".</summary>
    public string Date => DateOnly.FromDateTime(Bucket).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public double ChartValue => Value ?? 0;
}
