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
            foreach (var release in page.Items.Where(IsDeployment))
            {
                // target_commitish is often a branch name; the tag says which commit was released.
                var sha = IsSha(release.TargetCommitish) ? release.TargetCommitish
                    : (tags ??= await TagsAsync(target, cancellationToken)).GetValueOrDefault(release.TagName, "");
                rows.Add(Row(target, release, sha));
            }
            await run.WriteShippedAsync(target, GitHubTables.Deployments, rows, cancellationToken);
            return true;
        });
        if (!read.NotModified)
        {
            run.Cursors.AdvanceText(resource, "{}", etag);
        }
    }

    /// <summary>A published release (no draft; a pre-release only if configured) inside the configured history.</summary>
    internal bool IsDeployment(Release release) =>
        !release.Draft && release.PublishedAt is not null && (run.Settings.IncludePrereleases || !release.Prerelease) && run.IsNew(release.PublishedAt.Value, null);

    /// <summary>The deployment row of one release (a webhook delivery's), its commit from the tag when the target is a branch.</summary>
    internal async Task<object?[]> RowAsync(GitHubRepositoryTarget target, Release release, CancellationToken cancellationToken) =>
        Row(target, release, IsSha(release.TargetCommitish) ? release.TargetCommitish : (await TagsAsync(target, cancellationToken)).GetValueOrDefault(release.TagName, ""));

    private object?[] Row(GitHubRepositoryTarget target, Release release, string sha) =>
        GitHubRows.ReleaseDeployment(target.Service, target.Repository, run.Settings.ReleaseEnvironment, release, sha, run.Source);

    private async Task<Dictionary<string, string>> TagsAsync(GitHubRepositoryTarget target, CancellationToken cancellationToken)
    {
        var tags = await run.Api.AllAsync<RepositoryTag>(run.Api.Url($"repos/{target.FullName}/tags?per_page={run.Api.PageSize}"), cancellationToken);
        return tags.Where(t => t.Commit?.Sha is not null).GroupBy(t => t.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Commit.Sha, StringComparer.Ordinal);
    }

    private static bool IsSha(string? text) => text is { Length: 40 } && text.All(char.IsAsciiHexDigit);
}
