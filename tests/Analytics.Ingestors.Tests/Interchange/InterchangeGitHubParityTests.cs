using Analytics.Ingestors.Csv;
using Analytics.Ingestors.Tests.GitHub;
using Analytics.Ingestors.Tests.Runs;
using Analytics.Simulators.GitHub;

namespace Analytics.Ingestors.Tests.Interchange;

/// <summary>
/// One generated organisation synced from the simulated GitHub, and the same organisation written as interchange
/// files (what a short exporter from Bitbucket, Azure DevOps or Gerrit would write) and imported with
/// <c>ingest csv</c>: the DORA lead time's inputs, the pull requests' cycle-time phases and the reviews come out the
/// same (<see cref="ParityTables"/>), and so do the figures computed from them.
/// </summary>
public sealed class InterchangeGitHubParityTests
{
    [Fact]
    public async Task The_same_organisation_from_GitHub_and_from_interchange_files_gives_the_same_lead_time_cycle_time_and_reviews()
    {
        var end = GitHubScenario.Start.AddDays(-1);
        await using var gitHub = await GitHubScenario.CreateAsync(
            GeneratedOrganisation.Create("acme", repositories: 2, pullRequestsPerRepository: 120, end),
            new Dictionary<string, string?> { ["IncidentLabels"] = null });
        await using var files = await IngestTestHost.CreateAsync();
        var folder = Path.Combine(files.Folder, "export");
        InterchangeFiles.Export(GeneratedOrganisation.Create("acme", repositories: 2, pullRequestsPerRepository: 120, end), folder, id => $"interchange-{id}");

        var fromGitHub = await gitHub.RunAsync();
        var imported = await files.Get<CsvImporter>().ImportAsync(folder, kind: null, "interchange", skipInvalid: false);

        Assert.True(fromGitHub.Succeeded, fromGitHub.Error);
        Assert.False(imported.HasErrors, string.Join(Environment.NewLine, imported.Errors.Take(5)));
        // first_review_at is GitHub's convenience copy of the first review; figures read the reviews (interchange leaves it empty).
        var compared = ParityTables.Compared
            .Select(c => c.Table == "pull_requests FINAL" ? (c.Table, c.Columns.Replace(" first_review_at,", "", StringComparison.Ordinal)) : c)
            .Append(("commits FINAL", ParityTables.CommitColumns));
        await ParityTables.AssertSameAsync(gitHub.Host.EngineStore, "GitHub", files.EngineStore, "interchange files", compared);
        Assert.Equal(0, await files.CountAsync("deployment_commits FINAL", "link = 'inferred'"));
        Assert.Equal(0, await files.CountAsync("pull_requests FINAL", "first_review_at IS NOT NULL"));

        // The figures themselves: median lead time and the cycle-time phases of the whole organisation.
        foreach (var figure in new[] { ParityTables.LeadTime, ParityTables.CycleTime })
        {
            var expected = await ParityTables.RowsAsync(gitHub.Host.EngineStore, $"({figure})", "*");
            Assert.NotEmpty(expected);
            Assert.Equal(expected, await ParityTables.RowsAsync(files.EngineStore, $"({figure})", "*"));
        }
    }
}
