namespace Analytics.Storage.Catalog;

/// <summary>A deployable service, backed by one repository.</summary>
public class Service
{
    public const string DefaultBranchName = "main";

    public int Id { get; set; }

    /// <summary>Unique key, e.g. "payments-api".</summary>
    public required string Slug { get; set; }

    public required string Name { get; set; }

    /// <summary>"owner/name" on the forge, e.g. "acme/payments-api".</summary>
    public required string Repository { get; set; }

    public string DefaultBranch { get; set; } = DefaultBranchName;

    /// <summary>
    /// The folders or files of <see cref="Repository"/> this service is built from, when it shares the repository
    /// with other services (a monorepo), e.g. ["services/payments", "libs/money"]; normalised by
    /// <see cref="Analytics.Core.Dora.ServicePaths"/>. Empty: the whole repository (a commit goes to whichever service
    /// of the repository ships it first).
    /// </summary>
    public List<string> Paths { get; set; } = [];

    public DateTimeOffset CreatedAt { get; set; }

    public List<ServiceOwnership> Ownerships { get; set; } = [];
}

/// <summary>
/// A team owns a service during [ValidFrom, ValidTo); ValidTo null means the current owner.
/// Reorganisations close a range and open a new one, never edit an old one, so metrics for
/// past dates keep crediting the team that owned the service back then.
/// </summary>
public class ServiceOwnership
{
    public int Id { get; set; }

    public int ServiceId { get; set; }

    public Service Service { get; set; } = null!;

    public int TeamId { get; set; }

    public Team Team { get; set; } = null!;

    public DateTimeOffset ValidFrom { get; set; }

    public DateTimeOffset? ValidTo { get; set; }
}
