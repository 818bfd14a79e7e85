using Analytics.Core.Dora;
using Analytics.Ingestors.Linking;
using Microsoft.Extensions.Options;

namespace Analytics.Ingestors.Tests.Linking;

/// <summary>
/// Commits and deployments written to a fresh database of the real engine, linked by <see cref="DeploymentLinker"/>,
/// and the resulting deployment_commits rows read back as "deployment sha link" lines.
/// </summary>
public sealed class LinkingScenario : IAsyncDisposable
{
    /// <summary>A Monday; scenario times are hours after it.</summary>
    public static readonly DateTimeOffset T0 = new(2025, 6, 2, 0, 0, 0, TimeSpan.Zero);

    private readonly List<object?[]> _commits = [];
    private readonly List<object?[]> _deployments = [];
    private readonly List<object?[]> _pullRequestCommits = [];

    private LinkingScenario(IClickHouseStore store) => Store = store;

    public IClickHouseStore Store { get; }

    /// <summary>Puts something between the linker and the store, e.g. a test looking at the table between two writes.</summary>
    public Func<IClickHouseStore, IClickHouseStore>? WrapLinkerStore { get; set; }

    /// <param name="productionPatterns">The catalog's production environment rules (regular expressions, every source).</param>
    public static async Task<LinkingScenario> CreateAsync(params string[] productionPatterns)
    {
        var store = await EngineDatabase.CreateMigratedAsync("linking");
        string[] patterns = productionPatterns.Length > 0 ? productionPatterns : ["production"];
        await store.InsertAsync("catalog_production_environments", ["source", "pattern"], patterns.Select(pattern => new object?[] { "", pattern }));
        return new LinkingScenario(store);
    }

    public static DateTimeOffset At(double hours) => T0.AddHours(hours);

    public LinkingScenario Commit(string sha, double hours, params string[] parents) => Commit("acme/api", sha, At(hours), parents);

    public LinkingScenario Commit(string repository, string sha, DateTimeOffset committedAt, params string[] parents)
    {
        _commits.Add([repository, sha, parents, "dev@acme.test", "Dev", committedAt, "dev@acme.test", committedAt, $"change {sha}", "test"]);
        return this;
    }

    /// <summary>Lists <paramref name="shas"/> as the commits of pull request <paramref name="number"/> of acme/api (pull_request_commits).</summary>
    public LinkingScenario PullRequest(int number, params string[] shas)
    {
        _pullRequestCommits.AddRange(shas.Select(sha => new object?[] { "acme/api", (uint)number, sha }));
        return this;
    }

    public LinkingScenario Deploy(string id, string sha, double finishedHours, string environment = "production", string status = "success", string kind = "normal") =>
        Deploy(id, "api", "acme/api", sha, At(finishedHours), environment, status, kind);

    public LinkingScenario Deploy(string id, string service, string repository, string sha, DateTimeOffset finishedAt,
        string environment = "production", string status = "success", string kind = "normal")
    {
        _deployments.Add([id, service, environment, status, kind, "", repository, sha, finishedAt.AddMinutes(-5), finishedAt, "", "test"]);
        return this;
    }

    /// <summary>Writes what was declared since the last call, then links <paramref name="services"/> (default: api).</summary>
    public Task<DeploymentLinkSummary> LinkAsync(params string[] services) => LinkAsync(new MetricOptions().FirstDeploymentLookback, services);

    public async Task<DeploymentLinkSummary> LinkAsync(TimeSpan firstDeploymentLookback, params string[] services)
    {
        await Store.InsertAsync("commits",
            ["repository", "sha", "parents", "author_email", "author_name", "authored_at", "committer_email", "committed_at", "message", "source"], _commits);
        await Store.InsertAsync("deployments",
            ["deployment_id", "service", "environment", "status", "kind", "related_deployment_id", "repository", "sha", "started_at", "finished_at", "url", "source"], _deployments);
        await Store.InsertAsync("pull_request_commits", ["repository", "number", "sha"], _pullRequestCommits);
        _commits.Clear();
        _deployments.Clear();
        _pullRequestCommits.Clear();
        var options = new MetricOptions { FirstDeploymentLookback = firstDeploymentLookback };
        return await new DeploymentLinker(WrapLinkerStore?.Invoke(Store) ?? Store, Options.Create(options)).LinkAsync(services.Length > 0 ? services : ["api"]);
    }

    /// <summary>The service's links as "deployment sha link", sorted.</summary>
    public async Task<IReadOnlyList<string>> LinksAsync(string service = "api") =>
        (await Store.QueryAsync<LinkRow>(
            "SELECT deployment_id, sha, link FROM deployment_commits FINAL WHERE service = {service:String} ORDER BY deployment_id, sha",
            QueryParameters.From(("service", service))))
        .Select(row => $"{row.DeploymentId} {row.Sha} {row.Link}")
        .ToList();

    public ValueTask DisposeAsync() => Store.DisposeAsync();

    private sealed record LinkRow(string DeploymentId, string Sha, string Link);
}
