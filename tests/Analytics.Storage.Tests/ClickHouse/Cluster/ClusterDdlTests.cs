using System.Text.RegularExpressions;
using Analytics.Storage;
using Analytics.Storage.ClickHouse.Cluster;
using Analytics.Storage.ClickHouse.Embedded;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Storage.Tests.ClickHouse.Cluster;

/// <summary>
/// The cluster DDL (<see cref="ClusterDdl"/>) for every migration and every statement the app issues, parsed by the
/// real embedded engine (<c>formatQuerySingleLine</c>: ClickHouse's own parser; a syntax error fails the test).
/// No ClickHouse cluster or Keeper runs here, so parsing is what is verified, not execution.
/// </summary>
public sealed partial class ClusterDdlTests
{
    private const string ClusterName = "metrics-cluster";

    private const string Database = "analytics";

    private static readonly ClusterDdl Ddl = new(ClusterName, Database);

    private static readonly string OnCluster = $" ON CLUSTER `{ClusterName}`";

    [Fact]
    public async Task Every_migration_becomes_cluster_ddl_that_the_engine_parses_with_replicated_engines_and_distributed_tables()
    {
        await using var engine = await EmbeddedEngine.NewDatabaseAsync("cluster_parse");
        var created = new Dictionary<string, string>(StringComparer.Ordinal); // table → its formatted CREATE
        var ddlCount = 0;
        foreach (var migration in new SqlFiles().Migrations())
        {
            foreach (var statement in migration.Statements())
            {
                var rewritten = Ddl.Rewrite(statement);
                if (!IsDdl(statement))
                {
                    Assert.Equal([statement], rewritten); // INSERT, SELECT: unchanged, byte for byte
                    continue;
                }
                ddlCount++;
                foreach (var sql in rewritten)
                {
                    var formatted = await FormatAsync(engine, sql);
                    Assert.Contains(OnCluster, formatted, StringComparison.Ordinal);
                    AssertNoPlainMergeTree(formatted);
                    if (CreatedTable().Match(formatted) is { Success: true } create)
                    {
                        created[create.Groups["name"].Value] = formatted;
                    }
                }
            }
        }
        Assert.True(ddlCount > 100, $"only {ddlCount} DDL statements found in the migrations");

        foreach (var (table, key) in ClusterTopology.ShardingKeys)
        {
            Assert.Contains(
                $"CREATE TABLE IF NOT EXISTS {table}{OnCluster} AS {table}__local ENGINE = Distributed('{ClusterName}', '{Database}', '{table}__local', {key})",
                created[table], StringComparison.Ordinal);
            Assert.Contains($"ENGINE = Replicated", created[table + "__local"], StringComparison.Ordinal);
            Assert.Contains("('/clickhouse/tables/{uuid}/{shard}', '{replica}'", created[table + "__local"], StringComparison.Ordinal);
        }
        // The runner's own bookkeeping tables are created by MigrationRunner, not by a migration file.
        foreach (var table in ClusterTopology.Replicated.Where(table => table is not ("schema_migrations" or "schema_migration_steps")))
        {
            Assert.Matches(@"ENGINE = Replicated\w*MergeTree\('/clickhouse/tables/\{uuid\}/all', '\{replica\}'", created[table]);
            Assert.DoesNotContain(table + "__local", created.Keys);
        }
        // The engine arguments of the file survive behind the replication ones: the version column of a ReplacingMergeTree.
        Assert.Contains("ReplicatedReplacingMergeTree('/clickhouse/tables/{uuid}/{shard}', '{replica}', ingested_at)", created["deployments__local"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_statements_the_app_issues_for_refreshes_the_mirror_and_locks_become_cluster_ddl_that_the_engine_parses()
    {
        var issued = new List<string>();
        await using var engine = await EmbeddedEngine.NewDatabaseAsync("cluster_issued");
        var recorder = new Recorder(engine, issued);
        var sqlFiles = new SqlFiles();
        var store = new DerivedTablesStore(recorder, sqlFiles, TimeSpan.Zero);
        await new MigrationRunner(store, sqlFiles).MigrateAsync();
        await using var catalog = await CatalogTestDatabase.CreateMigratedAsync();
        await new CatalogMirrorSync(catalog.MirrorExport, store).SyncAsync();
        await store.RefreshStaleAsync();
        // An ingest run's staging table, published into its event table.
        var run = new Analytics.Ingestors.Runs.RunStaging(store, 7, (_, _) => Task.CompletedTask);
        await run.InsertAsync("incidents", ["incident_id", "service", "severity", "title", "started_at", "resolved_at", "caused_by_deployment_id", "url", "source"],
            [["i1", "api", "sev1", "x", new DateTimeOffset(2025, 1, 7, 12, 0, 0, TimeSpan.Zero), null, "", "", "t"]], CancellationToken.None);
        await run.PublishAsync(CancellationToken.None);
        var scheduler = new StoreLock(store, "scheduler", TimeSpan.FromSeconds(60));
        Assert.True(await scheduler.TryAcquireAsync(CancellationToken.None));
        await scheduler.ReleaseAsync(CancellationToken.None);

        var ddl = issued.Where(IsDdl).ToList();
        var rewritten = new List<string>();
        foreach (var statement in ddl)
        {
            foreach (var sql in Ddl.Rewrite(statement))
            {
                var formatted = await FormatAsync(engine, sql);
                Assert.Contains(OnCluster, formatted, StringComparison.Ordinal);
                AssertNoPlainMergeTree(formatted);
                rewritten.Add(formatted);
            }
        }

        foreach (var table in sqlFiles.DerivedTables().Select(table => table.Name))
        {
            var sharded = ClusterTopology.ShardingKeyOf(table) is not null;
            // Swapped on the local tables (sharded) or the replicated table itself; the Distributed table is never touched.
            var exchange = new Regex($@"^EXCHANGE TABLES {table}{(sharded ? "__local" : "")} AND {table}__next_[0-9a-f]{{12}}{(sharded ? "__local" : "")}{Regex.Escape(OnCluster)}$");
            Assert.Contains(rewritten, exchange.IsMatch);
            if (sharded)
            {
                Assert.Contains(rewritten, sql => new Regex($@"^CREATE TABLE {table}__next_[0-9a-f]{{12}}__local{Regex.Escape(OnCluster)} AS {table}__local$").IsMatch(sql));
                Assert.Contains(rewritten, sql => new Regex($@"^CREATE TABLE {table}__next_[0-9a-f]{{12}}{Regex.Escape(OnCluster)} AS {table}__next_[0-9a-f]{{12}}__local ENGINE = Distributed\('{ClusterName}', '{Database}', '{table}__next_[0-9a-f]{{12}}__local', {Regex.Escape(ClusterTopology.ShardingKeys[table])}\)$").IsMatch(sql));
                Assert.Contains(rewritten, sql => new Regex($@"^DROP TABLE IF EXISTS {table}__next_[0-9a-f]{{12}}__local{Regex.Escape(OnCluster)} SYNC$").IsMatch(sql));
            }
        }
        Assert.Contains(rewritten, sql => sql.StartsWith("EXCHANGE TABLES catalog_service_ownership AND catalog_service_ownership__next_", StringComparison.Ordinal));
        Assert.Contains($"CREATE TABLE IF NOT EXISTS incidents__run_7__local{OnCluster} AS incidents__local", rewritten);
        Assert.Contains($"CREATE TABLE IF NOT EXISTS incidents__run_7{OnCluster} AS incidents__run_7__local ENGINE = Distributed('{ClusterName}', '{Database}', 'incidents__run_7__local', cityHash64(service))", rewritten);
        Assert.Contains(rewritten, sql => sql.StartsWith("DROP TABLE ", StringComparison.Ordinal) && sql.Contains($"incidents__run_7__local{OnCluster}", StringComparison.Ordinal));
        Assert.Contains(rewritten, sql => sql.StartsWith($"CREATE TABLE lock__scheduler{OnCluster} (", StringComparison.Ordinal)
            && sql.Contains("ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{uuid}/all', '{replica}', expires_at)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_a_cluster_the_app_builds_the_schema_from_the_files_as_written()
    {
        // The store the app registers by default (embedded), against a database migrated straight from the files.
        var database = $"plain_{Guid.NewGuid():N}";
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Analytics:Store:DataPath"] = EmbeddedEngine.DataPath,
            ["Analytics:Store:Database"] = database,
            ["ConnectionStrings:Catalog"] = $"Data Source={Path.Combine(Path.GetTempPath(), database + ".db")}",
        }).Build();
        await using var provider = new ServiceCollection().AddAnalyticsStorage(configuration).BuildServiceProvider();
        Assert.Null(provider.GetRequiredService<IOptions<StoreOptions>>().Value.Cluster);
        await provider.GetRequiredService<MigrationRunner>().MigrateAsync();

        var issued = new List<string>();
        await using var reference = await EmbeddedEngine.NewDatabaseAsync("plain_reference");
        await new MigrationRunner(new Recorder(reference, issued), new SqlFiles()).MigrateAsync();
        var fileStatements = new SqlFiles().Migrations().SelectMany(migration => migration.Statements()).ToList();
        Assert.Equal(fileStatements, issued.Where(statement => fileStatements.Contains(statement)).Distinct().ToList());

        var app = await SchemaAsync(reference, database);
        var files = await SchemaAsync(reference, reference.Database);
        Assert.Equal(files.Select(table => table.Name), app.Select(table => table.Name));
        for (var i = 0; i < files.Count; i++)
        {
            Assert.Equal(files[i].CreateTableQuery.Replace(reference.Database, "<db>", StringComparison.Ordinal), app[i].CreateTableQuery.Replace(database, "<db>", StringComparison.Ordinal));
        }
        Assert.DoesNotContain(app, table => table.Engine.StartsWith("Replicated", StringComparison.Ordinal) || table.Engine == "Distributed" || table.Name.EndsWith("__local", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_derived_tables_fingerprint_on_a_cluster_reads_every_nodes_parts_and_the_engine_parses_it()
    {
        await using var engine = await EmbeddedEngine.NewDatabaseAsync("cluster_parts");
        var query = new ClusterStore(engine, Ddl).PartsStateQuery;
        var formatted = await FormatAsync(engine, query);
        Assert.Contains($"FROM clusterAllReplicas('{ClusterName}', system.parts)", formatted, StringComparison.Ordinal);
        Assert.Contains($"database = '{engine.Database}'", formatted, StringComparison.Ordinal);
        Assert.Contains("GROUP BY source, host", formatted, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_engines_parser_refuses_a_malformed_statement_so_parsing_proves_something()
    {
        await using var engine = await EmbeddedEngine.NewDatabaseAsync("cluster_malformed");
        await Assert.ThrowsAsync<ClickHouseException>(() => FormatAsync(engine, "CREATE TABLE t ON CLUSTER (x UInt8) ENGINE = MergeTree ORDER BY x"));
        await Assert.ThrowsAsync<ClickHouseException>(() => FormatAsync(engine, "EXCHANGE TABLES a ON CLUSTER c AND b"));
    }

    [Fact]
    public async Task Names_keywords_and_engines_are_found_by_grammar_not_by_text()
    {
        // A comment and a string that look like DDL, and a quoted name, stay as they are.
        var rewritten = Ddl.Rewrite("""
            -- ENGINE = MergeTree in a comment; DROP TABLE x
            CREATE TABLE IF NOT EXISTS `deployments` (service String DEFAULT 'ENGINE = MergeTree', engine String)
            ENGINE = ReplacingMergeTree(ingested_at) ORDER BY service
            """);
        Assert.Equal(2, rewritten.Count);
        Assert.Contains("-- ENGINE = MergeTree in a comment; DROP TABLE x", rewritten[0], StringComparison.Ordinal);
        Assert.Contains($"CREATE TABLE IF NOT EXISTS `deployments__local`{OnCluster} (service String DEFAULT 'ENGINE = MergeTree', engine String)", rewritten[0], StringComparison.Ordinal);
        Assert.Contains("ENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{uuid}/{shard}', '{replica}', ingested_at) ORDER BY service", rewritten[0], StringComparison.Ordinal);
        Assert.Equal($"CREATE TABLE IF NOT EXISTS `deployments`{OnCluster} AS `deployments__local` ENGINE = Distributed('{ClusterName}', '{Database}', 'deployments__local', cityHash64(service))", rewritten[1]);

        // A column change reaches the local and the Distributed tables; a mutation only the local ones.
        Assert.Equal(
            [$"ALTER TABLE deployments__local{OnCluster} ADD COLUMN IF NOT EXISTS ref String DEFAULT ''", $"ALTER TABLE deployments{OnCluster} ADD COLUMN IF NOT EXISTS ref String DEFAULT ''"],
            Ddl.Rewrite("ALTER TABLE deployments ADD COLUMN IF NOT EXISTS ref String DEFAULT ''"));
        Assert.Equal([$"ALTER TABLE deployments__local{OnCluster} UPDATE kind = '' WHERE kind = 'normal' SETTINGS mutations_sync = 2"],
            Ddl.Rewrite("ALTER TABLE deployments UPDATE kind = '' WHERE kind = 'normal' SETTINGS mutations_sync = 2"));
        Assert.Equal([$"TRUNCATE TABLE settings_hotfix_rules{OnCluster}"], Ddl.Rewrite("TRUNCATE TABLE settings_hotfix_rules"));
        Assert.Equal([$"DROP TABLE commits__run_7{OnCluster}", $"DROP TABLE commits__run_7__local{OnCluster}"], Ddl.Rewrite("DROP TABLE commits__run_7"));
        Assert.Equal([$"CREATE DATABASE IF NOT EXISTS `analytics`{OnCluster}"], Ddl.Rewrite("CREATE DATABASE IF NOT EXISTS `analytics`"));

        // Statements of the app that the migrations do not show (erasure, hotfix rules, restore) parse too.
        await using var engine = await EmbeddedEngine.NewDatabaseAsync("cluster_other");
        foreach (var statement in new[]
        {
            "ALTER TABLE survey_responses DELETE WHERE has({hashes:Array(String)}, respondent_hash) SETTINGS mutations_sync = 2",
            "TRUNCATE TABLE settings_hotfix_rules",
            "RENAME DATABASE `analytics` TO `analytics__before_restore`",
            "DROP DATABASE IF EXISTS `analytics__before_restore` SYNC",
        })
        {
            Assert.Contains(OnCluster, await FormatAsync(engine, Assert.Single(Ddl.Rewrite(statement))), StringComparison.Ordinal);
        }

        // Queries and inserts name the Distributed tables: unchanged.
        const string query = "SELECT count() FROM deployments FINAL WHERE service = 'DROP TABLE x'";
        Assert.Same(query, Assert.Single(Ddl.Rewrite(query)));
    }

    [Fact]
    public void What_cannot_be_placed_on_a_cluster_is_refused_with_the_reason()
    {
        Assert.Contains("table mystery has no place on a cluster", Assert.Throws<NotSupportedException>(() =>
            Ddl.Rewrite("CREATE TABLE mystery (x UInt8) ENGINE = MergeTree ORDER BY x")).Message, StringComparison.Ordinal);
        Assert.Contains("already says ON CLUSTER", Assert.Throws<NotSupportedException>(() =>
            Ddl.Rewrite("DROP TABLE IF EXISTS commits ON CLUSTER other")).Message, StringComparison.Ordinal);
        Assert.Contains("engine Memory has no Replicated counterpart", Assert.Throws<NotSupportedException>(() =>
            Ddl.Rewrite("CREATE TABLE catalog_templates (x UInt8) ENGINE = Memory")).Message, StringComparison.Ordinal);
        Assert.Contains("live apart", Assert.Throws<NotSupportedException>(() =>
            Ddl.Rewrite("EXCHANGE TABLES commits AND catalog_templates")).Message, StringComparison.Ordinal);
        Assert.Contains("is not renamed", Assert.Throws<NotSupportedException>(() =>
            Ddl.Rewrite("RENAME TABLE commits TO commits_old")).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_sharding_key_is_part_of_its_tables_sorting_key_so_FINAL_collapses_on_one_shard()
    {
        var migrations = string.Join("\n", new SqlFiles().Migrations().Select(migration => migration.Sql));
        foreach (var (table, key) in ClusterTopology.ShardingKeys)
        {
            var column = ShardingColumn().Match(key).Groups["column"].Value;
            var orderBy = new Regex($@"CREATE TABLE (?:IF NOT EXISTS )?{table}\b[^;]*?ORDER BY \((?<key>[^;]*?)\);", RegexOptions.Singleline)
                .Matches(migrations).Last().Groups["key"].Value;
            Assert.Contains(column, orderBy.Split(',').Select(part => part.Trim()));
        }
    }

    [Theory]
    [InlineData("Embedded", "metrics", "Analytics:Store:Cluster needs Analytics:Store:Transport=Server")]
    [InlineData("Server", "bad name;", "Analytics:Store:Cluster must be a cluster name")]
    public void A_cluster_setting_the_app_cannot_use_is_refused_at_start(string transport, string cluster, string expected)
    {
        var options = new StoreOptions { Transport = Enum.Parse<StoreTransport>(transport), Cluster = cluster, ServerConnectionString = "Host=ch" };
        var result = new StoreOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
        Assert.True(new StoreOptionsValidator().Validate(null, new StoreOptions { Transport = StoreTransport.Server, Cluster = "metrics-cluster", ServerConnectionString = "Host=ch" }).Succeeded);
    }

    private static bool IsDdl(string statement) => SqlTokens.Read(statement).FirstOrDefault() is { } first
        && new[] { "CREATE", "ALTER", "DROP", "EXCHANGE", "RENAME", "TRUNCATE" }.Any(first.Is);

    /// <summary>Every table engine in <paramref name="formatted"/> is Replicated* or Distributed.</summary>
    private static void AssertNoPlainMergeTree(string formatted)
    {
        foreach (Match engine in EngineName().Matches(formatted))
        {
            var name = engine.Groups["engine"].Value;
            Assert.True(name.StartsWith("Replicated", StringComparison.Ordinal) || name == "Distributed", $"{name} in: {formatted}");
        }
    }

    private static async Task<string> FormatAsync(IClickHouseStore engine, string sql) =>
        (await engine.QueryAsync<FormattedRow>("SELECT formatQuerySingleLine({sql:String}) AS text", QueryParameters.From(("sql", sql)))).Single().Text;

    private static async Task<IReadOnlyList<TableRow>> SchemaAsync(IClickHouseStore engine, string database) =>
        await engine.QueryAsync<TableRow>(
            // Without the passing lock and staging tables of a refresh the app may be running in the background.
            "SELECT name, engine, create_table_query FROM system.tables WHERE database = {database:String} AND name NOT LIKE 'lock\\_\\_%' AND name NOT LIKE '%\\_\\_next\\_%' ORDER BY name",
            QueryParameters.From(("database", database)));

    [GeneratedRegex(@"^CREATE TABLE (?:IF NOT EXISTS )?(?<name>\w+) ON CLUSTER")]
    private static partial Regex CreatedTable();

    [GeneratedRegex(@"ENGINE = (?<engine>\w+)")]
    private static partial Regex EngineName();

    [GeneratedRegex(@"cityHash64\((?<column>\w+)\)")]
    private static partial Regex ShardingColumn();

    private sealed record FormattedRow(string Text);

    private sealed record TableRow(string Name, string Engine, string CreateTableQuery);

    /// <summary>The engine, with every statement executed written down first.</summary>
    private sealed class Recorder(IClickHouseStore inner, List<string> issued) : IClickHouseStore
    {
        public string Database => inner.Database;

        public string Transport => inner.Transport;

        public Task ExecuteAsync(string sql, QueryParameters? parameters = null, CancellationToken cancellationToken = default)
        {
            lock (issued)
            {
                issued.Add(sql);
            }
            return inner.ExecuteAsync(sql, parameters, cancellationToken);
        }

        public Task<IReadOnlyList<TRow>> QueryAsync<TRow>(string sql, QueryParameters? parameters = null, CancellationToken cancellationToken = default) =>
            inner.QueryAsync<TRow>(sql, parameters, cancellationToken);

        public Task<long> InsertAsync(string table, IReadOnlyList<string> columns, IEnumerable<object?[]> rows, CancellationToken cancellationToken = default) =>
            inner.InsertAsync(table, columns, rows, cancellationToken);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
