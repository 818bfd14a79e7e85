namespace Analytics.Ingestors.GitLab;

/// <summary>The projects a run reads, and which configured group listed each (null: only configured under <c>Projects</c>).</summary>
internal sealed record GitLabProjects(IReadOnlyList<(string FullName, string DefaultBranch)> Projects, IReadOnlyDictionary<long, (string Group, string FullName)> ByGroup);

/// <summary>The projects a run reads: every project of the configured groups (subgroups included), and the configured ones.</summary>
internal sealed class GitLabProjectReader(GitLabSyncRun run)
{
    public async Task<GitLabProjects> ReadAsync(CancellationToken cancellationToken)
    {
        var api = run.Api;
        var projects = new List<GitLabProject>();
        var byGroup = new Dictionary<long, (string Group, string FullName)>();
        foreach (var group in run.Settings.Groups)
        {
            // Archived projects are read too: their history still counts. Ordered by id, so pages do not shift when a project is active.
            var url = api.Url($"groups/{GitLabApi.Id(group)}/projects?include_subgroups=true&with_shared=false&order_by=id&sort=asc&simple=true&per_page={api.PageSize}");
            await foreach (var page in api.PagesAsync(url, null, cancellationToken))
            {
                foreach (var project in run.Records<GitLabProject>(page.Items, $"group {group}: project ", "id").Where(Readable))
                {
                    projects.Add(project);
                    // A project in two configured groups (a group and its subgroup) is listed by the first.
                    byGroup.TryAdd(project.Id, (group, project.PathWithNamespace));
                }
            }
        }
        foreach (var path in run.Settings.Projects)
        {
            var project = await api.GetAsync(api.Url($"projects/{GitLabApi.Id(path)}"), cancellationToken);
            projects.AddRange(run.Records<GitLabProject>([project], "project ", "path_with_namespace").Where(Readable));
        }
        return new GitLabProjects(projects.Select(p => (p.PathWithNamespace, p.DefaultBranch!)).ToList(), byGroup);
    }

    /// <summary>A project without a repository (issues only) has no default branch: nothing of it to read.</summary>
    private static bool Readable(GitLabProject project) => project.EmptyRepo != true && !string.IsNullOrEmpty(project.DefaultBranch);
}
