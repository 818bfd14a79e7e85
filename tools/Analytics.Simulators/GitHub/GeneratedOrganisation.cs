using System.Globalization;

namespace Analytics.Simulators.GitHub;

/// <summary>
/// A large organisation for the simulator, the same every time for the same sizes: each repository has a trunk
/// of merged pull requests, open ones, reviews, production deployments and incident issues, one pull request an
/// hour, ending at <c>end</c>.
/// </summary>
/// <remarks>
/// Per pull request: two commits on its topic branch; 9 in 10 are merged with a merge commit on <c>main</c>, the
/// others stay open. Each gets an approval, every third a comment first. Every 20th pull request is followed by a
/// production deployment of <c>main</c> (statuses in_progress, then success); every 100th by an incident issue and
/// by a hotfix: one commit on a release branch cut from the sha just deployed, deployed to production too. The
/// hotfix is never on <c>main</c>, so linking it takes one comparison (compare API) in the first sync.
/// </remarks>
public static class GeneratedOrganisation
{
    public const string IncidentLabel = "incident";

    private const int PullsPerDeployment = 20;
    private const int PullsPerIncident = 100;
    private const int PullsPerHotfix = 100;
    private static readonly FakeUser[] Engineers = Enumerable.Range(1, 8).Select(i => new FakeUser($"dev{i}")).ToArray();

    public static FakeOrganisation Create(string login, int repositories, int pullRequestsPerRepository, DateTimeOffset end)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(repositories);
        ArgumentOutOfRangeException.ThrowIfNegative(pullRequestsPerRepository);
        var organisation = new FakeOrganisation(login);
        var start = end - TimeSpan.FromHours(pullRequestsPerRepository + 1);
        for (var r = 0; r < repositories; r++)
        {
            Fill(organisation.Repository($"service-{r.ToString("D3", CultureInfo.InvariantCulture)}"), r, pullRequestsPerRepository, start);
        }
        return organisation;
    }

    private static void Fill(FakeRepository repository, int index, int pulls, DateTimeOffset start)
    {
        var main = repository.Commit("main", Sha(index, 0, 0), start, "Initial commit").Sha;
        for (var number = 1; number <= pulls; number++)
        {
            var opened = start + TimeSpan.FromHours(number);
            var author = Engineers[(index + number) % Engineers.Length];
            var reviewer = Engineers[(index + number + 1) % Engineers.Length];
            var first = repository.Commit($"topic-{number}", Sha(index, number, 1), opened - TimeSpan.FromMinutes(40), $"Change {number}", author.Login, $"{author.Login}@acme.test", main);
            var second = repository.Commit($"topic-{number}", Sha(index, number, 2), opened - TimeSpan.FromMinutes(20), $"Change {number}: tests", author.Login, $"{author.Login}@acme.test", first.Sha);
            var pull = new FakePull { Number = number, Title = $"Change {number}", Author = author, CreatedAt = opened, UpdatedAt = opened + TimeSpan.FromMinutes(10) };
            pull.CommitShas.AddRange([first.Sha, second.Sha]);
            if (number % 3 == 0)
            {
                pull.Reviews.Add(new FakeReview(ReviewId(index, number, 1), reviewer, "COMMENTED", opened + TimeSpan.FromMinutes(20)));
            }
            pull.Reviews.Add(new FakeReview(ReviewId(index, number, 2), reviewer, "APPROVED", opened + TimeSpan.FromMinutes(30)));
            if (number % 10 != 0)
            {
                var merged = opened + TimeSpan.FromMinutes(50);
                main = repository.Commit("main", Sha(index, number, 0), merged, $"Merge pull request #{number}", reviewer.Login, $"{reviewer.Login}@acme.test", main, second.Sha).Sha;
                (pull.MergedAt, pull.ClosedAt, pull.UpdatedAt, pull.MergeCommitSha) = (merged, merged, merged, main);
            }
            repository.Pulls.Add(pull);

            if (number % PullsPerDeployment == 0)
            {
                Deploy(repository, (index + 1) * 1_000_000L + number, main, opened + TimeSpan.FromMinutes(55));
            }
            if (number % PullsPerHotfix == 0)
            {
                var hotfix = repository.Commit($"release/{number}", Sha(index, number, 3), opened + TimeSpan.FromMinutes(70), $"Hotfix after change {number}", author.Login, $"{author.Login}@acme.test", main);
                Deploy(repository, (index + 1) * 1_000_000L + 500_000 + number, hotfix.Sha, opened + TimeSpan.FromMinutes(75));
            }
            if (number % PullsPerIncident == 0)
            {
                var incident = new FakeIssue
                {
                    Number = 100_000 + number, Title = $"Errors after change {number}", CreatedAt = opened + TimeSpan.FromMinutes(58),
                    UpdatedAt = opened + TimeSpan.FromMinutes(59), ClosedAt = opened + TimeSpan.FromMinutes(59),
                };
                incident.Labels.AddRange([IncidentLabel, "sev3"]);
                repository.Issues.Add(incident);
            }
        }
    }

    /// <summary>A production deployment of <paramref name="sha"/> created at <paramref name="created"/>: in progress a minute later, successful after four.</summary>
    private static void Deploy(FakeRepository repository, long id, string sha, DateTimeOffset created)
    {
        var deployment = new FakeDeployment { Id = id, Sha = sha, Environment = "production", CreatedAt = created };
        deployment.Statuses.Add(new FakeDeploymentStatus(id * 10 + 1, "in_progress", created + TimeSpan.FromMinutes(1)));
        deployment.Statuses.Add(new FakeDeploymentStatus(id * 10 + 2, "success", created + TimeSpan.FromMinutes(4)));
        repository.Deployments.Add(deployment);
    }

    /// <summary>A distinct 40-hex sha per repository, pull request and commit of it (0 = its merge commit, 3 = its hotfix).</summary>
    private static string Sha(int repository, int pull, int commit) =>
        FakeRepository.Pad($"{repository:x4}{pull:x8}{commit:x2}");

    private static long ReviewId(int repository, int pull, int review) => ((repository + 1) * 1_000_000L + pull) * 10 + review;
}
