namespace Analytics.Storage.ClickHouse;

public enum StoreTransport
{
    /// <summary>chDB in this process: no server to install. The default.</summary>
    Embedded,

    /// <summary>A ClickHouse server or cluster over HTTP (ClickHouse.Driver).</summary>
    Server,
}

/// <summary>Configuration section "Analytics:Store". Checked by <see cref="StoreOptionsValidator"/> at start-up.</summary>
public sealed class StoreOptions
{
    public const string Section = "Analytics:Store";

    public StoreTransport Transport { get; set; } = StoreTransport.Embedded;

    /// <summary>Where the embedded engine keeps its data. Default: $XDG_DATA_HOME/analytics/clickhouse.</summary>
    public string DataPath { get; set; } = Path.Combine(DefaultDataRoot, "clickhouse");

    public string Database { get; set; } = "analytics";

    /// <summary>ClickHouse.Driver connection string for <see cref="StoreTransport.Server"/>. Holds a password: never logged.</summary>
    public string? ServerConnectionString { get; set; }

    /// <summary>
    /// The ClickHouse cluster (a name in the servers' <c>remote_servers</c>) the schema is spread over, with the
    /// <see cref="StoreTransport.Server"/> transport: DDL gets ON CLUSTER, Replicated engines and Distributed tables
    /// (<see cref="Cluster.ClusterDdl"/>). Empty: one server (or the embedded engine), DDL as written.
    /// </summary>
    public string? Cluster { get; set; }

    /// <summary>
    /// MiB the embedded engine may hold in all (ClickHouse's max_server_memory_usage: queries, merges, caches); 0 leaves
    /// ClickHouse's default, 90 % of the machine's memory. See docs/operations.md, "Memory of the embedded engine".
    /// </summary>
    public int EngineMemoryLimitMiB { get; set; } = DefaultEngineMemoryLimitMiB;

    /// <summary>MiB one query of the embedded engine may use (max_memory_usage); 0: no limit of its own.</summary>
    public int EngineQueryMemoryLimitMiB { get; set; } = DefaultEngineQueryMemoryLimitMiB;

    /// <summary>
    /// 4 GiB: well above what the app's process peaked at while loading scale L (2.4 GiB, generator included) and serving
    /// it, so no figure of a supported size is refused, yet a runaway query on a shared machine fails instead of taking
    /// 90 % of its memory. ClickHouse lowers it to 90 % of the memory of a smaller machine.
    /// </summary>
    public const int DefaultEngineMemoryLimitMiB = 4096;

    public const int DefaultEngineQueryMemoryLimitMiB = 0;

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
}
