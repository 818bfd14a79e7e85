namespace Analytics.Core.Calendar;

/// <summary>
/// The one rule for partial buckets (docs/metrics.md, "Partial periods"): a day, ISO week or month of a series, cut
/// in the organisation's time zone, is partial when it is not wholly inside the window [from, to) or is not over yet.
/// A partial bucket's figures are real but cover less time than its neighbours', so every output marks it; one with
/// fewer than half its days in the period is not drawn as a point of a chart (<see cref="IsDrawn"/>, docs/dashboards.md,
/// "Partial buckets on charts").
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

    /// <summary>The bucket's length in days: 1, 7, or the month's 28 to 31.</summary>
    public static int Days(DateOnly bucket, Granularity granularity) => End(bucket, granularity).DayNumber - bucket.DayNumber;

    /// <param name="calendar">The organisation's time zone, which says when local days start.</param>
    public static bool IsPartial(DateOnly bucket, Granularity granularity, DateTimeOffset from, DateTimeOffset to, DateTimeOffset now, MonthGrid calendar) =>
        calendar.Start(bucket) < from || calendar.Start(End(bucket, granularity)) > Limit(to, now);

    /// <summary>
    /// The bucket's local days with any time inside the window [from, to) that is over by <paramref name="now"/>: the days
    /// its figures can cover. A whole bucket's <see cref="Days"/>; 3 for the week of a window starting on a Friday.
    /// </summary>
    public static int DaysInside(DateOnly bucket, Granularity granularity, DateTimeOffset from, DateTimeOffset to, DateTimeOffset now, MonthGrid calendar)
    {
        var limit = Limit(to, now);
        var inside = 0;
        for (var day = bucket; day < End(bucket, granularity); day = day.AddDays(1))
        {
            if (calendar.Start(day) < limit && calendar.Start(day.AddDays(1)) > from)
            {
                inside++;
            }
        }
        return inside;
    }

    /// <summary>
    /// Whether a chart draws a bucket as a point (or bar): unless fewer than half its days are in the period, where a
    /// few days' figures beside whole weeks' make a spike (one failure in a 3-day week is a 40% change failure rate).
    /// A bucket not drawn still counts in every total and is listed, with its days, in the chart's table and files.
    /// </summary>
    public static bool IsDrawn(int daysInside, int days) => 2 * daysInside >= days;

    private static DateTimeOffset Limit(DateTimeOffset to, DateTimeOffset now) => to < now ? to : now;
}
