using System.Globalization;
using Analytics.Ingestors.Runs;
using Analytics.Storage.ClickHouse;

namespace Analytics.Ingestors.Csv;

/// <summary>
/// Guards the one way re-sending an event could add a row instead of replacing it. An event table's row is
/// identified by its sort key, (group, start day, id) — e.g. (service, toDate(started_at), deployment_id) — so an
/// event re-sent with the same id but another service or start day would land beside the old row, not on it.
/// Such an event is refused, naming the field that changed. When the writer's source is given (pushes), an id another
/// source already stored is refused too: one source cannot replace another's events. Pulled incidents (PagerDuty, Opsgenie, Jira)
/// are what the source says now, so for them the same rule replaces instead of refusing: when a run's rows are
/// published, the rows they supersede are deleted (<see cref="EventKey.DeleteSupersededAsync"/>).
/// </summary>
/// <param name="IdExpression">
/// The id as SQL when it is more than one column (a commit's sha is unique within its repository only); the events'
/// ids are then given in the same form (<c>acme/shop 3f2a…</c>). Messages name <paramref name="IdColumn"/>.
/// </param>
public sealed record StoredEventIdentity(string Table, string IdColumn, string GroupColumn, string StartColumn, string? IdExpression = null)
    : EventKey(Table, IdColumn, GroupColumn, StartColumn)
{
    public static readonly StoredEventIdentity Deployments = new(DeploymentEvent.Table, "deployment_id", "service", "started_at");
    // The same key as the pulled incidents are replaced by (EventKey), refused instead when imported or pushed.
    public static new readonly StoredEventIdentity Incidents = new(EventKey.Incidents.Table, EventKey.Incidents.IdColumn, EventKey.Incidents.GroupColumn, EventKey.Incidents.StartColumn);
    public static readonly StoredEventIdentity ServiceRequests = new(ServiceRequestEvent.Table, "request_id", "team", "requested_at");

    // The interchange records (docs/interchange/): ids within a repository, so the repository is part of the id.
    public static readonly StoredEventIdentity Commits = new(CommitRecord.Table, "sha", "repository", "committed_at", "concat(repository, ' ', sha)");
    public static readonly StoredEventIdentity PullRequests = new(PullRequestRecord.Table, "number", "repository", "opened_at", "concat(repository, '#', toString(number))");
    public static readonly StoredEventIdentity Reviews = new(ReviewRecord.Table, "review_id", "repository", "submitted_at", "concat(repository, '#', toString(number), '/', review_id)");

    /// <summary>The id of a commit as <see cref="Commits"/> compares it.</summary>
    public static string CommitId(string repository, string sha) => $"{repository} {sha}";

    private string Id => IdExpression ?? IdColumn;

    private sealed record StoredRow(string Id, string GroupValue, string StartDay, string SourceValue);

    /// <summary>
    /// For each event whose id is already stored under another group or start day, or (when <paramref name="source"/> is
    /// given) by another source, the field and the reason. The other source is not named.
    /// </summary>
    public async Task<IReadOnlyDictionary<int, FieldError>> FindChangedAsync(
        IClickHouseStore store, IReadOnlyList<(string Id, string Group, DateTimeOffset Start)> events, CancellationToken cancellationToken, string? source = null)
    {
        var changed = new Dictionary<int, FieldError>();
        if (events.Count == 0)
        {
            return changed;
        }
        var stored = new Dictionary<string, StoredRow>(StringComparer.Ordinal);
        // Bounded batches keep each query's parameter well under ClickHouse's query size limit.
        foreach (var chunk in events.Select(e => e.Id).Distinct().Chunk(5_000))
        {
            var rows = await store.QueryAsync<StoredRow>(
                $"SELECT {Id} AS id, any({GroupColumn}) AS group_value, toString(toDate(any({StartColumn}))) AS start_day, any(source) AS source_value " +
                $"FROM {Table} FINAL WHERE {Id} IN {{ids:Array(String)}} GROUP BY id",
                QueryParameters.From(("ids", chunk)), cancellationToken);
            foreach (var row in rows)
            {
                stored[row.Id] = row;
            }
        }

        for (var i = 0; i < events.Count; i++)
        {
            var (id, group, start) = events[i];
            if (!stored.TryGetValue(id, out var row))
            {
                continue;
            }
            var day = start.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            if (source is not null && row.SourceValue != source)
            {
                changed[i] = new FieldError(IdColumn,
                    $"'{id}' is already stored by another source; a source may write and replace only its own events (use an id of your own, e.g. prefixed with '{source}-')");
            }
            else if (row.GroupValue != group)
            {
                changed[i] = new FieldError(GroupColumn,
                    $"{IdColumn} '{id}' is already stored with {GroupColumn} '{row.GroupValue}'; a re-sent event must keep its {GroupColumn}");
            }
            else if (row.StartDay != day)
            {
                changed[i] = new FieldError(StartColumn,
                    $"{IdColumn} '{id}' is already stored with {StartColumn} on {row.StartDay} (UTC); a re-sent event must keep its start day");
            }
        }
        return changed;
    }
}
