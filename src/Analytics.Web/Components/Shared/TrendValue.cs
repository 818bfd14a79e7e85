using System.Globalization;

namespace Analytics.Web.Components.Shared;

/// <summary>One bucket of a <see cref="TrendChart"/>; a null value is "no sample", never zero.</summary>
public sealed record TrendValue(DateTime Bucket, double? Value)
{
    public string Label => Bucket.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public double ChartValue => Value ?? 0;
}
