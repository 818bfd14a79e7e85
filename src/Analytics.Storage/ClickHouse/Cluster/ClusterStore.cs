namespace Analytics.Storage.ClickHouse.Cluster;

/// <summary>
/// The store on a ClickHouse cluster: every statement goes through <see cref="ClusterDdl"/> (DDL gets ON CLUSTER,
/// Replicated engines and Distributed tables), so migrations, derived-table refreshes, the catalog mirror, run
/// staging and locks issue the one dialect and still build the cluster's schema. Queries and inserts pass unchanged:
/// they name the Distributed tables, which keep the original names.
/// </summary>
public sealed class ClusterStore(IClickHouseStore inner, ClusterDdl ddl) : IClickHouseStore
{
    /// <summary>The settings every call to a cluster carries (<see cref="Server.ClickHouseServerStore"/> sends them).</summary>
    public static readonly IReadOnlyDictionary<string, object> Settings = new Dictionary<string, object>(StringComparer.Ordinal)
    {
        // A JOIN or IN whose right side is a Distributed table reads it once, on the node asked, and ships it to every
        // shard: right whatever shard a row is on (the default refuses such a query; "local" would be right only
        // for tables sharded by the join key). Replicated tables (the catalog mirror) are joined locally anyway.
        ["distributed_product_mode"] = "global",
        // An insert into a Distributed table returns once its rows are on their shards, so a refresh swaps in a
        // complete table and a run's rows are visible when its publish returns (the default queues them).
        ["distributed_foreground_insert"] = 1,
    };

    public string Database => inner.Database;

    public string Transport => inner.Transport;

    public ClusterDdl Ddl => ddl;

    /// <summary>
    /// What the derived tables' fingerprints read on a cluster (<see cref="DerivedTablesStore"/>): per source table, the
    /// newest block among the data parts of each node, summed over the nodes (any insert on any shard raises its
    /// node's; a maximum over all nodes would miss an insert on a shard that is behind another). The local tables
    /// count under their Distributed table's name; <c>{tables:Array(String)}</c> names the source tables.
    /// </summary>
    public string PartsStateQuery => $$"""
        SELECT source AS table, toString(sum(newest)) AS state FROM
        (
            SELECT replaceRegexpOne(table, '{{ClusterTopology.LocalSuffix}}$', '') AS source, hostName() AS host,
                max(greatest(max_block_number, data_version)) AS newest
            FROM clusterAllReplicas({{ClickHouseText.QuoteLiteral(ddl.Cluster)}}, system.parts)
            WHERE database = {{ClickHouseText.QuoteLiteral(inner.Database)}} AND active AND source IN {tables:Array(String)}
            GROUP BY source, host
        )
        GROUP BY source
        """;

    public async Task ExecuteAsync(string sql, QueryParameters? parameters = null, CancellationToken cancellationToken = default)
    {
        foreach (var statement in ddl.Rewrite(sql))
        {
            await inner.ExecuteAsync(statement, parameters, cancellationToken);
        }
    }

    public Task<IReadOnlyList<TRow>> QueryAsync<TRow>(string sql, QueryParameters? parameters = null, CancellationToken cancellationToken = default) =>
        inner.QueryAsync<TRow>(sql, parameters, cancellationToken);

    public Task<long> InsertAsync(string table, IReadOnlyList<string> columns, IEnumerable<object?[]> rows, CancellationToken cancellationToken = default) =>
        inner.InsertAsync(table, columns, rows, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
