namespace Analytics.Ingestors.Runs;

/// <summary>
/// One configured place data comes from (a CSV folder, a git repository, …), run on demand or on a schedule.
/// <see cref="IngestRunner"/> wraps every run in bookkeeping, so an implementation only reads and writes.
/// </summary>
public interface IIngestSource
{
    /// <summary>Unique name, e.g. "finance-csv"; the key of its runs and cursors in the catalog.</summary>
    string Name { get; }

    /// <summary>Which ingestor this is: "csv", "git", "push".</summary>
    string Kind { get; }

    /// <summary>
    /// True (the default) when two runs of this source must never overlap, in this process or another: each run
    /// then holds the source through a lease in the catalog (see <see cref="IngestRunner"/>).
    /// </summary>
    bool Exclusive => true;

    /// <summary>Reads what is new since the last successful run and writes it; returns rows written per table.</summary>
    /// <remarks>Throw to fail the run. Cursors go through <see cref="IngestContext.AdvanceCursor"/>, never straight to the catalog.</remarks>
    Task<IngestResult> RunAsync(IngestContext context, CancellationToken cancellationToken);
}

/// <summary>What a source's run wrote, and anything it could not take that the operator should see.</summary>
/// <param name="RowsPerTable">Rows written per table (re-sent rows included; they dedupe on FINAL reads).</param>
/// <param name="Problems">
/// Input the run refused (e.g. invalid CSV rows). A run with problems is recorded as failed, so it is not mistaken
/// for a complete one, and it saves no cursor, so the refused input is read again once fixed.
/// </param>
public sealed record IngestResult(IReadOnlyDictionary<string, long> RowsPerTable, IReadOnlyList<string> Problems)
{
    /// <summary>
    /// What the run could not do without failing for it (e.g. a comparison GitHub no longer has): the run succeeds
    /// and saves its cursors, and the warnings are logged and recorded with the run.
    /// </summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    public static IngestResult Rows(IReadOnlyDictionary<string, long> rowsPerTable) => new(rowsPerTable, []);
}
