using Analytics.Core.Dora;
using Analytics.Storage.ClickHouse;

namespace Analytics.Testing.Oracles;

/// <summary>What the oracles compute from, read back from a store: the stored rows, deduplicated, as their records.</summary>
public static class StoredHistory
{
    /// <summary>The DORA oracle's history as stored in <paramref name="store"/>.</summary>
    public static async Task<DoraHistory> ReadDoraHistoryAsync(IClickHouseStore store) => new(
        await store.QueryAsync<DeploymentEvent>("SELECT deployment_id, service, environment, status, kind, related_deployment_id, source, started_at, finished_at, repository, sha, ref FROM deployments FINAL"),
        await store.QueryAsync<DeploymentCommitLink>("SELECT deployment_id, repository, sha, link, touches_paths FROM deployment_commits FINAL"),
        await store.QueryAsync<CommitEvent>("SELECT repository, sha, authored_at, committed_at, message, reverts FROM commits FINAL"),
        await store.QueryAsync<IncidentEvent>("SELECT incident_id, service, started_at, resolved_at, caused_by_deployment_id, severity FROM incidents FINAL"),
        await store.QueryAsync<OwnershipRange>("SELECT service, team, valid_from, valid_to FROM catalog_service_ownership"),
        await store.QueryAsync<ProductionRule>("SELECT source, pattern, is_production FROM catalog_production_environments"))
    {
        PullRequests = await store.QueryAsync<MergedPullRequest>(
            "SELECT repository, number, title, head_branch, labels, merge_sha FROM pull_requests FINAL WHERE merged_at IS NOT NULL"),
        Services = await store.QueryAsync<ServiceRepositoryLink>("SELECT service, repository FROM catalog_services"),
    };

    /// <summary>Every stored pull request as the pull-request oracles read it.</summary>
    public static Task<IReadOnlyList<PullRequestFacts>> ReadPullRequestsAsync(IClickHouseStore store) =>
        store.QueryAsync<PullRequestFacts>("SELECT repository, number, author_login, author_is_bot, opened_at, first_commit_at, merged_at, merge_sha FROM pull_requests FINAL");
}
