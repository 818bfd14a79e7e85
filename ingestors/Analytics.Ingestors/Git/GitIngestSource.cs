using Analytics.Ingestors.Runs;
using Analytics.Ingestors.Sources;
using Microsoft.Extensions.Configuration;

namespace Analytics.Ingestors.Git;

/// <summary>
/// One clone as an <see cref="IIngestSource"/>, so a git ingest gets the same bookkeeping as every other source:
/// a recorded run with rows per table, and a cursor saved only when the run succeeded.
/// </summary>
/// <param name="name">The source's name: "git" for <c>ingest git</c>, the configured name for a scheduled clone.</param>
/// <param name="prepare">Says what to read when the run starts (a configured source registers its service then).</param>
public sealed class GitIngestSource(string name, GitRepositoryIngestor ingestor, Func<CancellationToken, Task<GitIngestRequest>> prepare) : IIngestSource
{
    /// <summary>A run of <c>ingest git</c>: source "git", the request already resolved.</summary>
    public GitIngestSource(GitRepositoryIngestor ingestor, GitIngestRequest request)
        : this(GitRepositoryIngestor.SourceName, ingestor, _ => Task.FromResult(request))
    {
    }

    public string Name { get; } = name;

    public string Kind => GitRepositoryIngestor.SourceName;

    /// <summary>What the last run read; null until it has run.</summary>
    public GitIngestResult? LastResult { get; private set; }

    public async Task<IngestResult> RunAsync(IngestContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = await prepare(cancellationToken);
        var cursors = new SourceCursors(context);
        var cursor = await cursors.ReadTextAsync(request.CursorResource, cancellationToken);
        LastResult = await ingestor.IngestAsync(request, cursor, context.Staging, cancellationToken);
        cursors.AdvanceText(request.CursorResource, LastResult.Cursor);
        return IngestResult.Rows(LastResult.RowsPerTable);
    }
}

/// <summary>
/// Builds scheduled clones (<c>Analytics:Sources:&lt;name&gt;:Kind = git</c>) from their <see cref="GitSourceSettings"/>.
/// The service is registered, if the catalog lacks it, when the source first runs.
/// </summary>
public sealed class GitSourceFactory(GitRepositoryIngestor ingestor, GitServiceRegistration registration) : IIngestSourceFactory
{
    public string Kind => GitRepositoryIngestor.SourceName;

    public IEnumerable<string> Validate(string name, IConfigurationSection settings) => GitSourceSettings.Validate(settings);

    public IIngestSource Create(string name, IConfigurationSection settings)
    {
        var parsed = GitSourceSettings.Parse(settings);
        return new GitIngestSource(name, ingestor, async cancellationToken =>
        {
            var target = await registration.EnsureServiceAsync(parsed.Service, parsed.Path, parsed.Repository, cancellationToken);
            return new GitIngestRequest(parsed.Path, target.Service, target.Repository, target.DefaultBranch, parsed.TagPattern);
        });
    }
}
