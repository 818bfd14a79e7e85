namespace Analytics.Storage.Catalog;

/// <summary>A service template (scaffold) that services are generated from and upgraded along.</summary>
public class Template
{
    public int Id { get; set; }

    /// <summary>Unique key, e.g. "dotnet-api".</summary>
    public required string Slug { get; set; }

    public required string Name { get; set; }

    /// <summary>Newest released version, to measure how far behind services are.</summary>
    public required string LatestVersion { get; set; }

    /// <summary>Whether this is a recommended ("golden path") template.</summary>
    public bool IsGoldenPath { get; set; }
}

/// <summary>A service is on a template version during [ValidFrom, ValidTo); ValidTo null means currently.</summary>
public class ServiceTemplate
{
    public int Id { get; set; }

    public int ServiceId { get; set; }

    public Service Service { get; set; } = null!;

    public int TemplateId { get; set; }

    public Template Template { get; set; } = null!;

    public required string TemplateVersion { get; set; }

    public DateTimeOffset ValidFrom { get; set; }

    public DateTimeOffset? ValidTo { get; set; }
}
