namespace Analytics.Core.Space;

// The facts the SPACE, adoption and self-service definitions read, as plain records: one record per (deduplicated)
// table row of ClickHouse or of the catalog mirror. The test oracles (tests/Analytics.Testing) compute from them too.

/// <summary>catalog_team_membership: [ValidFrom, ValidTo), ValidTo null = still a member.</summary>
public sealed record MembershipRange(string PersonId, string Team, DateTimeOffset ValidFrom, DateTimeOffset? ValidTo)
{
    public bool Covers(DateTimeOffset at) => ValidFrom <= at && (ValidTo is null || at < ValidTo);
}

/// <summary>catalog_service_templates: the service is on Template at TemplateVersion during [ValidFrom, ValidTo).</summary>
public sealed record ServiceTemplateRange(string Service, string Template, string TemplateVersion, DateTimeOffset ValidFrom, DateTimeOffset? ValidTo)
{
    public bool Covers(DateTimeOffset at) => ValidFrom <= at && (ValidTo is null || at < ValidTo);
}

/// <summary>catalog_templates.</summary>
public sealed record TemplateRecord(string Template, string LatestVersion, bool IsGoldenPath);
