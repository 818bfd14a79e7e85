namespace Analytics.Storage.ClickHouse;

/// <summary>How the last refresh went: whole tables, or the buckets of the services and repositories written since the one before.</summary>
/// <param name="Scoped">Whether only the written services' and repositories' buckets were rebuilt.</param>
/// <param name="Reason">Why a whole rebuild was needed, or what the scope was.</param>
/// <param name="Services">Services recomputed (scoped), after closing over the repositories they deploy.</param>
/// <param name="Repositories">Repositories recomputed (scoped).</param>
/// <param name="Tables">The derived tables refreshed.</param>
/// <param name="PartitionsReplaced">Partitions replaced over all tables (scoped), 0 for a whole rebuild.</param>
/// <param name="Elapsed">How long the refresh took, lock and fingerprints included.</param>
public sealed record DerivedRefreshReport(bool Scoped, string Reason, int Services, int Repositories, IReadOnlyList<string> Tables, int PartitionsReplaced, TimeSpan Elapsed);

/// <summary>The services and repositories whose rows a scoped refresh recomputes, with their partition ids.</summary>
public sealed record RefreshScope(IReadOnlyList<string> Services, IReadOnlyList<string> Repositories, IReadOnlyList<string> ServiceBuckets, IReadOnlyList<string> RepositoryBuckets)
{
    public IReadOnlyList<string> Keys(string scope) => scope == "service" ? Services : Repositories;

    public IReadOnlyList<string> Buckets(string scope) => scope == "service" ? ServiceBuckets : RepositoryBuckets;

    public QueryParameters Parameters() => QueryParameters.From(("scope_services", Services), ("scope_repositories", Repositories));
}

/// <summary>One active data part of a source table (system.parts): what a refresh was computed from.</summary>
public sealed record SourcePart(string Table, string Name, string PartitionId, long MinBlock, long MaxBlock, long DataVersion);

/// <summary>What the source tables held at a moment: their active parts and fingerprint states.</summary>
public sealed record SourceSnapshot(IReadOnlyList<SourcePart> Parts, IReadOnlyDictionary<string, string> States);

/// <summary>A lightweight DELETE this process ran that removes only rows of the keys it names (e.g. relinking services).</summary>
public sealed record ScopedDelete(string Table, string Column, IReadOnlyList<string> Keys);

/// <summary>
/// Decides whether the writes since the last refresh can be refreshed per service and repository, and which ones:
/// the rows written are found in the source tables' data parts that appeared since (so writes by another process
/// count too), then closed over "service deploys repository" (deployments and deployment_commits), because a
/// service's production deployments read its repositories' commits and a repository's shipments read the
/// deployments of every service that ships it (the derived table service_repositories, and the pairs of the rows
/// written). Anything it cannot scope (a catalog or settings change, a mutation it was not told the keys of, parts
/// gone, too many buckets) means a whole rebuild; so does an environment changing between production and not, which
/// the store checks once deployment_environments is refreshed (<see cref="MovedEnvironmentAsync"/>).
/// </summary>
public sealed class ScopedRefreshPlanner(IClickHouseStore store)
{
    /// <summary>Partitions per derived table: cityHash64(scope key) % 16 (migration 0022).</summary>
    public const int Buckets = 16;

    /// <summary>
    /// Above this many touched buckets of a table, a whole rebuild is chosen: each bucket rebuilt copies a
    /// sixteenth of the table, so past half of them the copying costs about what the rebuild does.
    /// </summary>
    public const int MaxBuckets = Buckets / 2;

    /// <summary>The source tables whose rows name their scope keys, and which columns do.</summary>
    private static readonly Dictionary<string, (string Column, string Scope)[]> KeyColumns = new(StringComparer.Ordinal)
    {
        ["deployments"] = [("service", "service")],
        ["incidents"] = [("service", "service")],
        ["deployment_commits"] = [("service", "service"), ("repository", "repository")],
        ["commits"] = [("repository", "repository")],
        ["pull_requests"] = [("repository", "repository")],
        ["pull_request_reviews"] = [("repository", "repository")],
    };

    /// <summary>The source tables whose rows pair a service with a repository it deploys (service_repositories' sources).</summary>
    private static readonly string[] PairSources = ["deployments", "deployment_commits"];

    /// <summary>Whether a table's rows are scoped by a key column (so a DELETE on it naming keys can be scoped).</summary>
    public static bool IsScopedSource(string table, string column) =>
        KeyColumns.TryGetValue(table, out var columns) && columns.Any(c => c.Column == column);

    /// <summary>Every active part of <paramref name="tables"/>.</summary>
    public Task<IReadOnlyList<SourcePart>> PartsAsync(IReadOnlyList<string> tables, CancellationToken cancellationToken) =>
        store.QueryAsync<SourcePart>("""
            SELECT table, name, partition_id, toInt64(min_block_number) AS min_block, toInt64(max_block_number) AS max_block, toInt64(data_version) AS data_version
            FROM system.parts
            WHERE database = currentDatabase() AND active AND table IN {tables:Array(String)}
            """, QueryParameters.From(("tables", tables)), cancellationToken);

    /// <summary>
    /// The derived table environment_classification adds up (migration 0024): once it is refreshed, which environments
    /// are production is known again (<see cref="MovedEnvironmentAsync"/>).
    /// </summary>
    public const string EnvironmentsTable = "deployment_environments";

    /// <summary>
    /// Which (source, environment) pairs are production (view environment_classification over the derived table
    /// deployment_environments, a few rows per service): it depends on every service's deployments (the latest
    /// stated tier), so a pair changing side moves other services' rows.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, bool>> ProductionAsync(CancellationToken cancellationToken) =>
        (await store.QueryAsync<EnvironmentRow>(
            "SELECT concat(source, '/', environment) AS environment, is_production FROM environment_classification", cancellationToken: cancellationToken))
            .ToDictionary(row => row.Environment, row => row.IsProduction, StringComparer.Ordinal);

    /// <summary>
    /// Why the rows of other services than the scope's must be recomputed after deployment_environments was refreshed
    /// for the scope: an environment that was production and is no longer, or the reverse, or is gone; null when none.
    /// A pair seen for the first time is only on rows just written, which are in scope.
    /// </summary>
    public async Task<string?> MovedEnvironmentAsync(IReadOnlyDictionary<string, bool> previous, CancellationToken cancellationToken)
    {
        var current = await ProductionAsync(cancellationToken);
        return previous.FirstOrDefault(pair => current.GetValueOrDefault(pair.Key, !pair.Value) != pair.Value) is { Key: not null } moved
            ? $"environment {moved.Key} changed between production and not"
            : null;
    }

    /// <summary>The scope to refresh, or null and why a whole rebuild is needed.</summary>
    public async Task<(RefreshScope? Scope, string Reason)> PlanAsync(SourceSnapshot previous, SourceSnapshot current, IReadOnlyList<ScopedDelete> deletes, IEnumerable<string> sources, CancellationToken cancellationToken)
    {
        var services = new HashSet<string>(StringComparer.Ordinal);
        var repositories = new HashSet<string>(StringComparer.Ordinal);
        var newParts = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var table in sources)
        {
            if (!KeyColumns.ContainsKey(table))
            {
                if (previous.States.GetValueOrDefault(table) != current.States.GetValueOrDefault(table))
                {
                    return (null, $"{table} changed");
                }
                continue;
            }
            var before = previous.Parts.Where(p => p.Table == table).ToList();
            var now = current.Parts.Where(p => p.Table == table).ToList();
            var known = before.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
            var lastBlock = before.Count == 0 ? 0 : before.Max(p => Math.Max(p.MaxBlock, p.DataVersion));
            // A part that is gone without a merge covering its blocks took rows with it (TRUNCATE, DROP PARTITION).
            if (before.Any(old => !now.Any(p => p.PartitionId == old.PartitionId && p.MinBlock <= old.MinBlock && old.MaxBlock <= p.MaxBlock)))
            {
                return (null, $"parts of {table} were dropped");
            }
            foreach (var part in now.Where(p => !known.Contains(p.Name)))
            {
                // Rewritten by a mutation since: rows may be gone, and only a DELETE naming its keys says whose.
                if (part.DataVersion != part.MinBlock && part.DataVersion > lastBlock && !deletes.Any(d => d.Table == table))
                {
                    return (null, $"{table} was mutated");
                }
                if (part.MaxBlock > lastBlock)
                {
                    (newParts.TryGetValue(table, out var list) ? list : newParts[table] = []).Add(part.Name);
                }
            }
        }
        foreach (var delete in deletes)
        {
            (KeyColumns[delete.Table].First(c => c.Column == delete.Column).Scope == "service" ? services : repositories).UnionWith(delete.Keys);
        }
        await AddWrittenKeysAsync(newParts, services, repositories, cancellationToken);
        if (services.Count == 0 && repositories.Count == 0)
        {
            return (new RefreshScope([], [], [], []), "nothing written");
        }
        await CloseOverDeploymentsAsync(services, repositories, newParts, cancellationToken);
        var serviceBuckets = await BucketsAsync(services, cancellationToken);
        var repositoryBuckets = await BucketsAsync(repositories, cancellationToken);
        if (serviceBuckets.Count > MaxBuckets || repositoryBuckets.Count > MaxBuckets)
        {
            return (null, $"{services.Count} services and {repositories.Count} repositories touch over {MaxBuckets} of {Buckets} partitions");
        }
        return (new RefreshScope(services.Order(StringComparer.Ordinal).ToList(), repositories.Order(StringComparer.Ordinal).ToList(), serviceBuckets, repositoryBuckets),
            $"{services.Count} services, {repositories.Count} repositories");
    }

    /// <summary>The keys of the rows in the parts that appeared (a part merged since may hold older rows too: more keys, still right).</summary>
    private async Task AddWrittenKeysAsync(Dictionary<string, List<string>> newParts, HashSet<string> services, HashSet<string> repositories, CancellationToken cancellationToken)
    {
        if (newParts.Count == 0)
        {
            return;
        }
        var parameters = new QueryParameters();
        var selects = new List<string>();
        foreach (var (table, parts) in newParts)
        {
            parameters[$"parts_{table}"] = parts;
            // Table and column names come from this class, not from input.
            selects.AddRange(KeyColumns[table].Select(key =>
                $"SELECT DISTINCT '{key.Scope}' AS scope, toString({key.Column}) AS key FROM {table} WHERE _part IN {{parts_{table}:Array(String)}}"));
        }
        foreach (var row in await store.QueryAsync<KeyRow>(string.Join("\nUNION ALL\n", selects), parameters, cancellationToken))
        {
            (row.Scope == "service" ? services : repositories).Add(row.Key);
        }
    }

    /// <summary>
    /// Adds, until nothing changes, the repositories the services deploy and the services deploying the repositories:
    /// the pairs the derived tables were computed from (service_repositories, not yet refreshed) and those of the rows
    /// written since (the new parts of deployments and deployment_commits). Pairs deleted since count too: more keys,
    /// still right.
    /// </summary>
    private async Task CloseOverDeploymentsAsync(HashSet<string> services, HashSet<string> repositories, Dictionary<string, List<string>> newParts, CancellationToken cancellationToken)
    {
        var parameters = new QueryParameters();
        var selects = new List<string> { "SELECT toString(service) AS service, toString(repository) AS repository FROM service_repositories" };
        foreach (var table in PairSources.Where(newParts.ContainsKey))
        {
            parameters[$"pairs_{table}"] = newParts[table];
            // The names come from this class, not from input.
            selects.Add($"SELECT DISTINCT toString(service) AS service, toString(repository) AS repository FROM {table} WHERE _part IN {{pairs_{table}:Array(String)}} AND repository != ''");
        }
        var pairs = await store.QueryAsync<PairRow>(string.Join("\nUNION ALL\n", selects), parameters, cancellationToken);
        var byService = pairs.ToLookup(p => p.Service, p => p.Repository, StringComparer.Ordinal);
        var byRepository = pairs.ToLookup(p => p.Repository, p => p.Service, StringComparer.Ordinal);
        var pendingServices = new Queue<string>(services);
        var pendingRepositories = new Queue<string>(repositories);
        while (pendingServices.Count > 0 || pendingRepositories.Count > 0)
        {
            while (pendingServices.TryDequeue(out var service))
            {
                foreach (var repository in byService[service].Where(repositories.Add))
                {
                    pendingRepositories.Enqueue(repository);
                }
            }
            while (pendingRepositories.TryDequeue(out var repository))
            {
                foreach (var service in byRepository[repository].Where(services.Add))
                {
                    pendingServices.Enqueue(service);
                }
            }
        }
    }

    /// <summary>The partition ids of <paramref name="keys"/>, computed by the engine with the partition key's own expression.</summary>
    private async Task<IReadOnlyList<string>> BucketsAsync(HashSet<string> keys, CancellationToken cancellationToken)
    {
        if (keys.Count == 0)
        {
            return [];
        }
        var rows = await store.QueryAsync<StateRow>(
            $"SELECT DISTINCT toString(cityHash64(key) % {Buckets}) AS state FROM (SELECT arrayJoin({{keys:Array(String)}}) AS key)",
            QueryParameters.From(("keys", keys.ToList())), cancellationToken);
        return rows.Select(row => row.State).Order(StringComparer.Ordinal).ToList();
    }

    private sealed record StateRow(string State);

    private sealed record EnvironmentRow(string Environment, bool IsProduction);

    private sealed record KeyRow(string Scope, string Key);

    private sealed record PairRow(string Service, string Repository);
}
