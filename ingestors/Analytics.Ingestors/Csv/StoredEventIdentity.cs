using System.Globalization;
using Analytics.Storage.ClickHouse;

namespace Analytics.Ingestors.Csv;

/// <summary>
/// Guards the one way re-sending an event could add a row instead of replacing it. An event table's row is
/// identified by its sort key, (group, start day, id) — e.g. (service, toDate(started_at), deployment_id) — so an
/// event re-sent with the same id but another service or start day would land beside the old row, not on it.
/// Such an event is refused, naming the field that changed. When the writer's source is given (pushes), an id another
/// source already stored is refused too: one source cannot replace another's events. Pulled incidents (PagerDuty, Jira)
/// are what the source says now, so for them the same rule replaces instead of refusing: when a run's rows are
/// published, the rows they supersede are deleted (<see cref="DeleteSupersededAsync"/>).
/// </summary>
public sealed record StoredEventIdentity(string Table, string IdColumn, string GroupColumn, string StartColumn)
{
    public static readonly StoredEventIdentity Deployments = new(DeploymentEvent.Table, "deployment_id", "service", "started_at");
    public static readonly StoredEventIdentity Incidents = new(IncidentEvent.Table, "incident_id", "service", "started_at");
    public static readonly StoredEventIdentity ServiceRequests = new(ServiceRequestEvent.Table, "request_id", "team", "requested_at");

    /// <summary>
    /// The identities whose re-read rows replace the stored ones when a pulled run publishes (<see cref="DeleteSupersededAsync"/>):
    /// incidents, which a source maps to exactly one service. Not deployments: one id may stand for several services at
    /// once (a workflow run deploying a monorepo's services), and a run that re-reads one of them must not drop the others.
    /// </summary>
    public static readonly IReadOnlyList<StoredEventIdentity> ReplacedWhenPulled = [Incidents];

    /// <summary>The identity of event table <paramref name="table"/> if a pulled re-read replaces its rows (<see cref="ReplacedWhenPulled"/>); else null.</summary>
    public static StoredEventIdentity? ReplacingIn(string table) => ReplacedWhenPulled.FirstOrDefault(identity => identity.Table == table);

    /// <summary>
    /// After a run's rows were copied from <paramref name="stagingTable"/> into the event table: deletes the stored rows
    /// they supersede, those with an id and source of the run's rows but another group or start day (a service mapping
    /// changed, an incident's start moved), which the sort key alone would keep beside the new row. Run after the copy,
    /// so a reader never misses the event, and safe to repeat: a run killed between the two is finished by the next
    /// run of its source (<see cref="Runs.RunStaging.RecoverAsync"/>), which copies and deletes again.
    /// </summary>
    public Task DeleteSupersededAsync(IClickHouseStore store, string stagingTable, CancellationToken cancellationToken)
    {
        var staged = ClickHouseText.QuoteIdentifier(stagingTable);
        return store.ExecuteAsync(
            $"DELETE FROM {ClickHouseText.QuoteIdentifier(Table)} " +
            $"WHERE ({IdColumn}, source) IN (SELECT {IdColumn}, source FROM {staged}) " +
            $"AND ({IdColumn}, source, {GroupColumn}, toDate({StartColumn})) NOT IN (SELECT {IdColumn}, source, {GroupColumn}, toDate({StartColumn}) FROM {staged})",
            cancellationToken: cancellationToken);
    }

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
                $"SELECT {IdColumn} AS id, any({GroupColumn}) AS group_value, toString(toDate(any({StartColumn}))) AS start_day, any(source) AS source_value " +
                $"FROM {Table} FINAL WHERE {IdColumn} IN {{ids:Array(String)}} GROUP BY id",
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
