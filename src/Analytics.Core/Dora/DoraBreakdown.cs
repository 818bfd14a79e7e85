namespace Analytics.Core.Dora;

/// <summary>
/// What one row of DORA figures is (docs/metrics.md, "Breakdown by team, service or repository"): a team (events of
/// the services it owned at the event's time), a service (its events whoever owned it), or a repository (the events of
/// the services the catalog builds from it; a change counts for the repository it was made in).
/// </summary>
public enum DoraBreakdown
{
    Team,
    Service,
    Repository,
}

public static class DoraBreakdowns
{
    /// <summary>The names the API, pages and CLI take (?by=service), as the SQL's {by:String} reads them.</summary>
    public static readonly IReadOnlyList<string> Names = Enum.GetValues<DoraBreakdown>().Select(Name).ToList();

    public static string Name(this DoraBreakdown by) => by.ToString().ToLowerInvariant();

    /// <summary>The breakdown a name asks for (any case); null when the name is none of <see cref="Names"/>; absent or blank = by team.</summary>
    public static DoraBreakdown? Parse(string? name) =>
        string.IsNullOrWhiteSpace(name) ? DoraBreakdown.Team
        : Enum.GetValues<DoraBreakdown>().Cast<DoraBreakdown?>().FirstOrDefault(by => string.Equals(by!.Value.Name(), name.Trim(), StringComparison.OrdinalIgnoreCase));
}
