namespace Analytics.Storage.Catalog;

/// <summary>
/// A key for the push API (scoped to one source, optionally to services and event kinds) or for reading the JSON API
/// with one role. Only the SHA-256 of the secret is stored; the secret is shown once, when the key is created.
/// Managed by <see cref="ApiKeys"/>.
/// </summary>
public class ApiKey
{
    public int Id { get; set; }

    /// <summary>What the key is for, as its creator named it, e.g. "github-actions 2026-Q2".</summary>
    public required string Name { get; set; }

    /// <summary>The public first part of the key (e.g. "ak_3f9a1c22b7"): unique, shown in lists and the audit trail.</summary>
    public required string Prefix { get; set; }

    /// <summary>SHA-256 of the whole key as presented.</summary>
    public required byte[] SecretHash { get; set; }

    /// <summary><see cref="ApiKeys.PushPurpose"/> or <see cref="ApiKeys.ReadPurpose"/>.</summary>
    public required string Purpose { get; set; }

    /// <summary>A read key's role (viewer, team-lead, survey-analyst, admin); null for a push key.</summary>
    public string? Role { get; set; }

    /// <summary>The source a push key writes as; null for a read key.</summary>
    public string? Source { get; set; }

    /// <summary>Comma-separated services a push key may write; null = any.</summary>
    public string? Services { get; set; }

    /// <summary>Comma-separated event kinds (deployments, incidents) a push key may write; null = any.</summary>
    public string? Kinds { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Null = never expires.</summary>
    public DateTimeOffset? ExpiresAt { get; set; }

    /// <summary>Updated at most once a minute, not on every request.</summary>
    public DateTimeOffset? LastUsedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}
