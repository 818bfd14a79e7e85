using System.Text.RegularExpressions;

namespace Analytics.Storage.ClickHouse.Cluster;

/// <summary>
/// Where each table of the schema lives on a ClickHouse cluster: <b>sharded</b> (a Replicated* local table
/// <c>&lt;name&gt;__local</c> on every shard, fronted by a Distributed table with the original name, rows placed by
/// a sharding key) or <b>replicated</b> (one Replicated* table with a full copy on every node). Every table the
/// migrations create must be named here, so a new table gets a decision rather than a default.
/// </summary>
/// <remarks>
/// Sharding keys (docs/operations.md "Topology"): the event tables that grow with history are sharded by the entity
/// their rows belong to for good — <c>service</c> for deployments, their commits and incidents; <c>repository</c> for
/// commits, pull requests and their reviews and commits (a service lives in one repository) — so a service's
/// deployments, commit links and incidents, and a repository's pull requests, sit on one shard. Each key is a column
/// of the table's ORDER BY key, so every version of a row lands on the same shard and <c>FINAL</c>, which the
/// Distributed table runs on each shard, still collapses them. The derived tables are rebuilt whole and read
/// grouped by team, so they are sharded by their team column: a team's rows sit on one shard. Small tables
/// (the catalog mirror, settings, bookkeeping, surveys and service requests, failure evidence, the environments
/// and service–repository pairs per service, locks) are
/// replicated to every node instead, so joining them is always local.
/// </remarks>
public static partial class ClusterTopology
{
    /// <summary>The suffix of a sharded table's local (Replicated*) table behind its Distributed table.</summary>
    public const string LocalSuffix = "__local";

    /// <summary>The sharded tables and their sharding keys (a ClickHouse expression over the table's columns).</summary>
    public static readonly IReadOnlyDictionary<string, string> ShardingKeys = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["commits"] = "cityHash64(repository)",
        ["commit_paths"] = "cityHash64(repository)",
        ["pull_requests"] = "cityHash64(repository)",
        ["pull_request_commits"] = "cityHash64(repository)",
        ["pull_request_reviews"] = "cityHash64(repository)",
        ["deployments"] = "cityHash64(service)",
        ["deployment_commits"] = "cityHash64(service)",
        ["incidents"] = "cityHash64(service)",
        ["production_deployments"] = "cityHash64(team)",
        ["failed_production_attempts"] = "cityHash64(team)",
        ["attributed_incidents"] = "cityHash64(team)",
        ["attributed_pull_requests"] = "cityHash64(team)",
        ["commit_shipments"] = "cityHash64(owner)",
        ["pull_request_shipments"] = "cityHash64(owner)",
        // By the pull request's team, not the reviewer's: each review sits on the shard of its pull request's row.
        ["attributed_reviews"] = "cityHash64(pull_request_team)",
    };

    /// <summary>The tables with a full copy on every node.</summary>
    public static readonly IReadOnlySet<string> Replicated = new HashSet<string>(StringComparer.Ordinal)
    {
        "schema_migrations",
        "schema_migration_steps",
        "derived_refreshes",
        "catalog_service_ownership",
        "catalog_team_membership",
        "catalog_identities",
        "catalog_service_templates",
        "catalog_production_environments",
        "catalog_services",
        "catalog_templates",
        "settings_hotfix_rules",
        "survey_responses",
        "survey_wave_closures",
        "service_requests",
        "deployment_failure_evidence",
        // A few rows per service (migration 0024), joined by the production deployments' and failed attempts' refresh.
        "deployment_environments",
        "service_repositories",
        "github_webhook_deliveries",
        "deliveries",
    };

    /// <summary>The sharding key of <paramref name="table"/> (or of the table it stages), or null when it is not sharded.</summary>
    public static string? ShardingKeyOf(string table) => ShardingKeys.GetValueOrDefault(BaseTable(table));

    /// <summary>Whether <paramref name="table"/> is known: sharded, replicated, a copy of either, or a lock.</summary>
    public static bool IsKnown(string table)
    {
        var name = BaseTable(table);
        return ShardingKeys.ContainsKey(name) || Replicated.Contains(name) || name.StartsWith("lock__", StringComparison.Ordinal);
    }

    /// <summary>
    /// The table <paramref name="table"/> is a working copy of (a refresh's <c>__next_…</c>, a run's <c>__run_…</c>,
    /// a migration's <c>__repartitioned</c> or <c>__rekeyed</c>), or the table itself: a copy lives where its original does.
    /// </summary>
    public static string BaseTable(string table)
    {
        var match = WorkingCopy().Match(table);
        return match.Success ? match.Groups["base"].Value : table;
    }

    [GeneratedRegex("^(?<base>.+?)__(?:next(?:_[0-9a-f]+)?|run_[0-9]+|repartitioned|rekeyed)$", RegexOptions.CultureInvariant)]
    private static partial Regex WorkingCopy();
}
