using Analytics.Ingestors.Tests.GitHub;
using Analytics.Simulators.GitHub;

namespace Analytics.Ingestors.Tests.GitLab;

/// <summary>
/// A configured group's merge requests are listed group-wide (<c>GET /groups/:id/merge_requests</c>), one cursor per
/// group, instead of one list per project (issue 13): an unchanged re-sync of N projects costs 1 + 2N + 1 requests.
/// </summary>
public sealed class GitLabGroupMergeRequestTests
{
    private const int Projects = 3;

    private static FakeOrganisation Group() => GeneratedOrganisation.Create("acme", Projects, 6, GitHubScenario.Start);

    [Fact]
    public async Task An_unchanged_resync_lists_the_groups_merge_requests_once_and_a_change_in_one_project_is_picked_up()
    {
        await using var scenario = await GitLabScenario.CreateAsync(Group());

        var served = await scenario.SyncThenResyncUnchangedAsync();

        // The group's projects, per project its commits' first page and its deployments, and the group's merge requests.
        Assert.Equal(1 + 2 * Projects + 1, served.Count);
        Assert.All(served, request => Assert.Equal(200, request.Status));
        var listing = Assert.Single(served, r => r.PathAndQuery.Contains("/merge_requests", StringComparison.Ordinal));
        Assert.StartsWith("/api/v4/groups/acme/merge_requests?state=all&scope=all&non_archived=false&order_by=updated_at&sort=asc&updated_after=", listing.PathAndQuery);

        var repository = scenario.GitLab.Groups[0].Repositories[2];
        var changed = repository.Pulls[1];
        changed.UpdatedAt = scenario.GitLab.Groups[0].Repositories.SelectMany(r => r.Pulls).Max(p => p.UpdatedAt).AddMinutes(1);
        scenario.GitLab.ClearServed();

        var third = await scenario.RunAsync();

        Assert.True(third.Succeeded, third.Error);
        Assert.Equal(1, third.RowsPerTable["pull_requests"]);
        // Its commits, notes and approvals, as a per-project read asks for them; nothing for any other merge request.
        served = scenario.GitLab.Served;
        Assert.Equal(1 + 2 * Projects + 1 + 3, served.Count);
        Assert.Equal(3, served.Count(r => r.PathAndQuery.Contains($"/projects/acme%2F{repository.Name}/merge_requests/{changed.Number}/", StringComparison.Ordinal)));
        scenario.GitLab.ClearServed();

        var fourth = await scenario.RunAsync();

        Assert.True(fourth.Succeeded, fourth.Error);
        Assert.All(fourth.RowsPerTable, table => Assert.Equal(0, table.Value));
        Assert.Equal(1 + 2 * Projects + 1, scenario.GitLab.Served.Count);
    }

    [Fact]
    public async Task The_group_list_writes_the_tables_the_per_project_lists_write()
    {
        var organisation = Group();
        await using var byGroup = await GitLabScenario.CreateAsync(organisation);
        await using var byProject = await GitLabScenario.CreateAsync(organisation, new Dictionary<string, string?>
        {
            ["Groups"] = null,
            ["Projects"] = string.Join(",", organisation.Repositories.Select(r => r.FullName)),
        });

        var group = await byGroup.RunAsync();
        var projects = await byProject.RunAsync();

        Assert.True(group.Succeeded, group.Error);
        Assert.True(projects.Succeeded, projects.Error);
        Assert.Equal(projects.RowsPerTable, group.RowsPerTable);
        Assert.Equal(await Snapshot.OfAsync(byProject.Host.EngineStore), await Snapshot.OfAsync(byGroup.Host.EngineStore));
        // Per-MR requests are the same; only the lists differ: one for the group instead of one per project.
        static IEnumerable<string> PerMergeRequest(GitLabScenario s) =>
            s.GitLab.Served.Select(r => r.PathAndQuery).Where(p => p.Contains("/merge_requests/", StringComparison.Ordinal)).Order(StringComparer.Ordinal);
        Assert.Equal(PerMergeRequest(byProject), PerMergeRequest(byGroup));
    }

    [Fact]
    public async Task A_project_new_in_the_group_is_read_on_its_own_once_then_by_the_group_list()
    {
        var organisation = Group();
        await using var scenario = await GitLabScenario.CreateAsync(organisation);
        var first = await scenario.RunAsync();
        Assert.True(first.Succeeded, first.Error);
        // A project moved into the group: its merge requests are older than the group's cursor.
        var moved = GeneratedOrganisation.Create("acme", 1, 4, GitHubScenario.Start.AddDays(-30)).Repositories[0];
        var added = organisation.Repository("moved");
        foreach (var (sha, commit) in moved.Commits)
        {
            added.Commits[sha] = commit;
        }
        foreach (var (branch, head) in moved.Branches)
        {
            added.Branches[branch] = head;
        }
        added.Pulls.AddRange(moved.Pulls);
        scenario.GitLab.ClearServed();

        var second = await scenario.RunAsync();

        Assert.True(second.Succeeded, second.Error);
        Assert.Equal(moved.Pulls.Count, second.RowsPerTable["pull_requests"]);
        Assert.Single(scenario.GitLab.Served, r => r.PathAndQuery.StartsWith("/api/v4/projects/acme%2Fmoved/merge_requests?", StringComparison.Ordinal));
        scenario.GitLab.ClearServed();

        var third = await scenario.RunAsync();

        Assert.True(third.Succeeded, third.Error);
        Assert.All(third.RowsPerTable, table => Assert.Equal(0, table.Value));
        Assert.Equal(1 + 2 * (Projects + 1) + 1, scenario.GitLab.Served.Count);
    }
}
