namespace Analytics.Web.Components.Admin;

/// <summary>A person's membership of a team, or a service's ownership by a team, over [From, To) in UTC days.</summary>
public sealed class RangeForm
{
    public string? Subject { get; set; }

    public string? Team { get; set; }

    public DateTime? From { get; set; }

    public DateTime? To { get; set; }

    public string Period => $"from {From:yyyy-MM-dd}" + (To is { } end ? $" until {end:yyyy-MM-dd}" : "");
}
