using System.Globalization;
using System.Text.Json;
using Analytics.Ingestors.GitHub;
using Analytics.Ingestors.Sources;

namespace Analytics.Ingestors.GitLab;

/// <summary>
/// What the readers of one GitLab run share: the settings, the API, the skeleton's cursors and rows, and the
/// services whose deployment links must be recomputed because their commits or deployments changed.
/// </summary>
internal sealed class GitLabSyncRun(GitLabSourceSettings settings, GitLabApi api, SourceRun run)
{
    public GitLabSourceSettings Settings => settings;

    public GitLabApi Api => api;

    public SourceRun Run => run;

    public SourceCursors Cursors => run.Cursors;

    /// <summary>The rows' <c>source</c>: the configured source's name.</summary>
    public string Source => settings.Name;

    /// <summary>Writes commits or deployments of <paramref name="target"/>; any written means its deployments are relinked.</summary>
    public Task WriteShippedAsync(GitHubRepositoryTarget target, RowTable table, IEnumerable<object?[]> rows, CancellationToken cancellationToken) =>
        run.WriteShippedAsync(target.Service, table, rows, cancellationToken);

    /// <summary>The items of a page that read as <typeparamref name="T"/>; each that does not becomes a warning of the run naming it.</summary>
    /// <param name="what">What the list holds, for the warning, up to the id: "acme/shop: merge request !", "acme/shop: commit ".</param>
    /// <param name="idField">The JSON property that names an item (<c>iid</c>, <c>id</c>).</param>
    public List<T> Records<T>(IEnumerable<JsonElement> items, string what, string idField) =>
        GitLabApi.Records<T>(items, item => what + GitLabApi.Field(item, idField), run.Warn);

    /// <summary>The configured history bound as a query parameter (<c>&amp;since=…</c>), or nothing.</summary>
    public string SinceParameter(string name) => settings.Since is { } since ? $"&{name}={Time(since)}" : "";

    /// <summary>A time as GitLab's ISO 8601 parameters take it.</summary>
    public static string Time(DateTimeOffset time) =>
        Uri.EscapeDataString(time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
}
