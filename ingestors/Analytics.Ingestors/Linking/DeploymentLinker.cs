using Analytics.Core.Dora;
using Analytics.Storage.ClickHouse;
using Microsoft.Extensions.Options;

namespace Analytics.Ingestors.Linking;

/// <summary>One row of deployment_commits: <paramref name="Sha"/> shipped with <paramref name="DeploymentId"/>.</summary>
/// <param name="Link"><see cref="DeploymentLinker.Exact"/> (commit ancestry) or <see cref="DeploymentLinker.Inferred"/> (time window).</param>
/// <param name="TouchesPaths">The commit is the service's because it touches paths the service owns in a shared repository.</param>
public sealed record DeploymentCommitLink(string DeploymentId, string Service, string Repository, string Sha, string Link, bool TouchesPaths = false);

/// <summary>
/// Two consecutive production deployments of a service, in one repository, whose ancestry the commits table does
/// not know yet (either sha is missing from it): the linker can only infer what <paramref name="HeadSha"/> shipped.
/// </summary>
/// <param name="BaseStored">Whether the previous deployment's sha (<paramref name="BaseSha"/>) is in the commits table.</param>
/// <param name="HeadStored">Whether this deployment's sha (<paramref name="HeadSha"/>) is.</param>
public sealed record DeploymentPairWithoutAncestry(string Service, string Repository, string BaseSha, string HeadSha, bool BaseStored, bool HeadStored);

/// <summary>What one linking pass wrote for its services.</summary>
public sealed record DeploymentLinkSummary(IReadOnlyList<string> Services, int ProductionDeployments, int ExactLinks, int InferredLinks)
{
    /// <summary>Rows the services now have in deployment_commits.</summary>
    public int Rows => ExactLinks + InferredLinks;
}

/// <summary>
/// Fills deployment_commits — the changes each production deployment shipped — for a set of services:
/// the commits reachable from the deployment's sha and not from the previous production deployment of the same
/// service (<c>git rev-list previous..sha</c>). Where that ancestry is unknown, the commits made between the two
/// deployments' finish times that reached the default branch (<see cref="ReachedDefaultBranch"/>), marked inferred. Production deployments are the <c>production_deployments</c>
/// view's, so the catalog's environment rules decide, as for every metric. A service that owns paths of a shared
/// repository (a monorepo) keeps only the commits that touch them, and those whose changed files are unknown
/// (<see cref="PathAttribution"/>); a service without paths keeps every commit.
/// </summary>
/// <remarks>
/// The graph walk is C#, not SQL: ClickHouse's recursive CTEs only support UNION ALL and see only the previous
/// iteration's rows, so they cannot skip commits already visited. A history with merges is then walked once per
/// path (61 commits in 20 merge "diamonds" produce 4,194,301 rows), and a linear history deeper than
/// max_recursive_cte_evaluation_depth (1,000) fails outright.
/// <para>
/// Given the <paramref name="derived"/> tables (as the app does), the production deployments are read after refreshing
/// only <c>production_deployments</c> and what it reads: a pass right after a deployment is written (a webhook delivery, a
/// pushed deployment) then leaves the other derived tables stale until after its own write of the links, so they are
/// refreshed once instead of twice.
/// </para>
/// </remarks>
public sealed class DeploymentLinker(IClickHouseStore store, IOptions<MetricOptions> options, DerivedTablesStore? derived = null)
{
    public const string Exact = "exact";
    public const string Inferred = "inferred";

    private static readonly string[] VersionedColumns = ["deployment_id", "service", "repository", "sha", "link", "touches_paths", "ingested_at"];

    /// <summary>
    /// A version (ingested_at) newer than every row of the services, and not before now: the engine's clock decides,
    /// and a relink within the same millisecond as the last still gets a strictly newer one.
    /// </summary>
    private const string NextVersionSql = """
        SELECT greatest(now64(3, 'UTC'), max(ingested_at) + toIntervalMillisecond(1)) AS version
        FROM deployment_commits
        WHERE service IN {services:Array(String)}
        """;

    private const string StoredLinksSql = """
        SELECT deployment_id, service, repository, sha, link, touches_paths
        FROM deployment_commits FINAL
        WHERE service IN {services:Array(String)}
        """;

    private const string ProductionDeploymentsSql = """
        SELECT deployment_id, service, repository, sha, finished_at
        FROM production_deployments
        WHERE service IN {services:Array(String)}
        ORDER BY service, finished_at, started_at, deployment_id
        """;

    private const string KnownShasSql = """
        SELECT DISTINCT repository, sha
        FROM commits
        WHERE repository IN {repositories:Array(String)} AND sha IN {shas:Array(String)}
        """;

    private const string PullRequestCommitsSql = """
        SELECT DISTINCT repository, sha
        FROM pull_request_commits
        WHERE repository IN {repositories:Array(String)}
        """;

    private const string CommitsSql = """
        SELECT repository, sha, parents, committed_at
        FROM commits FINAL
        WHERE repository IN {repositories:Array(String)}
        ORDER BY repository, sha, committed_at
        """;

    /// <summary>
    /// Recomputes the links of <paramref name="services"/> from the commits and deployments in the store and
    /// replaces their rows in deployment_commits; other services' rows are untouched. Running it again on the
    /// same data writes the same rows.
    /// </summary>
    public async Task<DeploymentLinkSummary> LinkAsync(IEnumerable<string> services, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        var serviceList = services.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (serviceList.Count == 0)
        {
            return new DeploymentLinkSummary([], 0, 0, 0);
        }

        var deployments = await ProductionDeploymentsAsync(serviceList, cancellationToken);
        var repositories = deployments.Select(d => d.Repository).Where(r => r.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        var commits = repositories.Count == 0
            ? []
            : await store.QueryAsync<CommitRow>(CommitsSql, QueryParameters.From(("repositories", repositories)), cancellationToken);
        var graphs = commits
            .GroupBy(commit => commit.Repository, StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => new CommitGraph(group.Select(c => new GraphCommit(c.Sha, c.Parents, c.CommittedAt))), StringComparer.Ordinal);

        var branchCommits = repositories.Count == 0
            ? []
            : await store.QueryAsync<KnownShaRow>(PullRequestCommitsSql, QueryParameters.From(("repositories", repositories)), cancellationToken);
        var onDefaultBranch = ReachedDefaultBranch(graphs, branchCommits);

        var paths = await PathAttribution.LoadAsync(store, serviceList, repositories, cancellationToken);
        var links = deployments
            .GroupBy(deployment => deployment.Service, StringComparer.Ordinal)
            .SelectMany(serviceDeployments => LinksOf(serviceDeployments.ToList(), graphs, onDefaultBranch, options.Value.FirstDeploymentLookback))
            .Select(link => paths.TouchesPaths(link.Service, link.Repository, link.Sha) is { } touches ? link with { TouchesPaths = touches } : null)
            .OfType<DeploymentCommitLink>()
            .ToList();

        await WriteAsync(serviceList, links, cancellationToken);
        return new DeploymentLinkSummary(serviceList, deployments.Count, links.Count(l => l.Link == Exact), links.Count(l => l.Link == Inferred));
    }

    /// <summary>
    /// Makes <paramref name="links"/> the services' rows of deployment_commits. When every stored row is among them
    /// unchanged (a new deployment adds its links; a relink that changes nothing adds none), only the new rows are
    /// inserted and nothing is deleted; when nothing is new, nothing is written at all (each statement has a fixed
    /// cost, and each write makes the derived tables that read the links stale). Otherwise the stored rows are replaced.
    /// </summary>
    private async Task WriteAsync(IReadOnlyList<string> serviceList, IReadOnlyList<DeploymentCommitLink> links, CancellationToken cancellationToken)
    {
        var stored = (await store.QueryAsync<StoredLinkRow>(StoredLinksSql, QueryParameters.From(("services", serviceList)), cancellationToken))
            .Select(row => new DeploymentCommitLink(row.DeploymentId, row.Service, row.Repository, row.Sha, row.Link, row.TouchesPaths))
            .ToHashSet();
        var onlyAdded = stored.IsSubsetOf(links);
        var written = onlyAdded ? links.Where(link => !stored.Contains(link)).ToList() : links;
        if (onlyAdded && written.Count == 0)
        {
            return;
        }
        // Otherwise replace, not add: a deployment reclassified, or an inferred link now known exactly, must lose its
        // old rows. The new rows go in first, as a version newer than every stored row of these services, so FINAL reads
        // already prefer them; only then are the older versions deleted. A reader in between sees the new links (and,
        // for a moment, old ones the new set dropped), never a service without its links.
        var version = (await store.QueryAsync<VersionRow>(NextVersionSql, QueryParameters.From(("services", serviceList)), cancellationToken)).Single().Version;
        await store.InsertAsync("deployment_commits", VersionedColumns,
            written.Select(link => new object?[] { link.DeploymentId, link.Service, link.Repository, link.Sha, link.Link, link.TouchesPaths, version }), cancellationToken);
        if (!onlyAdded)
        {
            await store.ExecuteAsync(
                "DELETE FROM deployment_commits WHERE service IN {services:Array(String)} AND ingested_at < {version:DateTime64(3, 'UTC')}",
                QueryParameters.From(("services", serviceList), ("version", version)), cancellationToken);
        }
    }

    /// <summary>
    /// The consecutive production deployments of <paramref name="services"/> (in finish order, as linking pairs
    /// them) that would be linked by time window because the commits table lacks either sha: where fetching the
    /// commits between the two makes the link exact. A service's first deployment has no previous one and is never
    /// part of a pair.
    /// </summary>
    public async Task<IReadOnlyList<DeploymentPairWithoutAncestry>> PairsWithoutAncestryAsync(IEnumerable<string> services, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        var deployments = await ProductionDeploymentsAsync(services.Distinct(StringComparer.Ordinal).ToList(), cancellationToken);
        var repositories = deployments.Select(d => d.Repository).Where(r => r.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        var shas = deployments.Select(d => d.Sha).Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        // Only whether the deployed shas are stored matters here, not the whole graph: a cheap query on every sync.
        var known = repositories.Count == 0 || shas.Count == 0
            ? new HashSet<(string, string)>()
            : (await store.QueryAsync<KnownShaRow>(KnownShasSql, QueryParameters.From(("repositories", repositories), ("shas", shas)), cancellationToken))
                .Select(row => (row.Repository, row.Sha)).ToHashSet();
        return deployments
            .GroupBy(deployment => deployment.Service, StringComparer.Ordinal)
            .SelectMany(serviceDeployments => serviceDeployments.Zip(serviceDeployments.Skip(1)))
            .Where(pair => pair.First.Repository.Length > 0 && pair.First.Repository == pair.Second.Repository && pair.First.Sha.Length > 0 && pair.Second.Sha.Length > 0
                && !HasKnownAncestry(pair.First, pair.Second, sha => known.Contains((pair.Second.Repository, sha))))
            .Select(pair => new DeploymentPairWithoutAncestry(
                pair.Second.Service, pair.Second.Repository, pair.First.Sha, pair.Second.Sha,
                known.Contains((pair.First.Repository, pair.First.Sha)), known.Contains((pair.Second.Repository, pair.Second.Sha))))
            .Distinct()
            .ToList();
    }

    private async Task<IReadOnlyList<ProductionDeploymentRow>> ProductionDeploymentsAsync(IReadOnlyList<string> services, CancellationToken cancellationToken)
    {
        if (services.Count == 0)
        {
            return [];
        }
        var parameters = QueryParameters.From(("services", services));
        return derived is null
            ? await store.QueryAsync<ProductionDeploymentRow>(ProductionDeploymentsSql, parameters, cancellationToken)
            : await derived.QueryRefreshingOnlyWhatItReadsAsync<ProductionDeploymentRow>(ProductionDeploymentsSql, parameters, cancellationToken);
    }

    /// <summary>Whether what <paramref name="deployment"/> shipped after <paramref name="previous"/> follows from commit ancestry (exact) rather than time (inferred).</summary>
    private static bool HasKnownAncestry(ProductionDeploymentRow previous, ProductionDeploymentRow deployment, Func<string, bool> isKnown) =>
        previous.Repository == deployment.Repository && isKnown(deployment.Sha) && isKnown(previous.Sha);

    /// <summary>
    /// Per repository, the stored commits that reached the default branch: every commit that no pull request lists as
    /// one of its branch's commits (pull_request_commits), and every commit in the history of one of those. The sources
    /// store no branch, but they read commits from the default branch's history (git: the default branch and deployment
    /// tags; GitHub: the default branch and comparisons between deployed shas) and from pull requests, whose commits may
    /// never reach it: an abandoned pull request's, or a squash-merged one's (the squash commit reaches it instead). A
    /// merge-commit pull request's commits are in its merge commit's history, so they count (docs/metrics.md, "Changes shipped by a deployment").
    /// </summary>
    /// <remarks>Worked out only for a repository a time window links in (a walk of its whole graph).</remarks>
    private static IReadOnlyDictionary<string, Lazy<IReadOnlySet<string>>> ReachedDefaultBranch(
        IReadOnlyDictionary<string, CommitGraph> graphs, IEnumerable<KnownShaRow> pullRequestCommits)
    {
        var branchOnly = pullRequestCommits.ToLookup(row => row.Repository, row => row.Sha, StringComparer.Ordinal);
        return graphs.ToDictionary(
            pair => pair.Key,
            pair => new Lazy<IReadOnlySet<string>>(() =>
            {
                var listed = branchOnly[pair.Key].ToHashSet(StringComparer.Ordinal);
                return pair.Value.ReachableFromAny(pair.Value.Shas.Where(sha => !listed.Contains(sha)));
            }),
            StringComparer.Ordinal);
    }

    /// <param name="deployments">One service's production deployments in the order they finished.</param>
    /// <param name="onDefaultBranch">Per repository, the commits a time window may link (<see cref="ReachedDefaultBranch"/>).</param>
    private static IEnumerable<DeploymentCommitLink> LinksOf(
        IReadOnlyList<ProductionDeploymentRow> deployments, IReadOnlyDictionary<string, CommitGraph> graphs,
        IReadOnlyDictionary<string, Lazy<IReadOnlySet<string>>> onDefaultBranch, TimeSpan firstDeploymentLookback)
    {
        var empty = new CommitGraph([]);
        ProductionDeploymentRow? previous = null;
        foreach (var deployment in deployments)
        {
            var graph = graphs.GetValueOrDefault(deployment.Repository) ?? empty;
            // Ancestry links what the deployed sha holds, whatever branch it came from; a time window only what reached the default branch.
            var reached = onDefaultBranch.GetValueOrDefault(deployment.Repository);
            IEnumerable<string> Window(DateTimeOffset after, DateTimeOffset upTo) =>
                graph.CommittedBetween(after, upTo).Where(sha => reached?.Value.Contains(sha) == true);
            var knownAncestry = graph.Contains(deployment.Sha);
            IEnumerable<string> shipped;
            string link;
            if (previous is null)
            {
                // The first deployment: its history, but only the look-back's worth of it.
                var earliest = deployment.FinishedAt - firstDeploymentLookback;
                shipped = knownAncestry
                    ? graph.ReachableFrom(deployment.Sha).Where(sha => graph.CommittedAt(sha) > earliest)
                    : Window(earliest, deployment.FinishedAt);
                link = knownAncestry ? Exact : Inferred;
            }
            else if (HasKnownAncestry(previous, deployment, graph.Contains))
            {
                shipped = graph.NewCommits(deployment.Sha, previous.Sha);
                link = Exact;
            }
            else
            {
                shipped = Window(previous.FinishedAt, deployment.FinishedAt);
                link = Inferred;
            }

            foreach (var sha in shipped.Order(StringComparer.Ordinal))
            {
                yield return new DeploymentCommitLink(deployment.DeploymentId, deployment.Service, deployment.Repository, sha, link);
            }
            previous = deployment;
        }
    }

    private sealed record ProductionDeploymentRow(string DeploymentId, string Service, string Repository, string Sha, DateTimeOffset FinishedAt);

    private sealed record VersionRow(DateTimeOffset Version);

    private sealed record StoredLinkRow(string DeploymentId, string Service, string Repository, string Sha, string Link, bool TouchesPaths);

    private sealed record KnownShaRow(string Repository, string Sha);

    private sealed record CommitRow(string Repository, string Sha, string[] Parents, DateTimeOffset CommittedAt);
}
