namespace Analytics.Storage.Catalog;

// Plain snapshots of the catalog for the read-only ClickHouse copy
// (sql/clickhouse/migrations/0002_catalog_mirror.sql, 0005 and 0006). Each record lists the table's columns in order;
// timestamps are UTC, ValidTo is exclusive and null means "still valid".

/// <summary>All mirror tables at one moment, from <see cref="CatalogMirrorExport.ExportMirrorAsync"/>.</summary>
public sealed record CatalogMirror(
    IReadOnlyList<ServiceOwnershipMirrorRow> ServiceOwnership,
    IReadOnlyList<TeamMembershipMirrorRow> TeamMembership,
    IReadOnlyList<IdentityMirrorRow> Identities,
    IReadOnlyList<ServiceTemplateMirrorRow> ServiceTemplates,
    IReadOnlyList<ProductionEnvironmentMirrorRow> ProductionEnvironments,
    IReadOnlyList<ServiceMirrorRow> Services,
    IReadOnlyList<TemplateMirrorRow> Templates);

/// <summary>catalog_service_ownership(service, team, valid_from, valid_to).</summary>
public sealed record ServiceOwnershipMirrorRow(string Service, string Team, DateTimeOffset ValidFrom, DateTimeOffset? ValidTo)
{
    public const string TableName = "catalog_service_ownership";
}

/// <summary>catalog_team_membership(person_id, team, valid_from, valid_to); PersonId is the person's external id.</summary>
public sealed record TeamMembershipMirrorRow(string PersonId, string Team, DateTimeOffset ValidFrom, DateTimeOffset? ValidTo)
{
    public const string TableName = "catalog_team_membership";
}

/// <summary>catalog_identities(person_id, kind, value, is_bot); Kind is "git_email" or "github_login".</summary>
public sealed record IdentityMirrorRow(string PersonId, string Kind, string Value, bool IsBot)
{
    public const string TableName = "catalog_identities";
    public const string GitEmailKind = "git_email";
    public const string GitHubLoginKind = "github_login";

    public static string KindName(IdentityKind kind) => kind switch
    {
        IdentityKind.GitEmail => GitEmailKind,
        IdentityKind.GitHubLogin => GitHubLoginKind,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "No mirror name for this identity kind."),
    };
}

/// <summary>catalog_service_templates(service, template, template_version, valid_from, valid_to).</summary>
public sealed record ServiceTemplateMirrorRow(string Service, string Template, string TemplateVersion, DateTimeOffset ValidFrom, DateTimeOffset? ValidTo)
{
    public const string TableName = "catalog_service_templates";
}

/// <summary>
/// catalog_production_environments(source, pattern, is_production): every environment rule, the "not production"
/// ones too (they win); Source "" means every source.
/// </summary>
public sealed record ProductionEnvironmentMirrorRow(string Source, string Pattern, bool IsProduction = true)
{
    public const string TableName = "catalog_production_environments";
}

/// <summary>
/// catalog_services(service, repository, default_branch, paths): which repository a service is built from, and which
/// paths of it (empty: all of it; migration 0015).
/// </summary>
public sealed record ServiceMirrorRow(string Service, string Repository, string DefaultBranch, IReadOnlyList<string> Paths)
{
    public const string TableName = "catalog_services";
}

/// <summary>catalog_templates(template, latest_version, is_golden_path): the templates services are generated from.</summary>
public sealed record TemplateMirrorRow(string Template, string LatestVersion, bool IsGoldenPath)
{
    public const string TableName = "catalog_templates";
}
