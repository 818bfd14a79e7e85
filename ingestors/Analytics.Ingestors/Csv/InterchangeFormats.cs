using Analytics.Ingestors.Sources;
using Analytics.Storage.ClickHouse;

namespace Analytics.Ingestors.Csv;

/// <summary>commits.csv (interchange): the history linking walks; a new commit may change what a deployment shipped.</summary>
internal sealed class CommitsCsvFormat : EventCsvFormat<CommitRecord>
{
    public override string Name => "commits";
    public override IReadOnlyList<FieldSpec> Fields => CommitRecord.Fields;
    public override string Target => CommitRecord.Table;
    protected override IReadOnlyList<string> Columns => CommitRecord.Columns;
    protected override StoredEventIdentity Identity => StoredEventIdentity.Commits;

    protected override CommitRecord Parse(RecordReader reader, CsvImportServices services) => CommitRecord.Parse(reader);

    protected override (string, string, string)? NaturalKey(CommitRecord record) =>
        ("sha", StoredEventIdentity.CommitId(record.Repository, record.Sha), $"commit {record.Sha} of {record.Repository}");

    protected override (string Id, string Group, DateTimeOffset Start) IdentityOf(CommitRecord record) =>
        (StoredEventIdentity.CommitId(record.Repository, record.Sha), record.Repository, record.CommittedAt);

    protected override object?[] ToRow(CommitRecord record, string source) => record.ToRow(source);

    protected override async Task<long> WriteAsync(IReadOnlyList<CommitRecord> records, CsvImportServices services, CancellationToken cancellationToken)
    {
        var written = await base.WriteAsync(records, services, cancellationToken);
        services.Shipped.Repositories.UnionWith(records.Select(r => r.Repository));
        return written;
    }
}

/// <summary>pull-requests.csv (interchange): a pull request's row and, from its <c>commits</c>, its rows of pull_request_commits.</summary>
internal sealed class PullRequestsCsvFormat : EventCsvFormat<PullRequestRecord>
{
    private static readonly RowTable CommitsTable = new(PullRequestRecord.CommitsTable, GitHub.GitHubRows.PullRequestCommitColumns);

    public override string Name => "pull-requests";
    public override IReadOnlyList<string> Aliases => ["pull_requests", "pulls"];
    public override IReadOnlyList<FieldSpec> Fields => PullRequestRecord.Fields;
    public override string Target => PullRequestRecord.Table;
    protected override IReadOnlyList<string> Columns => PullRequestRecord.Columns;
    protected override StoredEventIdentity Identity => StoredEventIdentity.PullRequests;

    protected override PullRequestRecord Parse(RecordReader reader, CsvImportServices services) => PullRequestRecord.Parse(reader);

    protected override (string, string, string)? NaturalKey(PullRequestRecord record) => ("number", record.Key, $"pull request {record.Key}");

    protected override (string Id, string Group, DateTimeOffset Start) IdentityOf(PullRequestRecord record) => (record.Key, record.Repository, record.OpenedAt);

    protected override object?[] ToRow(PullRequestRecord record, string source) => record.ToRow(source, record.FirstCommitAt);

    protected override async Task<long> WriteAsync(IReadOnlyList<PullRequestRecord> records, CsvImportServices services, CancellationToken cancellationToken)
    {
        var firstCommits = await PullRequestFirstCommits.FindAsync(services.Store, records, cancellationToken);
        var writer = new RowWriter(services.Store);
        var written = await writer.WriteAsync(new RowTable(Target, Columns),
            records.Select(r => r.ToRow(services.Source, r.FirstCommitAt ?? firstCommits.GetValueOrDefault(r.Key))), cancellationToken);
        // Branch commits tell linking which commits reached the default branch only through a merge (DeploymentLinker).
        if (await writer.WriteAsync(CommitsTable, records.SelectMany(r => r.CommitRows()), cancellationToken) > 0)
        {
            services.Shipped.Repositories.UnionWith(records.Where(r => r.Commits.Length > 0).Select(r => r.Repository));
        }
        return written;
    }
}

/// <summary>reviews.csv (interchange): the reviews of pull requests, for the pickup and review phases and SPACE collaboration.</summary>
internal sealed class ReviewsCsvFormat : EventCsvFormat<ReviewRecord>
{
    public override string Name => "reviews";
    public override IReadOnlyList<string> Aliases => ["pull-request-reviews", "pull_request_reviews"];
    public override IReadOnlyList<FieldSpec> Fields => ReviewRecord.Fields;
    public override string Target => ReviewRecord.Table;
    protected override IReadOnlyList<string> Columns => ReviewRecord.Columns;
    protected override StoredEventIdentity Identity => StoredEventIdentity.Reviews;

    protected override ReviewRecord Parse(RecordReader reader, CsvImportServices services) => ReviewRecord.Parse(reader);

    protected override (string, string, string)? NaturalKey(ReviewRecord record) => ("review_id", record.Key, $"review {record.Key}");

    protected override (string Id, string Group, DateTimeOffset Start) IdentityOf(ReviewRecord record) => (record.Key, record.Repository, record.SubmittedAt);

    protected override object?[] ToRow(ReviewRecord record, string source) => record.ToRow(source);
}

/// <summary>
/// A pull request's first commit time when the record does not state it: the earliest author time of its listed
/// commits in the commits table (as the GitHub source takes it from the pull request's commits). Import commits.csv
/// first (a folder is imported in that order) or state first_commit_at.
/// </summary>
internal static class PullRequestFirstCommits
{
    private sealed record AuthoredRow(string Repository, string Sha, DateTimeOffset AuthoredAt);

    public static async Task<Dictionary<string, DateTimeOffset>> FindAsync(IClickHouseStore store, IReadOnlyList<PullRequestRecord> records, CancellationToken cancellationToken)
    {
        var wanted = records.Where(r => r.FirstCommitAt is null && r.Commits.Length > 0).ToList();
        if (wanted.Count == 0)
        {
            return [];
        }
        var authored = new Dictionary<(string, string), DateTimeOffset>();
        foreach (var chunk in wanted.SelectMany(r => r.Commits).Distinct().Chunk(5_000))
        {
            var rows = await store.QueryAsync<AuthoredRow>(
                "SELECT repository, sha, min(authored_at) AS authored_at FROM commits FINAL WHERE repository IN {repositories:Array(String)} AND sha IN {shas:Array(String)} GROUP BY repository, sha",
                QueryParameters.From(("repositories", wanted.Select(r => r.Repository).Distinct().ToArray()), ("shas", chunk)), cancellationToken);
            foreach (var row in rows)
            {
                authored[(row.Repository, row.Sha)] = row.AuthoredAt;
            }
        }
        var found = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var record in wanted)
        {
            var times = record.Commits.Select(sha => authored.TryGetValue((record.Repository, sha), out var at) ? at : (DateTimeOffset?)null).OfType<DateTimeOffset>().ToList();
            if (times.Count > 0)
            {
                found[record.Key] = times.Min();
            }
        }
        return found;
    }
}
