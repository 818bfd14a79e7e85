using System.Globalization;
using Analytics.Web.Utils;

namespace Analytics.Web.Components.Shared;

/// <summary>
/// One bucket of a <see cref="TrendChart"/>; a null value is "no sample", never zero. A partial bucket (cut by the
/// window or not over yet) is labelled so wherever its date is written.
/// </summary>
public sealed record TrendValue(DateTime Bucket, double? Value, bool Partial = false)
{
    public string Label => Figures.Bucket(DateOnly.FromDateTime(Bucket).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Partial);

    public double ChartValue => Value ?? 0;
}
