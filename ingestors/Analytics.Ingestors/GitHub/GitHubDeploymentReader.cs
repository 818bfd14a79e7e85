using Analytics.Ingestors.Sources;
using Octokit;

namespace Analytics.Ingestors.GitHub;

/// <summary>
/// Deployments (GitHub Deployments API), newest first, each with its latest status (cursor
/// <c>acme/shop:deployments</c>). A status is added to a deployment without changing the deployments list, so
/// deployments not final when read are kept in the cursor and their statuses asked for again (conditionally) until
/// they are.
/// </summary>
internal sealed class GitHubDeploymentReader(GitHubSyncRun run) : IResourceReader<GitHubRepositoryTarget>
{
    public async Task ReadAsync(GitHubRepositoryTarget target, CancellationToken cancellationToken)
    {
        var resource = $"{target.FullName}:deployments";
        var cursor = await run.Cursors.ReadAsync<DeploymentCursor>(resource, cancellationToken);
        var state = cursor.State;
        var api = run.Api;
        var url = api.Url($"repos/{target.FullName}/deployments?per_page={api.PageSize}");
        DateTimeOffset? newest = state?.Newest;
        var open = new List<OpenDeployment>();
        var seen = new HashSet<long>();
        var readAtNewest = new List<long>();
        // A list answered 304 still leaves the open deployments below to look at: the cursor is advanced either way.
        var read = await Pager.ReadAsync(api.PagesAsync<Deployment>(url, cursor.ETag, cancellationToken), async page =>
        {
            if (page.IsFirst)
            {
                newest = page.Items.FirstOrDefault()?.CreatedAt ?? state?.Newest;
            }
            var current = page.Items.TakeWhile(d => run.IsNew(d.CreatedAt, state?.Newest)).ToList();
            readAtNewest.AddRange(current.Where(d => d.CreatedAt == newest).Select(d => d.Id));
            var fresh = current.Where(d => !(d.CreatedAt == state?.Newest && state.ReadAtNewest?.Contains(d.Id) == true)).ToList();
            var rows = new List<object?[]>();
            foreach (var deployment in fresh)
            {
                seen.Add(deployment.Id);
                var pending = Open(deployment);
                // Asked for without an ETag, so never "not modified": always a row.
                if (await RowAsync(target, pending, open, cancellationToken) is { } row)
                {
                    rows.Add(row);
                }
            }
            await run.WriteShippedAsync(target, GitHubTables.Deployments, rows, cancellationToken);
            return current.Count == page.Items.Count;
        });
        if (newest == state?.Newest)
        {
            readAtNewest.AddRange(state?.ReadAtNewest ?? []);
        }

        var rechecked = new List<object?[]>();
        foreach (var pending in (state?.Open ?? []).Where(d => !seen.Contains(d.Id)))
        {
            if (await RowAsync(target, pending, open, cancellationToken) is { } row)
            {
                rechecked.Add(row);
            }
        }
        await run.WriteShippedAsync(target, GitHubTables.Deployments, rechecked, cancellationToken);
        run.Cursors.Advance(resource, new DeploymentCursor(newest, readAtNewest.Distinct().Order().ToList(), open), read.ETag);
    }

    /// <summary>The row of one deployment from its current statuses (a webhook delivery's deployment).</summary>
    internal async Task<object?[]> RowAsync(GitHubRepositoryTarget target, Deployment deployment, CancellationToken cancellationToken) =>
        (await RowAsync(target, Open(deployment), [], cancellationToken))!;

    private static OpenDeployment Open(Deployment deployment) =>
        new(deployment.Id, deployment.Sha ?? "", deployment.Environment ?? "", deployment.CreatedAt, null, deployment.Ref);

    /// <summary>The deployment's row from its statuses (conditionally for one read before); null when they did not change.</summary>
    private async Task<object?[]?> RowAsync(GitHubRepositoryTarget target, OpenDeployment deployment, List<OpenDeployment> open, CancellationToken cancellationToken)
    {
        // The first page holds the newest statuses, which is all that decides the state.
        var statuses = await run.Api.GetPageAsync<DeploymentStatus>(
            run.Api.Url($"repos/{target.FullName}/deployments/{deployment.Id}/statuses?per_page=100"), deployment.StatusesETag, cancellationToken);
        if (statuses.NotModified)
        {
            open.Add(deployment);
            return null;
        }
        var row = GitHubRows.Deployment(target.Service, target.Repository, deployment.Id, deployment.Environment, deployment.Sha, deployment.CreatedAt, statuses.Items, run.Source, deployment.Ref);
        if (!GitHubRows.IsFinal((string)row[3]!))
        {
            open.Add(deployment with { StatusesETag = statuses.ETag });
        }
        return row;
    }

    /// <param name="Ref">The ref deployed, for the hotfix rules (absent from cursors written before it was kept).</param>
    private sealed record OpenDeployment(long Id, string Sha, string Environment, DateTimeOffset CreatedAt, string? StatusesETag, string? Ref = null);

    /// <summary>The newest creation time read, the ids read at exactly that time, and the deployments not final yet.</summary>
    private sealed record DeploymentCursor(DateTimeOffset? Newest, List<long>? ReadAtNewest, List<OpenDeployment> Open);
}
