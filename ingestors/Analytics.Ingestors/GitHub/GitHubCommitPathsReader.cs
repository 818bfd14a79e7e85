using Analytics.Ingestors.Sources;
using Octokit;

namespace Analytics.Ingestors.GitHub;

/// <summary>
/// The changed files of new commits of a repository listed in <see cref="GitHubSourceSettings.CommitPaths"/>, into
/// commit_paths, for services that own paths of a shared repository. GitHub lists a commit's files only on the
/// single-commit endpoint (<c>GET /repos/{owner}/{repo}/commits/{sha}</c>), so this costs one request per commit.
/// </summary>
internal sealed class GitHubCommitPathsReader(GitHubSyncRun run)
{
    /// <summary>
    /// The files the endpoint lists on its first page. A commit listing this many may have more (its next pages):
    /// its files stay unknown rather than incomplete, so no service's paths are wrongly found untouched.
    /// </summary>
    public const int FirstPageFiles = 300;

    public static readonly RowTable Table = new("commit_paths", ["repository", "sha", "paths", "source"]);

    public async Task ReadAsync(GitHubRepositoryTarget target, IReadOnlyList<string> shas, CancellationToken cancellationToken)
    {
        var rows = new List<object?[]>();
        foreach (var sha in shas)
        {
            var (commit, _, _) = await run.Api.GetAsync<GitHubCommit>(
                run.Api.Url($"repos/{target.FullName}/commits/{GitHubSyncRun.Escape(sha)}"), etag: null, cancellationToken);
            if (commit?.Files is not { Count: < FirstPageFiles } files)
            {
                continue;
            }
            // A rename lists both paths, as the git ingestor's tree diff does.
            var paths = files.SelectMany(file => string.IsNullOrEmpty(file.PreviousFileName) ? [file.Filename] : new[] { file.PreviousFileName, file.Filename })
                .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
            rows.Add([target.Repository, sha, paths, run.Source]);
        }
        await run.WriteShippedAsync(target, Table, rows, cancellationToken);
    }
}
