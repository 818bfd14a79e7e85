namespace Analytics.Core.Calendar;

/// <summary>
/// The one rule for partial buckets (docs/metrics.md, "Partial periods"): a day, ISO week or month of a series, cut
/// in the organisation's time zone, is partial when it is not wholly inside the window [from, to) or is not over yet.
/// A partial bucket's figures are real but cover less time than its neighbours', so every output marks it.
/// </summary>
public static class PartialBuckets
{
    /// <summary>The first day after the bucket starting on <paramref name="bucket"/>.</summary>
    public static DateOnly End(DateOnly bucket, Granularity granularity) => granularity switch
    {
        Granularity.Day => bucket.AddDays(1),
        Granularity.Week => bucket.AddDays(7),
        _ => bucket.AddMonths(1),
    };

    /// <param name="calendar">The organisation's time zone, which says when local days start.</param>
    public static bool IsPartial(DateOnly bucket, Granularity granularity, DateTimeOffset from, DateTimeOffset to, DateTimeOffset now, MonthGrid calendar) =>
        calendar.Start(bucket) < from || calendar.Start(End(bucket, granularity)) > (to < now ? to : now);
}
