using System.Globalization;
using Analytics.Ingestors.Sources;

namespace Analytics.Ingestors.GitHub;

/// <summary>
/// What the readers of one GitHub run share: the settings, the API, the skeleton's cursors and rows, and the
/// services whose deployment links must be recomputed because their commits or deployments changed.
/// </summary>
internal sealed class GitHubSyncRun(GitHubSourceSettings settings, GitHubApi api, SourceRun run)
{
    public GitHubSourceSettings Settings => settings;

    public GitHubApi Api => api;

    public SourceRun Run => run;

    public SourceCursors Cursors => run.Cursors;

    /// <summary>The rows' <c>source</c>: the configured source's name.</summary>
    public string Source => settings.Name;

    /// <summary>Services whose commits or deployments this run wrote: the linker relinks them at the end.</summary>
    public SortedSet<string> ServicesToLink => run.ServicesToLink;

    private readonly HashSet<string> _commitsRead = new(StringComparer.Ordinal);

    /// <summary>Notes commits of <paramref name="target"/> this run wrote with their parents (the branch's history).</summary>
    public void NoteCommitsRead(GitHubRepositoryTarget target, IEnumerable<string> shas)
    {
        foreach (var sha in shas)
        {
            _commitsRead.Add($"{target.FullName}@{sha}");
        }
    }

    /// <summary>This run wrote the commit already, parents included: a GraphQL reader need not ask for them again.</summary>
    public bool CommitRead(GitHubRepositoryTarget target, string sha) => _commitsRead.Contains($"{target.FullName}@{sha}");

    public Task<long> WriteAsync(RowTable table, IEnumerable<object?[]> rows, CancellationToken cancellationToken) =>
        run.Rows.WriteAsync(table, rows, cancellationToken);

    /// <summary>Writes commits or deployments of <paramref name="target"/>; any written means its deployments are relinked.</summary>
    public Task WriteShippedAsync(GitHubRepositoryTarget target, RowTable table, IEnumerable<object?[]> rows, CancellationToken cancellationToken) =>
        run.WriteShippedAsync(target.Service, table, rows, cancellationToken);

    /// <summary>Not yet read (at or after the cursor's time), and inside the configured history.</summary>
    public bool IsNew(DateTimeOffset time, DateTimeOffset? cursor) =>
        (cursor is null || time >= cursor) && (settings.Since is null || time >= settings.Since);

    /// <summary>The configured history bound as a query parameter (a constant, so the address and its ETag stay the same).</summary>
    public string SinceParameter(string name, string prefix = "") =>
        settings.Since is { } since ? $"&{name}={Escape(prefix + since.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture))}" : "";

    public static string Escape(string text) => Uri.EscapeDataString(text);
}
