namespace Analytics.Core.Calendar;

/// <summary>Calendar months in the organisation's time zone (MetricOptions.TimeZone), as UTC instants.</summary>
public sealed class MonthGrid
{
    private readonly TimeZoneInfo _zone;

    public MonthGrid(string timeZone)
    {
        _zone = TimeZoneInfo.FindSystemTimeZoneById(timeZone);
    }

    /// <summary>The local calendar month an instant falls in (its first day).</summary>
    public DateOnly MonthOf(DateTimeOffset at)
    {
        var local = TimeZoneInfo.ConvertTime(at, _zone);
        return new DateOnly(local.Year, local.Month, 1);
    }

    /// <summary>The instant local midnight starts a day (the first valid local time on a DST-gap day).</summary>
    public DateTimeOffset Start(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        while (_zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(1);
        }
        return new DateTimeOffset(local, _zone.GetUtcOffset(local)).ToUniversalTime();
    }

    /// <summary>The start of the month containing <paramref name="at"/>.</summary>
    public DateTimeOffset Floor(DateTimeOffset at) => Start(MonthOf(at));

    /// <summary><paramref name="at"/> if it starts a month, else the start of the next month.</summary>
    public DateTimeOffset Ceiling(DateTimeOffset at)
    {
        var floor = Floor(at);
        return floor == at ? at : Start(MonthOf(at).AddMonths(1));
    }

    /// <summary>[From, To) widened to whole months: survey figures are only ever computed over whole months.</summary>
    public (DateTimeOffset From, DateTimeOffset To) Snap(DateTimeOffset from, DateTimeOffset to) => (Floor(from), Ceiling(to));

    /// <summary>The months overlapping [from, to), first to last.</summary>
    public IReadOnlyList<DateOnly> Months(DateTimeOffset from, DateTimeOffset to)
    {
        var months = new List<DateOnly>();
        for (var month = MonthOf(from); Start(month) < to; month = month.AddMonths(1))
        {
            months.Add(month);
        }
        return months;
    }

    /// <summary>Bucket bounds of [from, to) cut at month starts: from, each month start inside, to.</summary>
    public IReadOnlyList<DateTimeOffset> MonthBounds(DateTimeOffset from, DateTimeOffset to)
    {
        var bounds = new List<DateTimeOffset> { from };
        foreach (var month in Months(from, to).Skip(1))
        {
            bounds.Add(Start(month));
        }
        bounds.Add(to);
        return bounds;
    }

    /// <summary>
    /// When a period's headcount is sampled: its start and every month start inside it. The period's headcount is
    /// the mean of the headcounts at these instants.
    /// </summary>
    public IReadOnlyList<DateTimeOffset> HeadcountInstants(DateTimeOffset from, DateTimeOffset to) =>
        MonthBounds(from, to).SkipLast(1).ToList();
}
