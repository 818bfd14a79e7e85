using System.Text;

namespace Analytics.Storage.ClickHouse.Cluster;

/// <summary>
/// Turns one statement of the app's single SQL dialect into what a ClickHouse cluster needs: every CREATE, ALTER,
/// DROP, EXCHANGE, RENAME and TRUNCATE gets <c>ON CLUSTER</c>; MergeTree-family engines become Replicated*; a
/// sharded table (<see cref="ClusterTopology"/>) becomes a local table <c>&lt;name&gt;__local</c> on every shard plus a
/// Distributed table with the original name, so queries, inserts and views read and write the original name
/// unchanged. Any other statement (SELECT, INSERT, EXISTS, …) is returned as it is.
/// </summary>
/// <remarks>
/// Works on tokens (<see cref="SqlTokens"/>), not on text patterns: names, keywords and engine clauses are found by
/// their place in the statement, never inside a string, a quoted name or a comment, and the rest of the statement is
/// copied byte for byte. A statement it does not know how to place (an unknown table, an engine outside the
/// MergeTree family, a RENAME of a sharded table) is refused rather than guessed.
/// The ZooKeeper path of every Replicated table is <c>/clickhouse/tables/{uuid}/{shard}</c> (sharded) or
/// <c>/clickhouse/tables/{uuid}/all</c> (a copy on every node) with replica <c>{replica}</c>: <c>{uuid}</c> makes each
/// table's path its own, so <c>EXCHANGE TABLES</c> and <c>CREATE TABLE … AS</c> (whose copy gets a new uuid) never
/// make two tables share one.
/// </remarks>
public sealed class ClusterDdl
{
    public const string ShardedPath = "/clickhouse/tables/{uuid}/{shard}";

    public const string EverywherePath = "/clickhouse/tables/{uuid}/all";

    private static readonly HashSet<string> MergeTreeFamily = new(StringComparer.OrdinalIgnoreCase)
    {
        "MergeTree", "ReplacingMergeTree", "SummingMergeTree", "AggregatingMergeTree", "CollapsingMergeTree",
        "VersionedCollapsingMergeTree", "GraphiteMergeTree", "CoalescingMergeTree",
    };

    private readonly string _onCluster;
    private readonly string _database;

    /// <param name="cluster">The cluster's name as in the servers' <c>remote_servers</c>.</param>
    /// <param name="database">The database the Distributed tables read from on each shard.</param>
    public ClusterDdl(string cluster, string database)
    {
        Cluster = cluster;
        _database = database;
        _onCluster = " ON CLUSTER " + ClickHouseText.QuoteIdentifier(cluster);
    }

    public string Cluster { get; }

    /// <summary>The statements to run on the cluster, in order, for <paramref name="sql"/> (one statement).</summary>
    public IReadOnlyList<string> Rewrite(string sql)
    {
        var statement = new Statement(sql, SqlTokens.Read(sql));
        if (statement.Count == 0)
        {
            return [sql];
        }
        var first = statement[0];
        IReadOnlyList<string>? rewritten = null;
        if (first.Is("CREATE"))
        {
            var i = statement.Is(1, "OR") && statement.Is(2, "REPLACE") ? 3 : 1;
            rewritten = statement.Is(i, "TABLE") ? CreateTable(statement, i + 1)
                : statement.Is(i, "VIEW") || statement.Is(i, "DATABASE") ? [statement.InsertAfterName(SkipIf(statement, i + 1, "NOT", "EXISTS"), _onCluster)]
                : throw statement.Refuse("only CREATE TABLE, VIEW and DATABASE are known");
        }
        else if (first.Is("DROP"))
        {
            rewritten = Drop(statement);
        }
        else if (first.Is("TRUNCATE"))
        {
            rewritten = Truncate(statement);
        }
        else if (first.Is("ALTER"))
        {
            rewritten = statement.Is(1, "TABLE") ? Alter(statement) : throw statement.Refuse("only ALTER TABLE is known");
        }
        else if (first.Is("EXCHANGE"))
        {
            rewritten = Exchange(statement);
        }
        else if (first.Is("RENAME"))
        {
            rewritten = Rename(statement);
        }
        if (rewritten is null)
        {
            return [sql];
        }
        if (statement.NamesCluster())
        {
            throw statement.Refuse("it already says ON CLUSTER; the SQL files stay in the one dialect and the cluster is added here");
        }
        return rewritten;
    }

    private IReadOnlyList<string> CreateTable(Statement statement, int i)
    {
        var ifNotExists = statement.Is(i, "IF");
        i = SkipIf(statement, i, "NOT", "EXISTS");
        var name = statement.NameAt(i);
        if (!ClusterTopology.IsKnown(name.Table))
        {
            throw statement.Refuse($"table {name.Table} has no place on a cluster: add it to ClusterTopology as sharded or replicated");
        }
        var edits = new List<Edit>();
        var key = ClusterTopology.ShardingKeyOf(name.Table);
        var afterName = name.Next;
        if (statement.Is(afterName, "AS"))
        {
            if (statement.Is(afterName + 1, "SELECT") || statement.IsSymbol(afterName + 1, '('))
            {
                throw statement.Refuse("CREATE TABLE … AS SELECT is not known");
            }
            var source = statement.NameAt(afterName + 1);
            if ((ClusterTopology.ShardingKeyOf(source.Table) is null) != (key is null))
            {
                throw statement.Refuse($"{name.Table} and {source.Table} live apart (one sharded, one replicated)");
            }
            if (key is not null)
            {
                edits.Add(source.Rename(ClusterTopology.LocalSuffix));
            }
        }
        var engine = statement.EngineClause(afterName);
        if (engine is { } clause)
        {
            edits.Add(new Edit(clause.Start, clause.End, ReplicatedEngine(statement, clause, key is null ? EverywherePath : ShardedPath)));
        }
        if (key is null)
        {
            edits.Add(new Edit(name.End, name.End, _onCluster));
            return [statement.Apply(edits)];
        }
        var localEdit = name.Rename(ClusterTopology.LocalSuffix);
        edits.Add(localEdit with { Text = localEdit.Text + _onCluster });
        var local = name.Renamed(ClusterTopology.LocalSuffix);
        var distributed = new StringBuilder("CREATE TABLE ");
        if (ifNotExists)
        {
            distributed.Append("IF NOT EXISTS ");
        }
        distributed.Append(name.Text).Append(_onCluster).Append(" AS ").Append(local)
            .Append(" ENGINE = Distributed(").Append(ClickHouseText.QuoteLiteral(Cluster)).Append(", ")
            .Append(ClickHouseText.QuoteLiteral(name.Database ?? _database)).Append(", ")
            .Append(ClickHouseText.QuoteLiteral(name.Table + ClusterTopology.LocalSuffix)).Append(", ").Append(key).Append(')');
        return [statement.Apply(edits), distributed.ToString()];
    }

    private static string ReplicatedEngine(Statement statement, EngineRange engine, string path)
    {
        if (!MergeTreeFamily.Contains(engine.Name))
        {
            throw statement.Refuse($"engine {engine.Name} has no Replicated counterpart");
        }
        var arguments = ClickHouseText.QuoteLiteral(path) + ", " + ClickHouseText.QuoteLiteral("{replica}");
        if (engine.Arguments.Trim().Length > 0)
        {
            arguments += ", " + engine.Arguments.Trim();
        }
        return $"Replicated{engine.Name}({arguments})";
    }

    private IReadOnlyList<string> Drop(Statement statement)
    {
        var kind = 1;
        if (statement.Is(kind, "TEMPORARY"))
        {
            throw statement.Refuse("temporary tables stay on one node");
        }
        if (!statement.Is(kind, "TABLE") && !statement.Is(kind, "VIEW") && !statement.Is(kind, "DATABASE") && !statement.Is(kind, "DICTIONARY"))
        {
            throw statement.Refuse("only DROP TABLE, VIEW, DATABASE and DICTIONARY are known");
        }
        var name = statement.NameAt(SkipIf(statement, kind + 1, "EXISTS"));
        var onCluster = statement.Apply([new Edit(name.End, name.End, _onCluster)]);
        if (!statement.Is(kind, "TABLE") || ClusterTopology.ShardingKeyOf(name.Table) is null)
        {
            return [onCluster];
        }
        // The Distributed table first: it must never point at a local table that is gone.
        var local = name.Rename(ClusterTopology.LocalSuffix);
        return [onCluster, statement.Apply([local with { Text = local.Text + _onCluster }])];
    }

    private IReadOnlyList<string> Truncate(Statement statement)
    {
        var i = statement.Is(1, "TEMPORARY") ? throw statement.Refuse("temporary tables stay on one node") : 1;
        i = statement.Is(i, "TABLE") ? i + 1 : i;
        var name = statement.NameAt(SkipIf(statement, i, "EXISTS"));
        // A Distributed table holds no rows of its own: the local tables are emptied.
        var edit = ClusterTopology.ShardingKeyOf(name.Table) is null ? new Edit(name.End, name.End, "") : name.Rename(ClusterTopology.LocalSuffix);
        return [statement.Apply([edit with { Text = edit.Text + _onCluster }])];
    }

    private IReadOnlyList<string> Alter(Statement statement)
    {
        var name = statement.NameAt(2);
        var onCluster = statement.Apply([new Edit(name.End, name.End, _onCluster)]);
        if (ClusterTopology.ShardingKeyOf(name.Table) is null)
        {
            return [onCluster];
        }
        var local = name.Rename(ClusterTopology.LocalSuffix);
        var onLocal = statement.Apply([local with { Text = local.Text + _onCluster }]);
        // Mutations (UPDATE, DELETE) run on the local tables; a column change must reach the Distributed table too.
        var commands = statement.TopLevelCommands(name.Next);
        var columnCommands = commands.Count(command => command.Count > 1 && command[1].Is("COLUMN"));
        return columnCommands == 0 ? [onLocal]
            : columnCommands == commands.Count ? [onLocal, onCluster]
            : throw statement.Refuse("mix column changes with other commands in separate statements");
    }

    private IReadOnlyList<string> Exchange(Statement statement)
    {
        if (!statement.Is(1, "TABLES"))
        {
            throw statement.Refuse("only EXCHANGE TABLES is known");
        }
        var left = statement.NameAt(2);
        if (!statement.Is(left.Next, "AND"))
        {
            throw statement.Refuse("expected EXCHANGE TABLES a AND b");
        }
        var right = statement.NameAt(left.Next + 1);
        var sharded = ClusterTopology.ShardingKeyOf(left.Table) is not null;
        if (sharded != (ClusterTopology.ShardingKeyOf(right.Table) is not null))
        {
            throw statement.Refuse($"{left.Table} and {right.Table} live apart (one sharded, one replicated)");
        }
        if (!sharded)
        {
            return [statement.Apply([new Edit(right.End, right.End, _onCluster)])];
        }
        // The local tables swap; each Distributed table keeps reading the local table of its own name, now the other data.
        var rightLocal = right.Rename(ClusterTopology.LocalSuffix);
        return [statement.Apply([left.Rename(ClusterTopology.LocalSuffix), rightLocal with { Text = rightLocal.Text + _onCluster }])];
    }

    private IReadOnlyList<string> Rename(Statement statement)
    {
        if (!statement.Is(1, "TABLE") && !statement.Is(1, "DATABASE") && !statement.Is(1, "DICTIONARY"))
        {
            throw statement.Refuse("only RENAME TABLE, DATABASE and DICTIONARY are known");
        }
        var i = 2;
        var last = 2;
        while (i < statement.Count)
        {
            var from = statement.NameAt(i);
            var to = statement.Is(from.Next, "TO") ? statement.NameAt(from.Next + 1) : throw statement.Refuse("expected RENAME … a TO b");
            if (statement.Is(1, "TABLE") && (ClusterTopology.ShardingKeyOf(from.Table) is not null || ClusterTopology.ShardingKeyOf(to.Table) is not null))
            {
                throw statement.Refuse($"a sharded table ({from.Table}) is not renamed: its Distributed table names its local table");
            }
            last = to.Next;
            i = statement.IsSymbol(to.Next, ',') ? to.Next + 1 : statement.Count;
        }
        var end = statement[last - 1].End;
        return [statement.Apply([new Edit(end, end, _onCluster)])];
    }

    /// <summary>Skips <c>IF [NOT] EXISTS</c> at <paramref name="i"/>; the index after it.</summary>
    private static int SkipIf(Statement statement, int i, params string[] words)
    {
        if (!statement.Is(i, "IF"))
        {
            return i;
        }
        for (var k = 0; k < words.Length; k++)
        {
            if (!statement.Is(i + 1 + k, words[k]))
            {
                return i;
            }
        }
        return i + 1 + words.Length;
    }
}
