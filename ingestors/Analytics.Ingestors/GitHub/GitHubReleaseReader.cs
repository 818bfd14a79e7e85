using Analytics.Ingestors.Sources;
using Octokit;

namespace Analytics.Ingestors.GitHub;

/// <summary>
/// Published releases as successful deployments (cursor <c>acme/shop:releases</c>: the list's ETag only). Releases
/// are few and get edited, so a changed list is read whole.
/// </summary>
internal sealed class GitHubReleaseReader(GitHubSyncRun run) : IResourceReader<GitHubRepositoryTarget>
{
    public async Task ReadAsync(GitHubRepositoryTarget target, CancellationToken cancellationToken)
    {
        var resource = $"{target.FullName}:releases";
        var cursor = await run.Cursors.ReadAsync<object>(resource, cancellationToken);
        var api = run.Api;
        var url = api.Url($"repos/{target.FullName}/releases?per_page={api.PageSize}");
        string? etag = null;
        Dictionary<string, string>? tags = null;
        var read = await Pager.ReadAsync(api.PagesAsync<Release>(url, cursor.ETag, cancellationToken), async page =>
        {
            etag ??= page.ETag;
            var rows = new List<object?[]>();
            foreach (var release in page.Items.Where(r => !r.Draft && r.PublishedAt is not null && (run.Settings.IncludePrereleases || !r.Prerelease)
                && run.IsNew(r.PublishedAt.Value, null)))
            {
                // target_commitish is often a branch name; the tag says which commit was released.
                var sha = IsSha(release.TargetCommitish) ? release.TargetCommitish
                    : (tags ??= await TagsAsync(target, cancellationToken)).GetValueOrDefault(release.TagName, "");
                rows.Add(GitHubRows.ReleaseDeployment(target.Service, target.Repository, run.Settings.ReleaseEnvironment, release, sha, run.Source));
            }
            await run.WriteShippedAsync(target, GitHubTables.Deployments, rows, cancellationToken);
            return true;
        });
        if (!read.NotModified)
        {
            run.Cursors.AdvanceText(resource, "{}", etag);
        }
    }

    private async Task<Dictionary<string, string>> TagsAsync(GitHubRepositoryTarget target, CancellationToken cancellationToken)
    {
        var tags = await run.Api.AllAsync<RepositoryTag>(run.Api.Url($"repos/{target.FullName}/tags?per_page={run.Api.PageSize}"), cancellationToken);
        return tags.Where(t => t.Commit?.Sha is not null).GroupBy(t => t.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Commit.Sha, StringComparer.Ordinal);
    }

    private static bool IsSha(string? text) => text is { Length: 40 } && text.All(char.IsAsciiHexDigit);
}
