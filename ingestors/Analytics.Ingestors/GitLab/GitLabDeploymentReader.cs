using Analytics.Ingestors.GitHub;
using Analytics.Ingestors.Sources;

namespace Analytics.Ingestors.GitLab;

/// <summary>
/// Deployments updated since the last run (<c>updated_after</c>, <c>order_by=updated_at</c>, oldest update first),
/// with their environment, its tier (from the environments list) and status (cursor <c>acme/shop:deployments</c>, an <see cref="UpdatedCursor"/>). A
/// deployment's status change updates it, so one still running is read again once it finished, with no list of
/// open deployments to keep.
/// </summary>
internal sealed class GitLabDeploymentReader(GitLabSyncRun run) : IResourceReader<GitHubRepositoryTarget>
{
    public async Task ReadAsync(GitHubRepositoryTarget target, CancellationToken cancellationToken)
    {
        var resource = $"{target.FullName}:deployments";
        var state = (await run.Cursors.ReadAsync<UpdatedCursor>(resource, cancellationToken)).State;
        var api = run.Api;
        var after = state?.Updated is { } updated ? $"&updated_after={GitLabSyncRun.Time(updated)}" : run.SinceParameter("updated_after");
        var url = api.Url($"projects/{GitLabApi.Id(target.FullName)}/deployments?order_by=updated_at&sort=asc{after}&per_page={api.PageSize}");
        DateTimeOffset? newest = state?.Updated;
        var atNewest = new List<long>();
        Dictionary<string, string>? tiers = null;
        await foreach (var page in api.PagesAsync(url, null, cancellationToken))
        {
            var deployments = run.Records<GitLabDeployment>(page.Items, $"{target.FullName}: deployment ", "id");
            var rows = new List<object?[]>();
            foreach (var deployment in deployments)
            {
                if (!UpdatedCursor.WasRead(state, deployment.UpdatedAt, deployment.Id))
                {
                    if (string.IsNullOrEmpty(deployment.Sha) || deployment.Environment?.Name is not { Length: > 0 })
                    {
                        run.Run.Warn($"{target.FullName}: deployment {deployment.Id} skipped: it names no sha or no environment.");
                    }
                    else
                    {
                        // Read once per sync, and only when a deployment is written: an unchanged re-sync asks nothing more.
                        tiers ??= await TiersAsync(target, cancellationToken);
                        rows.Add(GitLabRows.Deployment(target.Service, target.Repository, deployment, run.Source,
                            tiers.GetValueOrDefault(deployment.Environment!.Name!, "")));
                    }
                }
                if (newest is null || deployment.UpdatedAt > newest)
                {
                    (newest, atNewest) = (deployment.UpdatedAt, []);
                }
                if (deployment.UpdatedAt == newest)
                {
                    atNewest.Add(deployment.Id);
                }
            }
            await run.WriteShippedAsync(target, GitLabRows.DeploymentTable, rows, cancellationToken);
        }
        run.Cursors.Advance(resource, UpdatedCursor.Advanced(state, newest, atNewest));
    }

    /// <summary>
    /// The project's environments (<c>GET /projects/:id/environments</c>) by name → tier, as GitLab states it; a tier
    /// GitLab does not define is left out (a warning), so the name rules decide for that environment.
    /// </summary>
    private async Task<Dictionary<string, string>> TiersAsync(GitHubRepositoryTarget target, CancellationToken cancellationToken)
    {
        var api = run.Api;
        var tiers = new Dictionary<string, string>(StringComparer.Ordinal);
        var url = api.Url($"projects/{GitLabApi.Id(target.FullName)}/environments?per_page={api.PageSize}");
        await foreach (var page in api.PagesAsync(url, null, cancellationToken))
        {
            foreach (var environment in run.Records<GitLabEnvironment>(page.Items, $"{target.FullName}: environment ", "id"))
            {
                if (environment.Name is not { Length: > 0 } name || environment.Tier is not { Length: > 0 } tier)
                {
                    continue;
                }
                if (GitLabRows.Tiers.Contains(tier, StringComparer.Ordinal))
                {
                    tiers[name] = tier;
                }
                else
                {
                    run.Run.Warn($"{target.FullName}: environment {name} has tier '{tier}', which is none of GitLab's ({string.Join(", ", GitLabRows.Tiers)}); its name decides whether it is production.");
                }
            }
        }
        return tiers;
    }
}
