namespace Analytics.Ingestors.Demo;

/// <summary>
/// Time arithmetic for a single-time-zone organisation that works 09:00–18:00 UTC on weekdays.
/// Every result is a UTC <see cref="DateTime"/> with millisecond precision, as ClickHouse's DateTime64(3) keeps it.
/// </summary>
internal static class WorkingHours
{
    private const int DayStartHour = 9;
    private const int DayEndHour = 18;
    private static readonly TimeSpan WorkingDay = TimeSpan.FromHours(DayEndHour - DayStartHour);

    public static bool IsWorkday(DateTime day) => day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);

    /// <summary>Midnights of the weekdays on or after <paramref name="from"/>'s date and before <paramref name="to"/>.</summary>
    public static IEnumerable<DateTime> Workdays(DateTime from, DateTime to)
    {
        for (var day = from.Date; day < to; day = day.AddDays(1))
        {
            if (IsWorkday(day))
            {
                yield return day;
            }
        }
    }

    public static DateTime RandomInstantOn(Random rng, DateTime day) =>
        PlusMilliseconds(day.Date.AddHours(DayStartHour), rng.NextDouble() * WorkingDay.TotalMilliseconds);

    /// <summary>Moves an instant outside working hours to the start of the next working period.</summary>
    public static DateTime NextWorkingInstant(DateTime at)
    {
        var dayStart = at.Date.AddHours(DayStartHour);
        if (IsWorkday(at) && at >= dayStart && at < at.Date.AddHours(DayEndHour))
        {
            return at;
        }
        if (IsWorkday(at) && at < dayStart)
        {
            return dayStart;
        }
        var next = at.Date.AddDays(1);
        while (!IsWorkday(next))
        {
            next = next.AddDays(1);
        }
        return next.AddHours(DayStartHour);
    }

    /// <summary>
    /// <paramref name="at"/> plus that many hours of working time: a review requested late on Friday
    /// with a 2-hour pickup happens on Monday morning.
    /// </summary>
    public static DateTime Add(DateTime at, double workingHours)
    {
        var remaining = TimeSpan.FromHours(Math.Max(0, workingHours));
        var current = NextWorkingInstant(at);
        while (true)
        {
            var leftToday = current.Date.AddHours(DayEndHour) - current;
            if (remaining < leftToday)
            {
                return Truncate(current + remaining);
            }
            remaining -= leftToday;
            current = NextWorkingInstant(current.Date.AddHours(DayEndHour));
        }
    }

    /// <summary>Wall-clock addition (incidents do not wait for office hours), rounded to the millisecond.</summary>
    public static DateTime PlusMinutes(DateTime at, double minutes) => PlusMilliseconds(at, minutes * 60_000);

    public static DateTime PlusMilliseconds(DateTime at, double milliseconds) =>
        new(at.Ticks + ((long)Math.Round(milliseconds) * TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);

    public static DateTime Truncate(DateTime at) =>
        new(at.Ticks - (at.Ticks % TimeSpan.TicksPerMillisecond), DateTimeKind.Utc);
}
