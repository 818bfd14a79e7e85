using System.ComponentModel.DataAnnotations;

namespace Analytics.Storage.ClickHouse;

public enum StoreTransport
{
    /// <summary>chDB in this process: no server to install. The default.</summary>
    Embedded,

    /// <summary>A ClickHouse server or cluster over HTTP (ClickHouse.Driver).</summary>
    Server,
}

/// <summary>Configuration section "Analytics:Store". Validated at start-up.</summary>
public sealed class StoreOptions : IValidatableObject
{
    public const string Section = "Analytics:Store";

    public StoreTransport Transport { get; set; } = StoreTransport.Embedded;

    /// <summary>Where the embedded engine keeps its data. Default: $XDG_DATA_HOME/analytics/clickhouse.</summary>
    public string DataPath { get; set; } = Path.Combine(DefaultDataRoot, "clickhouse");

    [Required, RegularExpression("^[A-Za-z_][A-Za-z0-9_]*$", ErrorMessage = "Database must be a plain identifier.")]
    public string Database { get; set; } = "analytics";

    /// <summary>ClickHouse.Driver connection string for <see cref="StoreTransport.Server"/>. Holds a password: never logged.</summary>
    public string? ServerConnectionString { get; set; }

    /// <summary>Optional path of libchdb.so; default: the per-user cache, fetched on first use.</summary>
    public string? ChDbLibraryPath { get; set; }

    public static string DefaultDataRoot
    {
        get
        {
            var root = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
            if (string.IsNullOrWhiteSpace(root))
            {
                root = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
            }
            return Path.Combine(root, "analytics");
        }
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Transport == StoreTransport.Server && string.IsNullOrWhiteSpace(ServerConnectionString))
        {
            yield return new ValidationResult(
                "Analytics:Store:Transport is Server but Analytics:Store:ServerConnectionString is empty (e.g. Host=clickhouse;Port=8123;Username=default).",
                [nameof(ServerConnectionString)]);
        }
        if (Transport == StoreTransport.Embedded && string.IsNullOrWhiteSpace(DataPath))
        {
            yield return new ValidationResult("Analytics:Store:DataPath must name a folder for the embedded engine.", [nameof(DataPath)]);
        }
    }
}
