namespace Analytics.Ingestors.Demo;

// The catalog half of a demo organisation, as plain records that DemoOrganisationLoader writes into the
// EF Core catalog. Ranges are half-open [ValidFrom, ValidTo); ValidTo null means "still valid".

/// <summary>Everything the catalog needs to attribute the demo's events to teams at the events' time.</summary>
public sealed record DemoCatalog(
    IReadOnlyList<DemoTeam> Teams,
    IReadOnlyList<DemoPerson> People,
    IReadOnlyList<DemoMembership> Memberships,
    IReadOnlyList<DemoService> Services,
    IReadOnlyList<DemoOwnership> Ownerships,
    IReadOnlyList<DemoTemplate> Templates,
    IReadOnlyList<DemoServiceTemplate> ServiceTemplates);

/// <summary>DORA-style performance band the team's activity is generated from.</summary>
public enum DemoPerformanceTier
{
    Low,
    Medium,
    High,
    Elite,
}

/// <param name="Performance">0 = the lowest performer, 1 = the most elite; drives every rate the team's events are drawn with.</param>
/// <param name="GoldenPathAdoptedAt">When the team started moving its services to golden-path templates; null if it never did.</param>
public sealed record DemoTeam(string Slug, string Name, DemoPerformanceTier Tier, double Performance, DateTimeOffset? GoldenPathAdoptedAt)
{
    /// <summary>Start of the calendar quarter in which this team's changes fail more and recover slower; null for every team but one.</summary>
    public DateTimeOffset? BadQuarterFrom { get; init; }

    /// <summary>End (exclusive) of that quarter.</summary>
    public DateTimeOffset? BadQuarterTo { get; init; }
}

public sealed record DemoPerson(string ExternalId, string DisplayName, string GitEmail, string GitHubLogin, bool IsBot);

public sealed record DemoMembership(string PersonExternalId, string TeamSlug, DateTimeOffset ValidFrom, DateTimeOffset? ValidTo);

public sealed record DemoService(string Slug, string Name, string Repository, DateTimeOffset CreatedAt);

public sealed record DemoOwnership(string ServiceSlug, string TeamSlug, DateTimeOffset ValidFrom, DateTimeOffset? ValidTo);

public sealed record DemoTemplate(string Slug, string Name, string LatestVersion, bool IsGoldenPath);

public sealed record DemoServiceTemplate(string ServiceSlug, string TemplateSlug, string TemplateVersion, DateTimeOffset ValidFrom, DateTimeOffset? ValidTo);
