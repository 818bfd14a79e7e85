using System.Text.RegularExpressions;
using Analytics.Storage.ClickHouse;

namespace Analytics.Ingestors.Runs;

/// <summary>
/// Keeps a run's rows out of sight until the run has read everything: each event table the run writes gets a
/// staging table of the same definition, <c>&lt;table&gt;__run_&lt;run id&gt;</c>, and <see cref="PublishAsync"/>
/// moves them into the event tables (one <c>INSERT … SELECT</c> per table, then drops the staging table).
/// </summary>
/// <remarks>
/// Why staging tables rather than tagging rows with their run and making queries join a table of finished runs:
/// every query, derived table and Grafana panel reads the event tables as they are, and a filter on finished runs
/// would have to be repeated in each of them (and kept when someone writes a new one). Staging keeps the event
/// tables meaning "what finished runs wrote", on the embedded engine and a server alike, at the cost of copying
/// a run's rows once (a local INSERT … SELECT; the rows were read from a source that is far slower).
/// <para>
/// A process killed while it reads leaves only staging tables: nothing visible changed, the cursor did not move,
/// and the next run of the source drops them (<see cref="IngestRunner"/>) and reads again. The catalog records the
/// tables a run is publishing before the first copy, so a process killed during the copies (seconds at most) is
/// finished by the next run of the source, which copies what is left before anything else (rows carry natural
/// keys in ReplacingMergeTree tables: copying one twice adds nothing a FINAL read or a derived table would count).
/// Each copy of the incidents table is followed by the deletion of the rows it supersedes (an incident re-read under another
/// service or start day, <see cref="EventKey.DeleteSupersededAsync"/>); a recovery repeats both.
/// </para>
/// </remarks>
/// <param name="recordPublishing">Records in the catalog which tables the run is about to publish (before the first copy).</param>
public sealed partial class RunStaging(IClickHouseStore store, int runId, Func<IReadOnlyList<string>, CancellationToken, Task> recordPublishing)
{
    private const string Marker = "__run_";

    private readonly List<string> _staged = [];

    public int RunId { get; } = runId;

    /// <summary>The event tables this run has rows staged for, in the order first written.</summary>
    public IReadOnlyList<string> StagedTables => _staged;

    /// <summary>Where <paramref name="table"/>'s rows of run <paramref name="runId"/> wait to be published.</summary>
    public static string StagingTable(string table, int runId) => $"{table}{Marker}{runId}";

    /// <summary>Writes rows for <paramref name="table"/> into this run's staging table (created on first use).</summary>
    public async Task<long> InsertAsync(string table, IReadOnlyList<string> columns, IEnumerable<object?[]> rows, CancellationToken cancellationToken)
    {
        var staging = StagingTable(table, RunId);
        if (!_staged.Contains(table))
        {
            // A staging table left by an earlier attempt with this id cannot exist (run ids are never reused), but
            // IF NOT EXISTS keeps a retried statement harmless.
            await store.ExecuteAsync($"CREATE TABLE IF NOT EXISTS {Quote(staging)} AS {Quote(table)}", cancellationToken: cancellationToken);
            _staged.Add(table);
        }
        return await store.InsertAsync(staging, columns, rows, cancellationToken);
    }

    /// <summary>
    /// Makes the rows staged so far visible: copies each staging table into its event table and drops it. A source
    /// that must read its own rows back (linking deployments to commits) calls this first; the runner calls it at
    /// the end of every successful run.
    /// </summary>
    public async Task PublishAsync(CancellationToken cancellationToken)
    {
        if (_staged.Count == 0)
        {
            return;
        }
        await recordPublishing(_staged.ToList(), cancellationToken);
        await CopyAsync(store, RunId, _staged, cancellationToken);
        _staged.Clear();
    }

    /// <summary>Drops this run's staging tables: a failed run shows nothing.</summary>
    public async Task DiscardAsync(CancellationToken cancellationToken)
    {
        foreach (var table in _staged)
        {
            await store.ExecuteAsync($"DROP TABLE IF EXISTS {Quote(StagingTable(table, RunId))}", cancellationToken: cancellationToken);
        }
        _staged.Clear();
    }

    /// <summary>The staging tables in the store, by run id (any run, any source): what runs that did not finish left behind.</summary>
    public static async Task<IReadOnlyDictionary<int, IReadOnlyList<string>>> LeftoversAsync(IClickHouseStore store, CancellationToken cancellationToken)
    {
        var names = await store.QueryAsync<NameRow>(
            "SELECT name FROM system.tables WHERE database = currentDatabase() AND position(name, {marker:String}) > 0",
            QueryParameters.From(("marker", Marker)), cancellationToken);
        return names
            .Select(row => StagingPattern().Match(row.Name))
            .Where(match => match.Success)
            .GroupBy(match => int.Parse(match.Groups["run"].Value, System.Globalization.CultureInfo.InvariantCulture))
            .ToDictionary(group => group.Key, group => (IReadOnlyList<string>)group.Select(match => match.Groups["table"].Value).ToList());
    }

    /// <summary>
    /// Cleans up after run <paramref name="runId"/>, which ended without finishing: copies the staging tables of
    /// <paramref name="publishing"/> (the tables it had begun to publish, whose staging is complete) that are still
    /// there, then drops every staging table of the run (<paramref name="leftovers"/>).
    /// </summary>
    public static async Task RecoverAsync(
        IClickHouseStore store, int runId, IReadOnlyList<string> leftovers, IReadOnlyList<string> publishing, CancellationToken cancellationToken)
    {
        await CopyAsync(store, runId, publishing.Where(leftovers.Contains).ToList(), cancellationToken);
        foreach (var table in leftovers)
        {
            await store.ExecuteAsync($"DROP TABLE IF EXISTS {Quote(StagingTable(table, runId))}", cancellationToken: cancellationToken);
        }
    }

    private static async Task CopyAsync(IClickHouseStore store, int runId, IReadOnlyList<string> tables, CancellationToken cancellationToken)
    {
        foreach (var table in tables)
        {
            var staging = Quote(StagingTable(table, runId));
            // A history of any length: lift the 100-partitions-per-insert limit, as bulk inserts do.
            await store.ExecuteAsync(
                $"INSERT INTO {Quote(table)} SELECT * FROM {staging} SETTINGS {TsvRowWriter.PartitionLimit.Key} = {TsvRowWriter.PartitionLimit.Value}",
                cancellationToken: cancellationToken);
            // A re-read incident replaces its old row even when its service or start day changed (the sort key would keep both).
            if (EventKey.ReplacingIn(table) is { } identity)
            {
                await identity.DeleteSupersededAsync(store, StagingTable(table, runId), cancellationToken);
            }
            await store.ExecuteAsync($"DROP TABLE {staging}", cancellationToken: cancellationToken);
        }
    }

    private static string Quote(string name) => ClickHouseText.QuoteIdentifier(name);

    [GeneratedRegex(@"^(?<table>.+)__run_(?<run>\d+)$", RegexOptions.CultureInvariant)]
    private static partial Regex StagingPattern();

    private sealed record NameRow(string Name);
}
