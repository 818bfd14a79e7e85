using Analytics.Ingestors.GitHub;
using Analytics.Ingestors.Sources;

namespace Analytics.Ingestors.GitLab;

/// <summary>The cursor of a group's merge-request list: as an <see cref="UpdatedCursor"/> (ids are GitLab's merge-request ids, unique across projects), and the projects it covers.</summary>
/// <param name="Projects">The group's projects (full paths) whose merge requests this list had read up to <paramref name="Updated"/>.</param>
internal sealed record GitLabGroupCursor(DateTimeOffset? Updated, List<long>? ReadAtUpdated, List<string>? Projects)
{
    public UpdatedCursor Listing => new(Updated, ReadAtUpdated);
}

/// <summary>
/// The merge requests of the projects of each configured group, read with one list per group
/// (<c>GET /groups/:id/merge_requests?state=all&amp;scope=all&amp;non_archived=false&amp;updated_after=…</c>, oldest update
/// first; subgroups are included, as GitLab does by default) instead of one per project: an unchanged group costs one
/// request. Each merge request read is added as <see cref="GitLabMergeRequestReader"/> adds it (its commits, approvals
/// and notes by its project's path), so the rows are the same as read per project.
/// </summary>
/// <remarks>
/// <para>
/// Cursor <c>group acme:merge_requests</c> (a <see cref="GitLabGroupCursor"/>): the newest update time listed, the
/// ids read at that time, and the projects it covers. A project of the group it does not cover yet (new in the
/// group, moved into it, or read per project before this reader existed, with a cursor of its own) is read per
/// project by <see cref="GitLabMergeRequestReader"/> in that run, from its own cursor; the group's list then skips
/// what that read already had, and covers the project from then on. Merge requests of projects the run does not read
/// (another configured group's, an empty repository's) are skipped. Like every cursor it is saved only when the whole
/// run succeeded: a failed run moves it past nothing.
/// </para>
/// <para>
/// Without a cursor of its own (a first sync, or the first run after projects were read one by one), the list starts
/// at the oldest cursor of those projects when every project of the group has one, else at <c>Since</c>.
/// </para>
/// </remarks>
internal sealed class GitLabGroupMergeRequestReader(GitLabSyncRun run, GitLabProjects projects, IReadOnlyList<GitHubRepositoryTarget> targets)
{
    private readonly Dictionary<string, Plan> _plans = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _groupOf = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _covered = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>True when the project's merge requests are read here, from its group's list, and not per project.</summary>
    public bool Covers(GitHubRepositoryTarget target) => _covered.Contains(target.FullName);

    /// <summary>Decides, from the saved cursors, which projects of each group its list covers (asks GitLab nothing).</summary>
    public async Task PlanAsync(CancellationToken cancellationToken)
    {
        var readable = targets.Select(t => t.FullName).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var (group, fullName) in projects.ByGroup.Values.Where(p => readable.Contains(p.FullName)))
        {
            _groupOf.TryAdd(fullName, group);
        }
        foreach (var group in run.Settings.Groups.Distinct(StringComparer.Ordinal))
        {
            var state = (await run.Cursors.ReadAsync<GitLabGroupCursor>(Resource(group), cancellationToken)).State;
            var members = _groupOf.Where(p => p.Value == group).Select(p => p.Key).Order(StringComparer.Ordinal).ToList();
            var own = new List<UpdatedCursor?>();
            foreach (var member in members)
            {
                if (state is not null)
                {
                    if (state.Projects?.Contains(member, StringComparer.OrdinalIgnoreCase) == true)
                    {
                        _covered.Add(member);
                    }
                    continue;
                }
                var perProject = (await run.Cursors.ReadAsync<UpdatedCursor>($"{member}:merge_requests", cancellationToken)).State;
                if (perProject is null)
                {
                    _covered.Add(member);
                }
                own.Add(perProject);
            }
            var start = state is not null ? state.Updated
                : members.Count > 0 && own.Count == members.Count && own.All(c => c?.Updated is not null) ? own.Min(c => c!.Updated)
                : null;
            _plans[group] = new Plan(state, members, start);
        }
    }

    /// <summary>Lists each group's merge requests updated since its cursor; <paramref name="perProject"/> read the projects not covered yet.</summary>
    public async Task ReadAsync(GitLabMergeRequestReader perProject, CancellationToken cancellationToken)
    {
        var byPath = targets.ToDictionary(t => t.FullName, StringComparer.OrdinalIgnoreCase);
        foreach (var (group, plan) in _plans)
        {
            var api = run.Api;
            var listing = plan.State?.Listing;
            var after = plan.Start is { } start ? $"&updated_after={GitLabSyncRun.Time(start)}" : run.SinceParameter("updated_after");
            var url = api.Url($"groups/{GitLabApi.Id(group)}/merge_requests?state=all&scope=all&non_archived=false&order_by=updated_at&sort=asc{after}&per_page={api.PageSize}");
            DateTimeOffset? newest = plan.State?.Updated;
            var atNewest = new List<long>();
            await foreach (var page in api.PagesAsync(url, null, cancellationToken))
            {
                var requests = GitLabApi.Records<GitLabMergeRequest>(page.Items, item => Describe(group, item), run.Run.Warn);
                var batch = new RowBatch(GitHubTables.PullRequests, GitHubTables.PullRequestCommits, GitHubTables.Reviews);
                foreach (var request in requests)
                {
                    if (Target(group, request, byPath) is { } target && !AlreadyRead(target, request, listing, perProject))
                    {
                        await perProject.AddAsync(batch, target, request, cancellationToken);
                    }
                    if (newest is null || request.UpdatedAt > newest)
                    {
                        (newest, atNewest) = (request.UpdatedAt, []);
                    }
                    if (request.UpdatedAt == newest)
                    {
                        atNewest.Add(request.Id);
                    }
                }
                await run.Run.Rows.WriteAsync(batch, cancellationToken);
            }
            var advanced = UpdatedCursor.Advanced(listing, newest, atNewest);
            run.Cursors.Advance(Resource(group), new GitLabGroupCursor(advanced.Updated, advanced.ReadAtUpdated, plan.Members));
        }
    }

    /// <summary>Names a listed merge request as the per-project read does (<c>acme/shop: merge request !7</c>), else by group and id.</summary>
    private string Describe(string group, System.Text.Json.JsonElement item) =>
        long.TryParse(GitLabApi.Field(item, "project_id"), out var id) && projects.ByGroup.TryGetValue(id, out var project)
            ? $"{project.FullName}: merge request !{GitLabApi.Field(item, "iid")}"
            : $"group {group}: merge request {GitLabApi.Field(item, "id")}";

    /// <summary>The cursor's resource name: a space never occurs in a GitLab path, so it cannot be a project's.</summary>
    internal static string Resource(string group) => $"group {group}:merge_requests";

    /// <summary>The project of this run a listed merge request belongs to, when it is one of this group's; else null (skipped).</summary>
    private GitHubRepositoryTarget? Target(string group, GitLabMergeRequest request, Dictionary<string, GitHubRepositoryTarget> byPath) =>
        request.ProjectId is { } id && projects.ByGroup.TryGetValue(id, out var project) && project.Group == group
        && _groupOf.GetValueOrDefault(project.FullName) == group && byPath.TryGetValue(project.FullName, out var target)
            ? target
            : null;

    /// <summary>
    /// Read before: by this list at its cursor's time (a covered project), or by this run's per-project read (a
    /// project not covered yet: everything up to the cursor that read advanced to).
    /// </summary>
    private bool AlreadyRead(GitHubRepositoryTarget target, GitLabMergeRequest request, UpdatedCursor? listing, GitLabMergeRequestReader perProject)
    {
        if (Covers(target))
        {
            return UpdatedCursor.WasRead(listing, request.UpdatedAt, request.Id);
        }
        return perProject.Read.TryGetValue(target.FullName, out var read) && read.Updated is { } upTo
            && (request.UpdatedAt < upTo || UpdatedCursor.WasRead(read, request.UpdatedAt, request.Iid));
    }

    /// <param name="Members">The group's projects this run reads: the list covers them all once this run succeeds.</param>
    /// <param name="Start">Where the list starts (<c>updated_after</c>); null: at <c>Since</c>.</param>
    private sealed record Plan(GitLabGroupCursor? State, List<string> Members, DateTimeOffset? Start);
}
