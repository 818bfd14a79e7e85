using System.Globalization;
using System.Text;
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
        Export(GeneratedOrganisation.Create("acme", repositories: 2, pullRequestsPerRepository: 120, end), folder);

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

    /// <summary>The organisation as interchange CSV files: services, commits, pull requests, reviews and deployments.</summary>
    private static void Export(FakeOrganisation organisation, string folder)
    {
        Directory.CreateDirectory(folder);
        var services = new StringBuilder("slug,name,repository,default_branch\n");
        var commits = new StringBuilder("repository,sha,parents,author_email,author_name,authored_at,committer_email,committed_at,message\n");
        var pulls = new StringBuilder("repository,number,title,author,author_is_bot,base_branch,opened_at,merged_at,closed_at,merge_sha,head_branch,commits\n");
        var reviews = new StringBuilder("repository,number,review_id,reviewer,reviewer_is_bot,state,submitted_at\n");
        var deployments = new StringBuilder("deployment_id,service,environment,status,repository,sha,started_at,finished_at,ref\n");
        foreach (var repository in organisation.Repositories)
        {
            var (name, service) = (repository.FullName, repository.Name);
            Line(services, service, service, name, repository.DefaultBranch);
            foreach (var commit in repository.Commits.Values)
            {
                Line(commits, name, commit.Sha, string.Join(';', commit.Parents), commit.Email, commit.Author, Time(commit.At), commit.Email, Time(commit.At), commit.Message);
            }
            foreach (var pull in repository.Pulls)
            {
                Line(pulls, name, pull.Number.ToString(CultureInfo.InvariantCulture), pull.Title, pull.Author.Login, pull.Author.IsBot ? "true" : "false", pull.BaseBranch,
                    Time(pull.CreatedAt), Time(pull.MergedAt), Time(pull.ClosedAt), pull.MergedAt is null ? "" : pull.MergeCommitSha ?? "", $"topic-{pull.Number}",
                    string.Join(';', pull.CommitShas.Select(FakeRepository.Pad)));
                foreach (var review in pull.Reviews.Where(r => r.SubmittedAt is not null && r.State != "PENDING"))
                {
                    Line(reviews, name, pull.Number.ToString(CultureInfo.InvariantCulture), review.Id.ToString(CultureInfo.InvariantCulture), review.Reviewer.Login,
                        review.Reviewer.IsBot ? "true" : "false", review.State.ToLowerInvariant(), Time(review.SubmittedAt));
                }
            }
            foreach (var deployment in repository.Deployments)
            {
                // The deploy tool's last word on it: success at the time it said so.
                var last = deployment.Statuses.Where(s => s.State != "inactive").MaxBy(s => s.At)!;
                Line(deployments, $"interchange-{deployment.Id}", service, deployment.Environment, last.State, name, deployment.Sha, Time(deployment.CreatedAt),
                    last.State == "success" ? Time(last.At) : "", repository.DefaultBranch);
            }
        }
        foreach (var (file, text) in new[] { ("services", services), ("commits", commits), ("pull-requests", pulls), ("reviews", reviews), ("deployments", deployments) })
        {
            File.WriteAllText(Path.Combine(folder, $"{file}.csv"), text.ToString());
        }
    }

    private static string Time(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) ?? "";

    private static void Line(StringBuilder text, params string[] values) =>
        text.Append(string.Join(',', values.Select(v => v.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{v.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : v))).Append('\n');
}
