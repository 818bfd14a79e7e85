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
        DateTimeOffset? newest = state?.Newest;
        var open = new List<OpenDeployment>();
        var seen = new HashSet<long>();
        var readAtNewest = new List<long>();
        // One page, newest first: each deployment with its statuses when the listing brought them (GraphQL), else asked for.
        async Task<bool> PageAsync(bool isFirst, IReadOnlyList<(OpenDeployment Deployment, IReadOnlyList<DeploymentStatusFacts>? Statuses)> items)
        {
            if (isFirst)
            {
                newest = items.Count > 0 ? items[0].Deployment.CreatedAt : state?.Newest;
            }
            var current = items.TakeWhile(d => run.IsNew(d.Deployment.CreatedAt, state?.Newest)).ToList();
            readAtNewest.AddRange(current.Where(d => d.Deployment.CreatedAt == newest).Select(d => d.Deployment.Id));
            var fresh = current.Where(d => !(d.Deployment.CreatedAt == state?.Newest && state.ReadAtNewest?.Contains(d.Deployment.Id) == true)).ToList();
            var rows = new List<object?[]>();
            foreach (var (deployment, statuses) in fresh)
            {
                seen.Add(deployment.Id);
                // Asked for without an ETag, so never "not modified": always a row.
                if ((statuses is null ? await RowAsync(target, deployment, open, cancellationToken) : Row(target, deployment, statuses, open)) is { } row)
                {
                    rows.Add(row);
                }
            }
            await run.WriteShippedAsync(target, GitHubTables.Deployments, rows, cancellationToken);
            return current.Count == items.Count;
        }
        // A list answered 304 still leaves the open deployments below to look at: the cursor is advanced either way.
        var read = run.Settings.Api == GitHubApiKind.GraphQl
            ? await ReadGraphQlAsync(target, cursor.ETag, PageAsync, cancellationToken)
            : await Pager.ReadAsync(
                api.PagesAsync<Deployment>(api.Url($"repos/{target.FullName}/deployments?per_page={api.PageSize}"), cursor.ETag, cancellationToken),
                page => PageAsync(page.IsFirst, page.Items.Select(d => (Open(d), (IReadOnlyList<DeploymentStatusFacts>?)null)).ToList()));
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

    /// <summary>
    /// The row of a deployment whose statuses GraphQL brought along. One not final yet is kept open without an
    /// ETag: the next run asks REST for its statuses (1 point), conditionally from then on (free while unchanged).
    /// </summary>
    private object?[] Row(GitHubRepositoryTarget target, OpenDeployment deployment, IReadOnlyList<DeploymentStatusFacts> statuses, List<OpenDeployment> open)
    {
        var row = GitHubRows.Deployment(
            target.Service, target.Repository, deployment.Id, deployment.Environment, deployment.Sha, deployment.CreatedAt, GitHubRows.DeploymentStateOf(statuses), run.Source, deployment.Ref);
        if (!GitHubRows.IsFinal((string)row[3]!))
        {
            open.Add(deployment);
        }
        return row;
    }

    /// <summary>
    /// The deployments through GraphQL, 100 a query with their statuses (1 + 100 requests: 1 point, where REST spends
    /// one per deployment), after REST's conditional first page (<c>per_page=1</c>) said the list changed; 304 = free.
    /// </summary>
    private async Task<(bool NotModified, string? ETag)> ReadGraphQlAsync(
        GitHubRepositoryTarget target, string? etag,
        Func<bool, IReadOnlyList<(OpenDeployment, IReadOnlyList<DeploymentStatusFacts>?)>, Task<bool>> pageAsync, CancellationToken cancellationToken)
    {
        var api = run.Api;
        var check = await api.GetPageAsync<Deployment>(api.Url($"repos/{target.FullName}/deployments?per_page=1"), etag, cancellationToken);
        if (check.NotModified)
        {
            return (true, etag);
        }
        string? after = null;
        var first = true;
        do
        {
            var data = await api.QueryAsync(
                GitHubGraphQl.DeploymentsQuery, GitHubGraphQlPullRequestReader.Variables(target, ("first", api.PageSize), ("after", after)), cancellationToken);
            var connection = GitHubGraphQl.Child(GitHubGraphQlPullRequestReader.Repository(data, target), "deployments");
            var items = GitHubGraphQl.Nodes(connection).Select(d =>
            {
                var deployment = new OpenDeployment(
                    GitHubGraphQl.Child(d, "databaseId").GetInt64(), GitHubGraphQl.Text(d, "commitOid") ?? "", GitHubGraphQl.Text(d, "environment") ?? "",
                    GitHubGraphQl.Time(d, "createdAt")!.Value, null, GitHubGraphQl.Text(GitHubGraphQl.Child(d, "ref"), "name"));
                var nodes = GitHubGraphQl.Nodes(GitHubGraphQl.Child(d, "statuses")).ToList();
                // GraphQL gives statuses no number: ties in time are ordered as listed, newest first (as REST lists them).
                IReadOnlyList<DeploymentStatusFacts> statuses = nodes.Select((s, i) => new DeploymentStatusFacts(
                    nodes.Count - i, GitHubGraphQl.Text(s, "state") ?? "", GitHubGraphQl.Time(s, "createdAt")!.Value,
                    GitHubGraphQl.Text(s, "logUrl") ?? GitHubGraphQl.Text(s, "environmentUrl"))).ToList();
                return (deployment, (IReadOnlyList<DeploymentStatusFacts>?)statuses);
            }).ToList();
            var more = await pageAsync(first, items);
            first = false;
            after = more ? GitHubGraphQl.Next(connection) : null;
        }
        while (after is not null);
        return (false, check.ETag);
    }

    /// <param name="Ref">The ref deployed, for the hotfix rules (absent from cursors written before it was kept).</param>
    private sealed record OpenDeployment(long Id, string Sha, string Environment, DateTimeOffset CreatedAt, string? StatusesETag, string? Ref = null);

    /// <summary>The newest creation time read, the ids read at exactly that time, and the deployments not final yet.</summary>
    private sealed record DeploymentCursor(DateTimeOffset? Newest, List<long>? ReadAtNewest, List<OpenDeployment> Open);
}
