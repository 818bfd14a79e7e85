namespace Analytics.Ingestors.GitLab;

/// <summary>The projects a run reads: every project of the configured groups (subgroups included), and the configured ones.</summary>
internal sealed class GitLabProjectReader(GitLabSyncRun run)
{
    public async Task<IReadOnlyList<(string FullName, string DefaultBranch)>> ReadAsync(CancellationToken cancellationToken)
    {
        var api = run.Api;
        var projects = new List<GitLabProject>();
        foreach (var group in run.Settings.Groups)
        {
            // Archived projects are read too: their history still counts. Ordered by id, so pages do not shift when a project is active.
            var url = api.Url($"groups/{GitLabApi.Id(group)}/projects?include_subgroups=true&with_shared=false&order_by=id&sort=asc&simple=true&per_page={api.PageSize}");
            await foreach (var page in api.PagesAsync(url, null, cancellationToken))
            {
                projects.AddRange(run.Records<GitLabProject>(page.Items, $"group {group}: project ", "id"));
            }
        }
        foreach (var path in run.Settings.Projects)
        {
            var project = await api.GetAsync(api.Url($"projects/{GitLabApi.Id(path)}"), cancellationToken);
            projects.AddRange(run.Records<GitLabProject>([project], "project ", "path_with_namespace"));
        }
        // A project without a repository (issues only) has no default branch: nothing of it to read.
        return projects
            .Where(p => p.EmptyRepo != true && !string.IsNullOrEmpty(p.DefaultBranch))
            .Select(p => (p.PathWithNamespace, p.DefaultBranch!))
            .ToList();
    }
}
