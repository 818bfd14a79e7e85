using Octokit;

namespace Analytics.Ingestors.GitHub;

/// <summary>The repositories a run reads: every repository of the configured organisations, and the configured ones.</summary>
internal sealed class GitHubRepositoryReader(GitHubSyncRun run)
{
    private GitHubApi Api => run.Api;

    public async Task<IReadOnlyList<(string FullName, string DefaultBranch)>> ReadAsync(CancellationToken cancellationToken)
    {
        var repositories = new List<(string FullName, string DefaultBranch)>();
        foreach (var organization in run.Settings.Organizations)
        {
            repositories.AddRange(await OrganizationRepositoriesAsync(organization, cancellationToken));
        }
        foreach (var repository in run.Settings.Repositories)
        {
            repositories.Add(await RepositoryAsync(repository, cancellationToken));
        }
        return repositories;
    }

    /// <summary>
    /// An organisation's repositories. Each page is asked for with its own ETag and, when unchanged, taken from the
    /// cursor: a push changes a repository's <c>pushed_at</c> and so the page it is on, and the other pages should
    /// still cost nothing.
    /// </summary>
    private async Task<IReadOnlyList<(string FullName, string DefaultBranch)>> OrganizationRepositoriesAsync(string organization, CancellationToken cancellationToken)
    {
        var resource = $"org:{organization}:repositories";
        var stored = (await run.Cursors.ReadAsync<List<RepositoryListPage>>(resource, cancellationToken)).State ?? [];
        var pages = new List<RepositoryListPage>();
        Uri? url = Api.Url($"orgs/{GitHubSyncRun.Escape(organization)}/repos?type=all&per_page={Api.PageSize}");
        while (url is not null)
        {
            var previous = stored.ElementAtOrDefault(pages.Count) is { } candidate && candidate.Url == url.ToString() ? candidate : null;
            var page = await Api.GetPageAsync<Repository>(url, previous?.ETag, cancellationToken);
            var current = page.NotModified
                ? previous!
                : new RepositoryListPage(url.ToString(), page.ETag, page.Next?.ToString(),
                    page.Items.Select(r => new RepositoryEntry(r.FullName, r.DefaultBranch ?? "main")).ToList());
            pages.Add(current);
            url = current.Next is null ? null : new Uri(current.Next);
        }
        run.Cursors.Advance(resource, pages, pages[0].ETag);
        return pages.SelectMany(p => p.Repositories).Select(r => (r.FullName, r.DefaultBranch)).ToList();
    }

    private async Task<(string FullName, string DefaultBranch)> RepositoryAsync(string fullName, CancellationToken cancellationToken)
    {
        var resource = $"repo:{fullName}";
        var cursor = await run.Cursors.ReadAsync<RepositoryEntry>(resource, cancellationToken);
        var stored = cursor.State;
        var (repository, etag, notModified) = await Api.GetAsync<Repository>(Api.Url($"repos/{fullName}"), stored is null ? null : cursor.ETag, cancellationToken);
        var entry = notModified ? stored! : new RepositoryEntry(repository!.FullName, repository.DefaultBranch ?? "main");
        run.Cursors.Advance(resource, entry, etag);
        return (entry.FullName, entry.DefaultBranch);
    }

    private sealed record RepositoryEntry(string FullName, string DefaultBranch);

    private sealed record RepositoryListPage(string Url, string? ETag, string? Next, List<RepositoryEntry> Repositories);
}
