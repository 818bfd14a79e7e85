using System.Globalization;

namespace Analytics.Web.Utils;

/// <summary>A reporting window [From, To). Defaults to the last <see cref="DefaultDays"/> whole days up to today (UTC midnight).</summary>
public sealed record Period(DateTimeOffset From, DateTimeOffset To)
{
    public const int DefaultDays = 90;

    /// <summary>The default window of the ROI figures (API and CLI): adoption effects need months before and after.</summary>
    public const int RoiDefaultDays = 365;

    public static Period Resolve(DateTimeOffset? from, DateTimeOffset? to, int? days, TimeProvider clock)
    {
        var end = to ?? new DateTimeOffset(clock.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero);
        return new Period(from ?? end.AddDays(-(days ?? DefaultDays)), end);
    }

    /// <summary>
    /// The days a page or export should use for ?days= as written in the URL (else the page's default; at most ten years). Pages take the
    /// raw string: the framework throws on a value it cannot parse as int, so ?days=abc would be a server error.
    /// </summary>
    public static int DaysFromQuery(string? days, int fallback = DefaultDays) =>
        int.TryParse(days, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is > 0 and <= 3660
            ? value
            : fallback;

    public int Days => (int)Math.Round((To - From).TotalDays);

    /// <summary>
    /// A period of whole UTC days written in a URL (?from=2026-09-07&amp;to=2026-09-14, to exclusive), as a chart point links
    /// to; null when either is missing or unreadable, or the period is empty or longer than ten years (the page then
    /// shows its last days, as for a bad ?days=).
    /// </summary>
    public static Period? FromDates(string? from, string? to)
    {
        if (!DateOnly.TryParseExact(from, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var first)
            || !DateOnly.TryParseExact(to, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var end)
            || end <= first || end.DayNumber - first.DayNumber > 3660)
        {
            return null;
        }
        return new Period(new DateTimeOffset(first.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), new DateTimeOffset(end.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
    }
}
