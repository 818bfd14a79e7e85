namespace Analytics.Web.Components;

/// <summary>A reporting window [From, To). Defaults to the last <see cref="DefaultDays"/> whole days up to today (UTC midnight).</summary>
public sealed record Period(DateTimeOffset From, DateTimeOffset To)
{
    public const int DefaultDays = 90;

    public static Period Resolve(DateTimeOffset? from, DateTimeOffset? to, int? days, TimeProvider clock)
    {
        var end = to ?? new DateTimeOffset(clock.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero);
        return new Period(from ?? end.AddDays(-(days ?? DefaultDays)), end);
    }

    public int Days => (int)Math.Round((To - From).TotalDays);
}
