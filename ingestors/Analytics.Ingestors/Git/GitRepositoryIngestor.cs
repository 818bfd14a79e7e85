using System.Text.Json;
using Analytics.Ingestors.Linking;
using Analytics.Ingestors.Runs;
using Analytics.Ingestors.Sources;
using Analytics.Storage.ClickHouse;
using LibGit2Sharp;

namespace Analytics.Ingestors.Git;

/// <summary>What to read: a clone, the service its tags deploy, and how its tags are told apart.</summary>
/// <param name="ClonePath">A work tree (or a folder inside one) or a bare repository.</param>
/// <param name="Repository">"owner/name", the commits' repository key.</param>
/// <param name="Branch">The default branch; <c>origin/&lt;branch&gt;</c> is read when the clone has it (what was last fetched).</param>
public sealed record GitIngestRequest(string ClonePath, string Service, string Repository, string Branch, TagPattern TagPattern)
{
    /// <summary>The cursor's key in the catalog: one per service and repository.</summary>
    public string CursorResource => $"{Service}:{Repository}";
}

/// <param name="RowsPerTable">Rows written to commits and deployments by this run, and the service's rows in deployment_commits after linking.</param>
/// <param name="Cursor">The heads this run read up to; pass it to the next run.</param>
public sealed record GitIngestResult(IReadOnlyDictionary<string, long> RowsPerTable, string Cursor, string BranchHead, int MatchedTags);

/// <summary>
/// Reads a local clone with libgit2: every commit reachable from the default branch's head or from a deployment
/// tag (all parents, not a first-parent walk, so merged branch commits are there for ancestry; a tag on a release
/// branch brings that branch's commits), with each commit's changed files (commit_paths, for services owning paths of
/// a shared repository), and each tag matching the pattern as a successful production deployment of the service.
/// Then relinks the service's deployments to commits.
/// </summary>
/// <remarks>
/// Incremental: the cursor holds the heads read last time, and commits reachable from them are skipped (as long as
/// the store still holds those heads).
/// Idempotent: rows carry their natural keys, so a repeated or overlapping run replaces rather than duplicates;
/// tags already stored unchanged are not written again, and a moved tag replaces its deployment.
/// </remarks>
public sealed class GitRepositoryIngestor(IClickHouseStore store, DeploymentLinker linker)
{
    /// <summary>The deployments' and commits' source, and the catalog source of git runs.</summary>
    public const string SourceName = "git";

    private static readonly RowTable Commits = new("commits",
        ["repository", "sha", "parents", "author_email", "author_name", "authored_at", "committer_email", "committed_at", "message", "source", "reverts"]);

    private static readonly RowTable CommitPaths = new("commit_paths", ["repository", "sha", "paths", "source"]);

    /// <summary>
    /// A commit's changed files are a tree diff against its first parent (what it brought to the branch it was made
    /// on; a merge's is what the merged branch brought). Without rename detection, which would cost a content
    /// comparison per file: a rename is a deletion and an addition, so both paths are listed anyway.
    /// </summary>
    private static readonly CompareOptions ChangedFiles = new() { Similarity = SimilarityOptions.None, IncludeUnmodified = false };

    private static readonly RowTable Deployments = new("deployments",
        ["deployment_id", "service", "environment", "status", "kind", "related_deployment_id", "repository", "sha", "started_at", "finished_at", "url", "source", "ref"]);

    public Task<GitIngestResult> IngestAsync(GitIngestRequest request, string? cursor, CancellationToken cancellationToken = default) =>
        IngestAsync(request, cursor, staging: null, cancellationToken);

    /// <param name="staging">
    /// The run's staging (<see cref="RunStaging"/>): the commits and deployments become visible together, just before
    /// linking (which reads them back); null writes them straight to the event tables.
    /// </param>
    public async Task<GitIngestResult> IngestAsync(GitIngestRequest request, string? cursor, RunStaging? staging, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var headsStored = await HeadsStillStoredAsync(request, ParseCursor(cursor), cancellationToken);
        var clone = await Task.Run(() => ReadClone(request, headsStored, cancellationToken), cancellationToken);

        // The skeleton's row writer (a clone is read whole, so one batch per table): nothing is sent for a table without new rows.
        var rows = new RowWriter(store, staging);
        var commitRows = await rows.WriteAsync(Commits, clone.Commits.Select(CommitRow(request)), cancellationToken);
        await rows.WriteAsync(CommitPaths, clone.Commits.Select(commit => new object?[] { request.Repository, commit.Sha, commit.ChangedFiles, SourceName }), cancellationToken);
        var deploymentRows = await WriteChangedDeploymentsAsync(request, clone.Deployments, rows, cancellationToken);
        if (staging is not null)
        {
            await staging.PublishAsync(cancellationToken);
        }
        var links = await linker.LinkAsync([request.Service], cancellationToken);

        return new GitIngestResult(
            new Dictionary<string, long>
            {
                ["commits"] = commitRows,
                ["deployments"] = deploymentRows,
                ["deployment_commits"] = links.Rows,
            },
            JsonSerializer.Serialize(clone.Heads),
            clone.BranchHead,
            clone.Deployments.Count);
    }

    private static CloneSnapshot ReadClone(GitIngestRequest request, IReadOnlyList<string> headsReadBefore, CancellationToken cancellationToken)
    {
        using var repo = new Repository(GitClone.Locate(request.ClonePath));
        var branch = repo.Branches[$"refs/remotes/origin/{request.Branch}"] ?? repo.Branches[$"refs/heads/{request.Branch}"]
            ?? throw new InvalidOperationException($"The clone at {request.ClonePath} has no branch '{request.Branch}' (nor origin/{request.Branch}).");
        var branchHead = branch.Tip ?? throw new InvalidOperationException($"Branch '{request.Branch}' has no commits yet.");

        var deployments = new List<TagDeployment>();
        foreach (var tag in repo.Tags.Where(tag => request.TagPattern.IsMatch(tag.FriendlyName)))
        {
            // A tag of a tree or a blob deploys nothing.
            if (tag.PeeledTarget is not Commit target)
            {
                continue;
            }
            var deployedAt = tag.IsAnnotated && tag.Annotation.Tagger is { } tagger ? tagger.When : target.Committer.When;
            deployments.Add(new TagDeployment($"{request.Service}@{tag.FriendlyName}", target.Sha, deployedAt.ToUniversalTime(), $"refs/tags/{tag.FriendlyName}"));
        }

        var heads = deployments.Select(d => d.Sha).Prepend(branchHead.Sha).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        // Heads of the last run that a force-push has since removed cannot bound the walk.
        var stillPresent = headsReadBefore.Where(sha => repo.Lookup<Commit>(sha) is not null).Select(sha => new ObjectId(sha)).ToList();
        var filter = new CommitFilter
        {
            IncludeReachableFrom = heads.Select(sha => new ObjectId(sha)).ToList(),
            ExcludeReachableFrom = stillPresent.Count > 0 ? stillPresent : null,
            SortBy = CommitSortStrategies.Topological | CommitSortStrategies.Reverse,
        };
        var commits = new List<CommitSnapshot>();
        foreach (var commit in repo.Commits.QueryBy(filter))
        {
            cancellationToken.ThrowIfCancellationRequested();
            commits.Add(new CommitSnapshot(
                commit.Sha,
                commit.Parents.Select(parent => parent.Sha).ToArray(),
                commit.Author.Email,
                commit.Author.Name,
                commit.Author.When.ToUniversalTime(),
                commit.Committer.Email,
                commit.Committer.When.ToUniversalTime(),
                Subject(commit.Message),
                CommitMessages.Reverts(commit.Message),
                ChangedFilesOf(repo, commit)));
        }
        return new CloneSnapshot(branchHead.Sha, heads, commits, deployments);
    }

    /// <summary>
    /// The cursor's heads that the store still has. The cursor lives in the catalog and the commits in ClickHouse;
    /// if the store was emptied or replaced, trusting the cursor would skip history that is no longer there.
    /// </summary>
    private async Task<IReadOnlyList<string>> HeadsStillStoredAsync(GitIngestRequest request, IReadOnlyList<string> heads, CancellationToken cancellationToken)
    {
        if (heads.Count == 0)
        {
            return [];
        }
        var stored = await store.QueryAsync<ShaRow>(
            "SELECT DISTINCT sha FROM commits WHERE repository = {repository:String} AND sha IN {heads:Array(String)}",
            QueryParameters.From(("repository", request.Repository), ("heads", heads)), cancellationToken);
        return stored.Select(row => row.Sha).ToList();
    }

    /// <summary>Inserts the tags not yet stored as they are now; a tag moved to another commit replaces its old row.</summary>
    private async Task<long> WriteChangedDeploymentsAsync(
        GitIngestRequest request, IReadOnlyList<TagDeployment> deployments, RowWriter rows, CancellationToken cancellationToken)
    {
        var stored = (await store.QueryAsync<StoredDeployment>(
                "SELECT deployment_id, repository, sha, finished_at, ref FROM deployments FINAL WHERE service = {service:String} AND source = {source:String}",
                QueryParameters.From(("service", request.Service), ("source", SourceName)), cancellationToken))
            .ToDictionary(row => row.DeploymentId, StringComparer.Ordinal);
        var changed = deployments
            .Where(d => !stored.TryGetValue(d.DeploymentId, out var row)
                || row.Sha != d.Sha || row.Repository != request.Repository || row.FinishedAt != TruncateToMilliseconds(d.DeployedAt) || row.Ref != d.Ref)
            .ToList();
        var moved = changed.Where(d => stored.ContainsKey(d.DeploymentId)).Select(d => d.DeploymentId).ToList();
        if (moved.Count > 0)
        {
            // The table's key includes the start day, so a moved tag's new row would not replace the old one by itself.
            await store.ExecuteAsync(
                "DELETE FROM deployments WHERE service = {service:String} AND deployment_id IN {ids:Array(String)}",
                QueryParameters.From(("service", request.Service), ("ids", moved)), cancellationToken);
        }
        return await rows.WriteAsync(Deployments, changed.Select(d => new object?[]
        {
            // No kind stated: a tag does not say whether it was a rollback or a hotfix; the derived table works it out.
            d.DeploymentId, request.Service, "production", "success", "", "", request.Repository, d.Sha, d.DeployedAt, d.DeployedAt, "", SourceName, d.Ref,
        }), cancellationToken);
    }

    private static Func<CommitSnapshot, object?[]> CommitRow(GitIngestRequest request) => commit =>
    [
        request.Repository, commit.Sha, commit.Parents, commit.AuthorEmail, commit.AuthorName, commit.AuthoredAt,
        commit.CommitterEmail, commit.CommittedAt, commit.Subject, SourceName, commit.Reverts,
    ];

    private static string[] ChangedFilesOf(Repository repo, Commit commit)
    {
        using var changes = repo.Diff.Compare<TreeChanges>(commit.Parents.FirstOrDefault()?.Tree, commit.Tree, ChangedFiles);
        return changes.SelectMany(change => change.OldPath == change.Path ? [change.Path] : new[] { change.OldPath, change.Path })
            .Where(path => path.Length > 0)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>The first line of the message: what <c>git log --oneline</c> shows.</summary>
    private static string Subject(string message)
    {
        var firstLine = message.AsSpan().TrimStart();
        var end = firstLine.IndexOfAny('\r', '\n');
        return (end < 0 ? firstLine : firstLine[..end]).Trim().ToString();
    }

    private static IReadOnlyList<string> ParseCursor(string? cursor) =>
        string.IsNullOrWhiteSpace(cursor) ? [] : JsonSerializer.Deserialize<List<string>>(cursor) ?? [];

    // The deployments table keeps milliseconds; git keeps seconds, so this is exact for git times.
    private static DateTimeOffset TruncateToMilliseconds(DateTimeOffset instant) =>
        new(instant.UtcTicks - instant.UtcTicks % TimeSpan.TicksPerMillisecond, TimeSpan.Zero);

    private sealed record CloneSnapshot(string BranchHead, IReadOnlyList<string> Heads, IReadOnlyList<CommitSnapshot> Commits, IReadOnlyList<TagDeployment> Deployments);

    private sealed record CommitSnapshot(
        string Sha, string[] Parents, string AuthorEmail, string AuthorName, DateTimeOffset AuthoredAt, string CommitterEmail, DateTimeOffset CommittedAt, string Subject,
        string[] Reverts, string[] ChangedFiles);

    private sealed record TagDeployment(string DeploymentId, string Sha, DateTimeOffset DeployedAt, string Ref);

    private sealed record ShaRow(string Sha);

    private sealed record StoredDeployment(string DeploymentId, string Repository, string Sha, DateTimeOffset FinishedAt, string Ref);
}
