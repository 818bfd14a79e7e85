using System.Globalization;
using System.Text.Json;
using Analytics.Ingestors.Linking;
using Analytics.Ingestors.Runs;
using Analytics.Storage.ClickHouse;
using Microsoft.Extensions.Logging;
using Octokit;

namespace Analytics.Ingestors.GitHub;

/// <summary>
/// One run of a GitHub source: the repositories, then for each its commits, pull requests, deployments, releases,
/// workflow runs and incident issues, then the commits between production deployments the commits table lacked
/// (compare API), then the deployment links of the services that changed.
/// </summary>
/// <remarks>
/// <para>
/// Incremental, per repository and resource, with a cursor each (<c>acme/shop:pulls</c>): where the last run got to
/// (the newest update time, the branch head, …) and the ETag of the list's first page. The first page is asked for
/// conditionally; 304 Not Modified means nothing changed and costs no rate-limit point. Otherwise pages are read
/// newest first until what the cursor says was read already. The addresses never change between runs (no
/// <c>since</c> taken from the cursor), so an ETag always matches the request it came from.
/// </para>
/// <para>
/// Each page's rows are stored before the next page is asked for; cursors are handed to the run's
/// <see cref="IngestContext"/>, which saves them only if the whole run succeeds. A failed or cancelled run therefore
/// moves no cursor, and the next run reads the same pages again: rows carry their natural keys, so that adds nothing.
/// </para>
/// </remarks>
internal sealed class GitHubSync(
    GitHubSourceSettings settings, GitHubApi api, IngestContext context, IClickHouseStore store,
    GitHubServiceDirectory services, DeploymentLinker linker, ILogger logger)
{
    /// <summary>The outcome recorded for a comparison GitHub answered 404.</summary>
    private const string ComparisonNotFound = "not-found";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly Dictionary<string, long> _rows = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _servicesToLink = new(StringComparer.Ordinal);
    private readonly List<string> _warnings = [];

    /// <summary>Commits (repository, sha) stored from comparisons in this run: a pair whose shas they hold needs none.</summary>
    private readonly HashSet<(string Repository, string Sha)> _storedFromComparisons = [];

    private string Source => settings.Name;

    public async Task<IngestResult> RunAsync(CancellationToken cancellationToken)
    {
        var repositories = new List<(string FullName, string DefaultBranch)>();
        foreach (var organization in settings.Organizations)
        {
            repositories.AddRange(await OrganizationRepositoriesAsync(organization, cancellationToken));
        }
        foreach (var repository in settings.Repositories)
        {
            repositories.Add(await RepositoryAsync(repository, cancellationToken));
        }
        var targets = await services.EnsureServicesAsync(
            repositories.DistinctBy(r => r.FullName, StringComparer.OrdinalIgnoreCase).OrderBy(r => r.FullName, StringComparer.Ordinal).ToList(),
            cancellationToken);

        foreach (var target in targets)
        {
            if (settings.Commits)
            {
                await CommitsAsync(target, cancellationToken);
            }
            if (settings.PullRequests)
            {
                await PullRequestsAsync(target, cancellationToken);
            }
            if (settings.Deployments)
            {
                await DeploymentsAsync(target, cancellationToken);
            }
            if (settings.ReleasesAsDeployments)
            {
                await ReleasesAsync(target, cancellationToken);
            }
            if (settings.Workflows.Count > 0)
            {
                await WorkflowRunsAsync(target, cancellationToken);
            }
            foreach (var label in settings.IncidentLabels)
            {
                await IncidentsAsync(target, label, cancellationToken);
            }
        }

        if (settings.Commits)
        {
            await ComparisonsAsync(targets, cancellationToken);
        }

        if (_servicesToLink.Count > 0)
        {
            // Deployments or commits changed: recompute what those services' production deployments shipped.
            var links = await linker.LinkAsync(_servicesToLink, cancellationToken);
            _rows["deployment_commits"] = links.Rows;
        }
        logger.LogInformation(
            "GitHub source {Source}: {Repositories} repositories, {Requests} requests of which {NotModified} answered 304 (free).",
            Source, targets.Count, api.Requests, api.NotModified);
        return IngestResult.Rows(_rows) with { Warnings = _warnings };
    }

    /// <summary>
    /// An organisation's repositories. Each page is asked for with its own ETag and, when unchanged, taken from the
    /// cursor: a push changes a repository's <c>pushed_at</c> and so the page it is on, and the other pages should
    /// still cost nothing.
    /// </summary>
    private async Task<IReadOnlyList<(string FullName, string DefaultBranch)>> OrganizationRepositoriesAsync(string organization, CancellationToken cancellationToken)
    {
        var resource = $"org:{organization}:repositories";
        var stored = Read<List<RepositoryListPage>>((await context.GetSourceCursorAsync(resource, cancellationToken))?.Value) ?? [];
        var pages = new List<RepositoryListPage>();
        Uri? url = api.Url($"orgs/{Escape(organization)}/repos?type=all&per_page={api.PageSize}");
        while (url is not null)
        {
            var previous = stored.ElementAtOrDefault(pages.Count) is { } candidate && candidate.Url == url.ToString() ? candidate : null;
            var page = await api.GetPageAsync<Repository>(url, previous?.ETag, cancellationToken);
            var current = page.NotModified
                ? previous!
                : new RepositoryListPage(url.ToString(), page.ETag, page.Next?.ToString(),
                    page.Items.Select(r => new RepositoryEntry(r.FullName, r.DefaultBranch ?? "main")).ToList());
            pages.Add(current);
            url = current.Next is null ? null : new Uri(current.Next);
        }
        context.AdvanceCursor(resource, Write(pages), pages[0].ETag);
        return pages.SelectMany(p => p.Repositories).Select(r => (r.FullName, r.DefaultBranch)).ToList();
    }

    private async Task<(string FullName, string DefaultBranch)> RepositoryAsync(string fullName, CancellationToken cancellationToken)
    {
        var resource = $"repo:{fullName}";
        var cursor = await context.GetSourceCursorAsync(resource, cancellationToken);
        var stored = Read<RepositoryEntry>(cursor?.Value);
        var (repository, etag, notModified) = await api.GetAsync<Repository>(api.Url($"repos/{fullName}"), stored is null ? null : cursor?.ETag, cancellationToken);
        var entry = notModified ? stored! : new RepositoryEntry(repository!.FullName, repository.DefaultBranch ?? "main");
        context.AdvanceCursor(resource, Write(entry), etag);
        return (entry.FullName, entry.DefaultBranch);
    }

    /// <summary>Commits of the default branch, newest first, down to the head the last run read.</summary>
    private async Task CommitsAsync(GitHubRepositoryTarget target, CancellationToken cancellationToken)
    {
        var resource = $"{target.FullName}:commits";
        var cursor = await context.GetSourceCursorAsync(resource, cancellationToken);
        var state = Read<CommitCursor>(cursor?.Value);
        var url = api.Url($"repos/{target.FullName}/commits?sha={Escape(target.DefaultBranch)}&per_page={api.PageSize}{SinceParameter("since")}");
        string? head = null, etag = null;
        try
        {
            await foreach (var page in api.PagesAsync<GitHubCommit>(url, state?.Branch == target.DefaultBranch ? cursor?.ETag : null, cancellationToken))
            {
                if (page.NotModified)
                {
                    return;
                }
                if (head is null)
                {
                    (head, etag) = (page.Items.FirstOrDefault()?.Sha ?? state?.Head ?? "", page.ETag);
                }
                var fresh = page.Items.TakeWhile(c => c.Sha != state?.Head).ToList();
                if (await InsertAsync("commits", GitHubRows.CommitColumns, fresh.Select(c => GitHubRows.Commit(target.Repository, c, Source)), cancellationToken) > 0)
                {
                    _servicesToLink.Add(target.Service);
                }
                if (fresh.Count < page.Items.Count)
                {
                    break;
                }
            }
        }
        catch (ApiException error) when ((int)error.StatusCode == 409)
        {
            // "Git Repository is empty": nothing to read yet.
            return;
        }
        context.AdvanceCursor(resource, Write(new CommitCursor(target.DefaultBranch, head ?? "")), etag);
    }

    /// <summary>Pull requests by last update, newest first, with their commits and reviews, down to the last run's newest.</summary>
    private async Task PullRequestsAsync(GitHubRepositoryTarget target, CancellationToken cancellationToken)
    {
        var resource = $"{target.FullName}:pulls";
        var cursor = await context.GetSourceCursorAsync(resource, cancellationToken);
        var state = Read<UpdatedCursor>(cursor?.Value);
        var url = api.Url($"repos/{target.FullName}/pulls?state=all&sort=updated&direction=desc&per_page={api.PageSize}");
        DateTimeOffset? newest = null;
        string? etag = null;
        var first = true;
        var atNewest = new List<int>();
        await foreach (var page in api.PagesAsync<PullRequest>(url, cursor?.ETag, cancellationToken))
        {
            if (page.NotModified)
            {
                return;
            }
            if (first)
            {
                (newest, etag, first) = (page.Items.FirstOrDefault()?.UpdatedAt, page.ETag, false);
            }
            var current = page.Items.TakeWhile(p => IsNew(p.UpdatedAt, state?.Updated)).ToList();
            atNewest.AddRange(current.Where(p => p.UpdatedAt == newest).Select(p => p.Number));
            var fresh = current.Where(p => !WasRead(state, p.UpdatedAt, p.Number)).ToList();
            var pullRows = new List<object?[]>();
            var pullCommitRows = new List<object?[]>();
            var commitRows = new List<object?[]>();
            var reviewRows = new List<object?[]>();
            foreach (var pull in fresh)
            {
                var commits = await AllAsync<PullRequestCommit>(api.Url($"repos/{target.FullName}/pulls/{pull.Number}/commits?per_page={api.PageSize}"), cancellationToken);
                var reviews = await AllAsync<PullRequestReview>(api.Url($"repos/{target.FullName}/pulls/{pull.Number}/reviews?per_page={api.PageSize}"), cancellationToken);
                pullRows.Add(GitHubRows.PullRequest(target.Repository, pull, commits, reviews, Source));
                pullCommitRows.AddRange(commits.Select(c => new object?[] { target.Repository, (uint)pull.Number, c.Sha }));
                commitRows.AddRange(commits.Select(c => GitHubRows.Commit(target.Repository, c, Source)));
                reviewRows.AddRange(GitHubRows.Reviews(target.Repository, pull.Number, reviews, Source));
            }
            await InsertAsync("pull_requests", GitHubRows.PullRequestColumns, pullRows, cancellationToken);
            await InsertAsync("pull_request_commits", GitHubRows.PullRequestCommitColumns, pullCommitRows, cancellationToken);
            if (await InsertAsync("commits", GitHubRows.CommitColumns, commitRows, cancellationToken) > 0)
            {
                _servicesToLink.Add(target.Service);
            }
            await InsertAsync("pull_request_reviews", GitHubRows.ReviewColumns, reviewRows, cancellationToken);
            if (current.Count < page.Items.Count)
            {
                break;
            }
        }
        context.AdvanceCursor(resource, Write(Advanced(state, newest, atNewest)), etag);
    }

    /// <summary>
    /// Deployments (GitHub Deployments API), newest first, each with its latest status. A status is added to a
    /// deployment without changing the deployments list, so deployments not final when read are kept in the cursor
    /// and their statuses asked for again (conditionally) until they are.
    /// </summary>
    private async Task DeploymentsAsync(GitHubRepositoryTarget target, CancellationToken cancellationToken)
    {
        var resource = $"{target.FullName}:deployments";
        var cursor = await context.GetSourceCursorAsync(resource, cancellationToken);
        var state = Read<DeploymentCursor>(cursor?.Value);
        var url = api.Url($"repos/{target.FullName}/deployments?per_page={api.PageSize}");
        DateTimeOffset? newest = state?.Newest;
        var etag = cursor?.ETag;
        var open = new List<OpenDeployment>();
        var seen = new HashSet<long>();
        var readAtNewest = new List<long>();
        var first = true;
        await foreach (var page in api.PagesAsync<Deployment>(url, cursor?.ETag, cancellationToken))
        {
            if (page.NotModified)
            {
                break;
            }
            if (first)
            {
                (newest, etag, first) = (page.Items.FirstOrDefault()?.CreatedAt ?? state?.Newest, page.ETag, false);
            }
            var current = page.Items.TakeWhile(d => IsNew(d.CreatedAt, state?.Newest)).ToList();
            readAtNewest.AddRange(current.Where(d => d.CreatedAt == newest).Select(d => d.Id));
            var fresh = current.Where(d => !(d.CreatedAt == state?.Newest && state.ReadAtNewest?.Contains(d.Id) == true)).ToList();
            var rows = new List<object?[]>();
            foreach (var deployment in fresh)
            {
                seen.Add(deployment.Id);
                var pending = new OpenDeployment(deployment.Id, deployment.Sha ?? "", deployment.Environment ?? "", deployment.CreatedAt, null);
                // Asked for without an ETag, so never "not modified": always a row.
                if (await DeploymentRowAsync(target, pending, open, cancellationToken) is { } row)
                {
                    rows.Add(row);
                }
            }
            await InsertDeploymentsAsync(target, rows, cancellationToken);
            if (current.Count < page.Items.Count)
            {
                break;
            }
        }
        if (newest == state?.Newest)
        {
            readAtNewest.AddRange(state?.ReadAtNewest ?? []);
        }

        var rechecked = new List<object?[]>();
        foreach (var pending in (state?.Open ?? []).Where(d => !seen.Contains(d.Id)))
        {
            if (await DeploymentRowAsync(target, pending, open, cancellationToken) is { } row)
            {
                rechecked.Add(row);
            }
        }
        await InsertDeploymentsAsync(target, rechecked, cancellationToken);
        context.AdvanceCursor(resource, Write(new DeploymentCursor(newest, readAtNewest.Distinct().Order().ToList(), open)), etag);
    }

    /// <summary>The deployment's row from its statuses (conditionally for one read before); null when they did not change.</summary>
    private async Task<object?[]?> DeploymentRowAsync(GitHubRepositoryTarget target, OpenDeployment deployment, List<OpenDeployment> open, CancellationToken cancellationToken)
    {
        // The first page holds the newest statuses, which is all that decides the state.
        var statuses = await api.GetPageAsync<DeploymentStatus>(
            api.Url($"repos/{target.FullName}/deployments/{deployment.Id}/statuses?per_page=100"), deployment.StatusesETag, cancellationToken);
        if (statuses.NotModified)
        {
            open.Add(deployment);
            return null;
        }
        var row = GitHubRows.Deployment(target.Service, target.Repository, deployment.Id, deployment.Environment, deployment.Sha, deployment.CreatedAt, statuses.Items, Source);
        if (!GitHubRows.IsFinal((string)row[3]!))
        {
            open.Add(deployment with { StatusesETag = statuses.ETag });
        }
        return row;
    }

    /// <summary>Published releases as successful deployments. Releases are few and get edited, so a changed list is read whole.</summary>
    private async Task ReleasesAsync(GitHubRepositoryTarget target, CancellationToken cancellationToken)
    {
        var resource = $"{target.FullName}:releases";
        var cursor = await context.GetSourceCursorAsync(resource, cancellationToken);
        var url = api.Url($"repos/{target.FullName}/releases?per_page={api.PageSize}");
        string? etag = null;
        Dictionary<string, string>? tags = null;
        await foreach (var page in api.PagesAsync<Release>(url, cursor?.ETag, cancellationToken))
        {
            if (page.NotModified)
            {
                return;
            }
            etag ??= page.ETag;
            var rows = new List<object?[]>();
            foreach (var release in page.Items.Where(r => !r.Draft && r.PublishedAt is not null && (settings.IncludePrereleases || !r.Prerelease)
                && IsNew(r.PublishedAt.Value, null)))
            {
                // target_commitish is often a branch name; the tag says which commit was released.
                var sha = IsSha(release.TargetCommitish) ? release.TargetCommitish
                    : (tags ??= await TagsAsync(target, cancellationToken)).GetValueOrDefault(release.TagName, "");
                rows.Add(GitHubRows.ReleaseDeployment(target.Service, target.Repository, settings.ReleaseEnvironment, release, sha, Source));
            }
            await InsertDeploymentsAsync(target, rows, cancellationToken);
        }
        context.AdvanceCursor(resource, "{}", etag);
    }

    private async Task<Dictionary<string, string>> TagsAsync(GitHubRepositoryTarget target, CancellationToken cancellationToken)
    {
        var tags = await AllAsync<RepositoryTag>(api.Url($"repos/{target.FullName}/tags?per_page={api.PageSize}"), cancellationToken);
        return tags.Where(t => t.Commit?.Sha is not null).GroupBy(t => t.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Commit.Sha, StringComparer.Ordinal);
    }

    /// <summary>
    /// Runs of the workflows configured as deployments. A run's status is part of the runs list, so a run finishing
    /// changes the list's ETag; the list is read down to the oldest run that was still going last time.
    /// </summary>
    private async Task WorkflowRunsAsync(GitHubRepositoryTarget target, CancellationToken cancellationToken)
    {
        var workflows = await WorkflowsAsync(target, cancellationToken);
        foreach (var configured in settings.Workflows)
        {
            var workflow = workflows.FirstOrDefault(w =>
                string.Equals(Path.GetFileName(w.Path), configured.Workflow, StringComparison.OrdinalIgnoreCase)
                || string.Equals(w.Name, configured.Workflow, StringComparison.OrdinalIgnoreCase));
            if (workflow is null)
            {
                continue; // organisation-wide settings: not every repository has this workflow
            }
            var resource = $"{target.FullName}:runs:{configured.Workflow}:{configured.Environment}";
            var cursor = await context.GetSourceCursorAsync(resource, cancellationToken);
            var state = Read<RunCursor>(cursor?.Value);
            var branch = configured.Branch is null ? "" : $"&branch={Escape(configured.Branch)}";
            var url = api.Url($"repos/{target.FullName}/actions/workflows/{workflow.Id}/runs?per_page={api.PageSize}{branch}{SinceParameter("created", ">=")}");
            var boundary = Min(state?.Newest, state?.OldestOpen);
            DateTimeOffset? newest = null;
            string? etag = null;
            var first = true;
            var openSince = new List<DateTimeOffset>();
            var notModified = false;
            await foreach (var page in api.PagesAsync<WorkflowRunsResponse, WorkflowRun>(url, cursor?.ETag, body => body.WorkflowRuns, cancellationToken))
            {
                if (page.NotModified)
                {
                    notModified = true;
                    break;
                }
                if (first)
                {
                    (newest, etag, first) = (page.Items.Count == 0 ? state?.Newest : page.Items.Max(r => r.CreatedAt), page.ETag, false);
                }
                var fresh = page.Items.TakeWhile(r => IsNew(r.CreatedAt, boundary)).ToList();
                var rows = fresh.Select(r => GitHubRows.WorkflowRunDeployment(target.Service, target.Repository, configured.Environment, r, Source)).ToList();
                openSince.AddRange(fresh.Where(r => !GitHubRows.IsFinal(GitHubRows.WorkflowRunState(r).Status)).Select(r => r.CreatedAt));
                await InsertDeploymentsAsync(target, rows, cancellationToken);
                if (fresh.Count < page.Items.Count)
                {
                    break;
                }
            }
            if (!notModified)
            {
                context.AdvanceCursor(resource, Write(new RunCursor(newest, openSince.Count == 0 ? null : openSince.Min())), etag);
            }
        }
    }

    /// <summary>The repository's workflows (ids, names and files), conditionally: the runs are asked for by workflow id.</summary>
    private async Task<IReadOnlyList<WorkflowEntry>> WorkflowsAsync(GitHubRepositoryTarget target, CancellationToken cancellationToken)
    {
        var resource = $"{target.FullName}:workflows";
        var cursor = await context.GetSourceCursorAsync(resource, cancellationToken);
        var stored = Read<List<WorkflowEntry>>(cursor?.Value);
        var url = api.Url($"repos/{target.FullName}/actions/workflows?per_page=100");
        var workflows = new List<WorkflowEntry>();
        string? etag = null;
        await foreach (var page in api.PagesAsync<WorkflowsResponse, Workflow>(url, stored is null ? null : cursor?.ETag, body => body.Workflows, cancellationToken))
        {
            if (page.NotModified)
            {
                return stored!;
            }
            etag ??= page.ETag;
            workflows.AddRange(page.Items.Select(w => new WorkflowEntry(w.Id, w.Name ?? "", w.Path ?? "")));
        }
        context.AdvanceCursor(resource, Write(workflows), etag);
        return workflows;
    }

    /// <summary>Issues with one incident label, by last update, newest first, down to the last run's newest.</summary>
    private async Task IncidentsAsync(GitHubRepositoryTarget target, string label, CancellationToken cancellationToken)
    {
        var resource = $"{target.FullName}:issues:{label}";
        var cursor = await context.GetSourceCursorAsync(resource, cancellationToken);
        var state = Read<UpdatedCursor>(cursor?.Value);
        var url = api.Url($"repos/{target.FullName}/issues?state=all&labels={Escape(label)}&sort=updated&direction=desc&per_page={api.PageSize}{SinceParameter("since")}");
        DateTimeOffset? newest = null;
        string? etag = null;
        var first = true;
        var atNewest = new List<int>();
        await foreach (var page in api.PagesAsync<Issue>(url, cursor?.ETag, cancellationToken))
        {
            if (page.NotModified)
            {
                return;
            }
            if (first)
            {
                (newest, etag, first) = (page.Items.FirstOrDefault() is { } top ? top.UpdatedAt ?? top.CreatedAt : null, page.ETag, false);
            }
            var current = page.Items.TakeWhile(i => IsNew(i.UpdatedAt ?? i.CreatedAt, state?.Updated)).ToList();
            atNewest.AddRange(current.Where(i => (i.UpdatedAt ?? i.CreatedAt) == newest).Select(i => i.Number));
            // The issues API lists pull requests too; a pull request is no incident.
            var rows = current.Where(i => i.PullRequest is null && !WasRead(state, i.UpdatedAt ?? i.CreatedAt, i.Number))
                .Select(i => GitHubRows.Incident(target.Service, target.Repository, i, settings.DefaultSeverity, Source)).ToList();
            await InsertAsync("incidents", GitHubRows.IncidentColumns, rows, cancellationToken);
            if (current.Count < page.Items.Count)
            {
                break;
            }
        }
        context.AdvanceCursor(resource, Write(Advanced(state, newest, atNewest)), etag);
    }

    /// <summary>
    /// The commits between consecutive production deployments of a service whose shas the commits table lacks — a
    /// hotfix deployed from a release branch, a commit never on the default branch — from GitHub's compare endpoint,
    /// stored with their parents (and the base and merge-base commits), so that the linker links those deployments
    /// by ancestry like every other. A comparison of two fixed shas never changes, so each is asked for once: its
    /// cursor (<c>acme/shop:compare:base...head</c>), saved with the run's other cursors after its commits are stored,
    /// says it was, and an unchanged organisation still costs nothing.
    /// </summary>
    private async Task ComparisonsAsync(IReadOnlyList<GitHubRepositoryTarget> targets, CancellationToken cancellationToken)
    {
        var asked = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pair in await linker.PairsWithoutAncestryAsync(targets.Select(t => t.Service), cancellationToken))
        {
            // Deployments a service has in another repository (from another source) are not this source's to compare.
            var target = targets.FirstOrDefault(t => t.Service == pair.Service && t.Repository == pair.Repository);
            var resource = $"{target?.FullName}:compare:{pair.BaseSha}...{pair.HeadSha}";
            // An earlier comparison of this run may have stored both shas (a hotfix is the head of one pair and the base of the next).
            var known = pair with
            {
                BaseStored = pair.BaseStored || _storedFromComparisons.Contains((pair.Repository, pair.BaseSha)),
                HeadStored = pair.HeadStored || _storedFromComparisons.Contains((pair.Repository, pair.HeadSha)),
            };
            if (target is null || (known.BaseStored && known.HeadStored) || !asked.Add(resource)
                || await context.GetSourceCursorAsync(resource, cancellationToken) is not null)
            {
                continue;
            }
            var (outcome, etag) = await CompareAsync(target, known, cancellationToken);
            context.AdvanceCursor(resource, Write(new CompareCursor(outcome)), etag);
        }
    }

    /// <summary>Stores the commits of one comparison; a comparison GitHub does not have is a warning, not a failure.</summary>
    /// <returns>The comparison's status (ahead, diverged, …) or <see cref="ComparisonNotFound"/>, and the first page's ETag.</returns>
    private async Task<(string Outcome, string? ETag)> CompareAsync(GitHubRepositoryTarget target, DeploymentPairWithoutAncestry pair, CancellationToken cancellationToken)
    {
        try
        {
            var (comparison, etag) = await StoreComparisonAsync(target, pair.BaseSha, pair.HeadSha, cancellationToken);
            if (!pair.BaseStored && comparison.BehindBy > 0)
            {
                // The previous deployment's sha was unknown and is no ancestor of this one (a release branch's): its
                // own side down to the merge base is unknown too, and without it the walk from the new sha would not
                // stop at the previous one's history. The reverse comparison lists exactly that side.
                await StoreComparisonAsync(target, pair.HeadSha, pair.BaseSha, cancellationToken);
            }
            return (comparison.Status, etag);
        }
        catch (NotFoundException)
        {
            // GitHub no longer has one of the shas (force-pushed away and collected): it never will again, so the
            // cursor is saved all the same; the deployment keeps its inferred link.
            _warnings.Add($"{target.FullName}: GitHub has no comparison {pair.BaseSha}...{pair.HeadSha} (404, a sha force-pushed away?); "
                + $"deployment of {pair.HeadSha} for service {pair.Service} stays linked by time window (inferred).");
            return (ComparisonNotFound, null);
        }
    }

    /// <summary>
    /// The commits reachable from <paramref name="head"/> and not from <paramref name="base"/>, every page, stored
    /// with the base and merge-base commits (so both ends are in the graph).
    /// </summary>
    /// <returns>The first page (status, ahead and behind counts) and its ETag.</returns>
    private async Task<(CompareResult First, string? ETag)> StoreComparisonAsync(GitHubRepositoryTarget target, string @base, string head, CancellationToken cancellationToken)
    {
        var (owner, name) = (target.FullName.Split('/')[0], target.FullName.Split('/')[1]);
        // The address Octokit's Commit.Compare asks; read here page by page through the retries and request counting.
        var url = api.Url($"{ApiUrls.RepoCompare(owner, name, @base, head)}?per_page={api.PageSize}");
        CompareResult? first = null;
        string? etag = null;
        await foreach (var page in api.PagesAsync<CompareResult, GitHubCommit>(url, null, body =>
            {
                if (first is not null)
                {
                    return body.Commits;
                }
                first = body;
                return [.. body.Commits, .. new[] { body.BaseCommit, body.MergeBaseCommit }.OfType<GitHubCommit>()];
            }, cancellationToken))
        {
            etag ??= page.ETag;
            if (await InsertAsync("commits", GitHubRows.CommitColumns, page.Items.Select(c => GitHubRows.Commit(target.Repository, c, Source)), cancellationToken) > 0)
            {
                _servicesToLink.Add(target.Service);
            }
            _storedFromComparisons.UnionWith(page.Items.Select(c => (target.Repository, c.Sha)));
        }
        return (first!, etag);
    }

    /// <summary>Every page of a small list (a pull request's commits or reviews, a repository's tags).</summary>
    private async Task<IReadOnlyList<T>> AllAsync<T>(Uri url, CancellationToken cancellationToken)
    {
        var items = new List<T>();
        await foreach (var page in api.PagesAsync<T>(url, null, cancellationToken))
        {
            items.AddRange(page.Items);
        }
        return items;
    }

    private async Task InsertDeploymentsAsync(GitHubRepositoryTarget target, IReadOnlyList<object?[]> rows, CancellationToken cancellationToken)
    {
        if (await InsertAsync("deployments", GitHubRows.DeploymentColumns, rows, cancellationToken) > 0)
        {
            _servicesToLink.Add(target.Service);
        }
    }

    private async Task<long> InsertAsync(string table, IReadOnlyList<string> columns, IEnumerable<object?[]> rows, CancellationToken cancellationToken)
    {
        var list = rows as IReadOnlyCollection<object?[]> ?? rows.ToList();
        if (list.Count == 0)
        {
            return 0;
        }
        var written = await store.InsertAsync(table, columns, list, cancellationToken);
        _rows[table] = _rows.GetValueOrDefault(table) + written;
        return written;
    }

    private static bool WasRead(UpdatedCursor? cursor, DateTimeOffset updated, int number) =>
        cursor?.Updated == updated && cursor.ReadAtUpdated?.Contains(number) == true;

    private static UpdatedCursor Advanced(UpdatedCursor? previous, DateTimeOffset? newest, List<int> readAtNewest)
    {
        if (newest is null || newest == previous?.Updated)
        {
            // Nothing newer than last time: what was read at that time still counts as read.
            readAtNewest.AddRange(previous?.ReadAtUpdated ?? []);
        }
        return new UpdatedCursor(newest ?? previous?.Updated, readAtNewest.Distinct().Order().ToList());
    }

    /// <summary>Not yet read (at or after the cursor's time), and inside the configured history.</summary>
    private bool IsNew(DateTimeOffset time, DateTimeOffset? cursor) =>
        (cursor is null || time >= cursor) && (settings.Since is null || time >= settings.Since);

    /// <summary>The configured history bound as a query parameter (a constant, so the address and its ETag stay the same).</summary>
    private string SinceParameter(string name, string prefix = "") =>
        settings.Since is { } since ? $"&{name}={Escape(prefix + since.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture))}" : "";

    private static DateTimeOffset? Min(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a < b ? a : b;

    private static bool IsSha(string? text) => text is { Length: 40 } && text.All(char.IsAsciiHexDigit);

    private static string Escape(string text) => Uri.EscapeDataString(text);

    private static T? Read<T>(string? json) where T : class
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<T>(json, Json);
        }
        catch (JsonException)
        {
            // A cursor from an older format: read everything again (harmless, rows replace by natural key).
            return null;
        }
    }

    private static string Write<T>(T value) => JsonSerializer.Serialize(value, Json);

    private sealed record RepositoryEntry(string FullName, string DefaultBranch);

    private sealed record RepositoryListPage(string Url, string? ETag, string? Next, List<RepositoryEntry> Repositories);

    private sealed record CommitCursor(string Branch, string Head);

    /// <summary>A comparison asked for once: GitHub's status of it, or <see cref="ComparisonNotFound"/>.</summary>
    private sealed record CompareCursor(string Outcome);

    /// <summary>The newest update time read, and the numbers read at exactly that time.</summary>
    /// <remarks>
    /// Items updated at the cursor's time are looked at again (another may have been updated within the same
    /// second), but those already read at that time are skipped: re-reading a pull request costs two requests.
    /// </remarks>
    private sealed record UpdatedCursor(DateTimeOffset? Updated, List<int>? ReadAtUpdated);

    private sealed record OpenDeployment(long Id, string Sha, string Environment, DateTimeOffset CreatedAt, string? StatusesETag);

    /// <summary>The newest creation time read, the ids read at exactly that time, and the deployments not final yet.</summary>
    private sealed record DeploymentCursor(DateTimeOffset? Newest, List<long>? ReadAtNewest, List<OpenDeployment> Open);

    private sealed record RunCursor(DateTimeOffset? Newest, DateTimeOffset? OldestOpen);

    private sealed record WorkflowEntry(long Id, string Name, string Path);
}
