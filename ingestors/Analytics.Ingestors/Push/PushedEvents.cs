using Analytics.Ingestors.Csv;
using Analytics.Ingestors.GitHub;
using Analytics.Ingestors.Sources;
using Analytics.Storage.ClickHouse;

namespace Analytics.Ingestors.Push;

/// <summary>One parsed pushed record: its id, the group and start its stored row is keyed by, and the record itself.</summary>
public sealed record PushedRecord(string Id, string Group, DateTimeOffset Start, object Record);

/// <summary>
/// What one kind of pushed event is: the record's fields, how to parse one, and the rows a request's valid records
/// become (several tables for a pull request: its row and its commits). <paramref name="Shipped"/> says what linking
/// must look at again after the records were stored (a deployment's service, a commit's repository), if anything.
/// </summary>
public sealed record PushedEvents(
    string Name, string Kind, IReadOnlyList<FieldSpec> Fields, string IdField, StoredEventIdentity Identity, Func<RecordReader, PushedRecord> Parse,
    Func<IClickHouseStore, IReadOnlyList<object>, string, CancellationToken, Task<RowBatch>> RowsAsync,
    Action<object, ShippedChanges>? Shipped = null)
{
    /// <summary>Every kind, by the name a push key may be limited to and the endpoint is called by (/api/push/&lt;kind&gt;).</summary>
    public static IReadOnlyList<PushedEvents> All => [Deployments, Incidents, Commits, PullRequests, Reviews];

    public static readonly PushedEvents Deployments = new("deployment", "deployments", DeploymentEvent.Fields, "deployment_id", StoredEventIdentity.Deployments,
        reader =>
        {
            var e = DeploymentEvent.Parse(reader);
            return new PushedRecord(e.DeploymentId, e.Service, e.StartedAt, e);
        },
        Rows<DeploymentEvent>(DeploymentEvent.Table, DeploymentEvent.Columns, (e, source) => e.ToRow(source)),
        (record, shipped) => shipped.Services.Add(((DeploymentEvent)record).Service));

    public static readonly PushedEvents Incidents = new("incident", "incidents", IncidentEvent.Fields, "incident_id", StoredEventIdentity.Incidents,
        reader =>
        {
            var e = IncidentEvent.Parse(reader);
            return new PushedRecord(e.IncidentId, e.Service, e.StartedAt, e);
        },
        Rows<IncidentEvent>(IncidentEvent.Table, IncidentEvent.Columns, (e, source) => e.ToRow(source)));

    public static readonly PushedEvents Commits = new("commit", "commits", CommitRecord.Fields, "sha", StoredEventIdentity.Commits,
        reader =>
        {
            var e = CommitRecord.Parse(reader);
            return new PushedRecord(StoredEventIdentity.CommitId(e.Repository, e.Sha), e.Repository, e.CommittedAt, e);
        },
        Rows<CommitRecord>(CommitRecord.Table, CommitRecord.Columns, (e, source) => e.ToRow(source)),
        (record, shipped) => shipped.Repositories.Add(((CommitRecord)record).Repository));

    public static readonly PushedEvents PullRequests = new("pull request", "pull-requests", PullRequestRecord.Fields, "number", StoredEventIdentity.PullRequests,
        reader =>
        {
            var e = PullRequestRecord.Parse(reader);
            return new PushedRecord(e.Key, e.Repository, e.OpenedAt, e);
        },
        async (store, records, source, cancellationToken) =>
        {
            var pulls = records.Cast<PullRequestRecord>().ToList();
            var firstCommits = await PullRequestFirstCommits.FindAsync(store, pulls, cancellationToken);
            var pullTable = new RowTable(PullRequestRecord.Table, PullRequestRecord.Columns);
            var commitTable = new RowTable(PullRequestRecord.CommitsTable, GitHubRows.PullRequestCommitColumns);
            var batch = new RowBatch(pullTable, commitTable);
            batch.AddRange(pullTable, pulls.Select(p => p.ToRow(source, p.FirstCommitAt ?? firstCommits.GetValueOrDefault(p.Key))));
            batch.AddRange(commitTable, pulls.SelectMany(p => p.CommitRows()));
            return batch;
        },
        (record, shipped) =>
        {
            if (((PullRequestRecord)record).Commits.Length > 0)
            {
                shipped.Repositories.Add(((PullRequestRecord)record).Repository);
            }
        });

    public static readonly PushedEvents Reviews = new("review", "reviews", ReviewRecord.Fields, "review_id", StoredEventIdentity.Reviews,
        reader =>
        {
            var e = ReviewRecord.Parse(reader);
            return new PushedRecord(e.Key, e.Repository, e.SubmittedAt, e);
        },
        Rows<ReviewRecord>(ReviewRecord.Table, ReviewRecord.Columns, (e, source) => e.ToRow(source)));

    /// <summary>The table the kind's main rows go to (rows per table of the run name it).</summary>
    public string Table => Identity.Table;

    private static Func<IClickHouseStore, IReadOnlyList<object>, string, CancellationToken, Task<RowBatch>> Rows<T>(
        string table, IReadOnlyList<string> columns, Func<T, string, object?[]> toRow) =>
        (_, records, source, _) =>
        {
            var rowTable = new RowTable(table, columns);
            var batch = new RowBatch(rowTable);
            batch.AddRange(rowTable, records.Cast<T>().Select(record => toRow(record, source)));
            return Task.FromResult(batch);
        };
}
