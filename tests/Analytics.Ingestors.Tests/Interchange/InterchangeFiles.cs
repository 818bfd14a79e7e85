using System.Globalization;
using System.Text;
using Analytics.Simulators.GitHub;

namespace Analytics.Ingestors.Tests.Interchange;

/// <summary>
/// A simulated organisation written as the CSV files <c>ingest csv</c> imports (the interchange formats): what a short
/// exporter from any forge would write. Shared by the parity tests that load one organisation through a source and
/// through files.
/// </summary>
internal static class InterchangeFiles
{
    /// <summary>The organisation's services (unless <paramref name="withServices"/> is false: the catalog comes from elsewhere), commits, pull requests, reviews and deployments.</summary>
    /// <param name="deploymentId">The files' id of a simulated deployment, from its id.</param>
    public static void Export(FakeOrganisation organisation, string folder, Func<long, string> deploymentId, bool withServices = true)
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
                Line(deployments, deploymentId(deployment.Id), service, deployment.Environment, last.State, name, deployment.Sha, Time(deployment.CreatedAt),
                    last.State == "success" ? Time(last.At) : "", repository.DefaultBranch);
            }
        }
        var files = new List<(string, StringBuilder)> { ("commits", commits), ("pull-requests", pulls), ("reviews", reviews), ("deployments", deployments) };
        if (withServices)
        {
            files.Add(("services", services));
        }
        foreach (var (file, text) in files)
        {
            Write(folder, file, text);
        }
    }

    public static void Write(string folder, string file, StringBuilder text) => File.WriteAllText(Path.Combine(folder, $"{file}.csv"), text.ToString());

    /// <summary>A time as the files write it: UTC, to the millisecond; "" for none.</summary>
    public static string Time(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) ?? "";

    /// <summary>Appends one CSV line, quoting the values that need it.</summary>
    public static void Line(StringBuilder text, params string[] values) =>
        text.Append(string.Join(',', values.Select(v => v.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{v.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : v))).Append('\n');
}
