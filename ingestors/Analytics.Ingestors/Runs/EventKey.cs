using Analytics.Storage.ClickHouse;

namespace Analytics.Ingestors.Runs;

/// <summary>
/// How an event table's row is identified: its sort key, (group, start day, id) — e.g. (service, toDate(started_at),
/// incident_id) — and the source that wrote it. The CSV import and the push API refuse an event re-sent under another
/// group or start day; pulled incidents replace their old row when a run publishes
/// (<see cref="DeleteSupersededAsync"/>).
/// </summary>
public record EventKey(string Table, string IdColumn, string GroupColumn, string StartColumn)
{
    /// <summary>The incidents table; the CSV and push formats name it through this constant.</summary>
    public const string IncidentsTable = "incidents";

    public static readonly EventKey Incidents = new(IncidentsTable, "incident_id", "service", "started_at");

    /// <summary>
    /// The tables whose re-read rows replace the stored ones when a run publishes: incidents, which a source maps to exactly
    /// one service. Not deployments: one id may stand for several services at once (a workflow run deploying a monorepo's
    /// services), and a run that re-reads one of them must not drop the others.
    /// </summary>
    public static readonly IReadOnlyList<EventKey> ReplacedWhenPulled = [Incidents];

    /// <summary>The key of <paramref name="table"/> if a re-read replaces its rows (<see cref="ReplacedWhenPulled"/>); else null.</summary>
    public static EventKey? ReplacingIn(string table) => ReplacedWhenPulled.FirstOrDefault(key => key.Table == table);

    /// <summary>
    /// After a run's rows were copied from <paramref name="stagingTable"/> into the event table: deletes the stored rows
    /// they supersede, those with an id and source of the run's rows but another group or start day (a service mapping
    /// changed, an incident's start moved), which the sort key alone would keep beside the new row. Run after the copy,
    /// so a reader never misses the event, and safe to repeat: a run killed between the two is finished by the next
    /// run of its source (<see cref="RunStaging.RecoverAsync"/>), which copies and deletes again.
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
}
