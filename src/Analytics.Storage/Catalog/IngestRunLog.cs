using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Storage.Catalog;

/// <summary>
/// The record of ingestion: the sources, each run's start, end, status and rows, and the lease a running run holds on
/// its source so two processes never run one source at once. Each call uses its own short-lived
/// <see cref="CatalogDbContext"/>, so one instance is safe to share as a singleton.
/// </summary>
public sealed class IngestRunLog(IDbContextFactory<CatalogDbContext> contextFactory, TimeProvider timeProvider)
{
    /// <summary>Registers a source if no source has this name yet; returns the stored source either way.</summary>
    public async Task<Source> EnsureSourceAsync(string name, string kind, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var source = await db.Sources.AsNoTracking().SingleOrDefaultAsync(s => s.Name == name, cancellationToken);
        if (source is not null)
        {
            return source;
        }

        source = new Source { Name = name, Kind = kind };
        db.Sources.Add(source);
        await db.SaveChangesAsync(cancellationToken);
        return source;
    }

    /// <summary>Records that an ingest of <paramref name="sourceName"/> began now; returns the run id.</summary>
    /// <exception cref="ArgumentException">No source has this name.</exception>
    public async Task<int> RecordRunStartedAsync(string sourceName, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var run = new IngestRun
        {
            SourceId = await CatalogSourceIds.RequireAsync(db, sourceName, cancellationToken),
            StartedAt = timeProvider.GetUtcNow(),
            Status = IngestRunStatus.Running,
        };
        db.IngestRuns.Add(run);
        await db.SaveChangesAsync(cancellationToken);
        return run.Id;
    }

    /// <summary>
    /// Starts a run of <paramref name="sourceName"/> that holds the source until <paramref name="lease"/> from now
    /// (renew it with <see cref="RenewRunLeaseAsync"/>), unless another running run holds it: then that run is
    /// returned and nothing is recorded. A running run is closed as failed first, and the source taken over at once,
    /// when its process stopped without finishing it: its lease ran out, or its holder ran on this machine and is
    /// gone (<see cref="RunHolder.IsKnownGone"/>).
    /// </summary>
    /// <exception cref="ArgumentException">No source has this name.</exception>
    public Task<RunClaim> ClaimRunAsync(string sourceName, TimeSpan lease, CancellationToken cancellationToken = default) =>
        ClaimRunAsync(sourceName, lease, RunHolder.Current, cancellationToken);

    /// <inheritdoc cref="ClaimRunAsync(string, TimeSpan, CancellationToken)"/>
    /// <param name="holder">The process claiming (recorded with the run).</param>
    public async Task<RunClaim> ClaimRunAsync(string sourceName, TimeSpan lease, RunHolder holder, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(holder);
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        // SQLite's write lock (BEGIN IMMEDIATE) makes check-then-insert atomic across processes; the unique filtered
        // index on leased running runs is the guard should that ever not hold.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var sourceId = await CatalogSourceIds.RequireAsync(db, sourceName, cancellationToken);
        var now = timeProvider.GetUtcNow();

        var leased = await db.IngestRuns
            .Where(r => r.SourceId == sourceId && r.Status == IngestRunStatus.Running && r.LeaseExpiresAt != null)
            .ToListAsync(cancellationToken);
        foreach (var run in leased)
        {
            if (run.LeaseExpiresAt < now)
            {
                Abandon(run, now, $"its lease ran out at {run.LeaseExpiresAt!.Value.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC without being renewed (the process running it stopped)");
            }
            else if (run.HolderHost is { } host && run.HolderProcessId is { } pid && new RunHolder(host, pid, run.HolderProcessStartedAt).IsKnownGone())
            {
                Abandon(run, now, $"its process ({pid} on {host}) is gone");
            }
        }
        await db.SaveChangesAsync(cancellationToken);

        var current = await LeaseHolderAsync(db, sourceId, cancellationToken);
        if (current is not null)
        {
            return current;
        }
        var claimed = new IngestRun
        {
            SourceId = sourceId, StartedAt = now, Status = IngestRunStatus.Running, LeaseExpiresAt = now + lease,
            HolderHost = holder.Host, HolderProcessId = holder.ProcessId, HolderProcessStartedAt = holder.ProcessStartedAt,
        };
        db.IngestRuns.Add(claimed);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException error) when (error.InnerException is SqliteException { SqliteErrorCode: SqliteConstraintViolation })
        {
            await transaction.RollbackAsync(CancellationToken.None);
            await using var again = await contextFactory.CreateDbContextAsync(cancellationToken);
            return await LeaseHolderAsync(again, sourceId, cancellationToken) ?? throw new InvalidOperationException(
                $"Source '{sourceName}' could not be claimed: another run held it, but had finished by the time it was looked up. Try again.", error);
        }
        await transaction.CommitAsync(cancellationToken);
        return new RunClaim(Claimed: true, claimed.Id, claimed.StartedAt);
    }

    /// <summary>Records, before the first copy, which tables run <paramref name="runId"/> begins to make visible (added to those recorded before).</summary>
    public async Task RecordPublishingAsync(int runId, IReadOnlyList<string> tables, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var run = await db.IngestRuns.FindAsync([runId], cancellationToken)
            ?? throw new ArgumentException($"Unknown ingest run {runId}.", nameof(runId));
        run.PublishingTables = string.Join(',', PublishingTablesOf(run).Union(tables, StringComparer.Ordinal));
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// Of <paramref name="runIds"/>, the runs of <paramref name="sourceName"/> that are no longer running, each with
    /// the tables it had begun to publish (empty when it never began): whose staging tables may be cleaned up.
    /// </summary>
    public async Task<IReadOnlyDictionary<int, IReadOnlyList<string>>> EndedRunsPublishingAsync(
        string sourceName, IReadOnlyCollection<int> runIds, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var runs = await db.IngestRuns.AsNoTracking()
            .Where(r => r.Source.Name == sourceName && runIds.Contains(r.Id) && r.Status != IngestRunStatus.Running)
            .ToListAsync(cancellationToken);
        return runs.ToDictionary(r => r.Id, r => (IReadOnlyList<string>)PublishingTablesOf(r).ToList());
    }

    private static IEnumerable<string> PublishingTablesOf(IngestRun run) =>
        (run.PublishingTables ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries);

    private static void Abandon(IngestRun run, DateTimeOffset now, string reason)
    {
        run.Status = IngestRunStatus.Failed;
        run.FinishedAt = now;
        run.Error = $"Abandoned: {reason}.";
    }

    /// <summary>Extends a claimed run's lease to <paramref name="lease"/> from now; false if the run no longer runs.</summary>
    public async Task<bool> RenewRunLeaseAsync(int runId, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var until = timeProvider.GetUtcNow() + lease;
        var updated = await db.IngestRuns
            .Where(r => r.Id == runId && r.Status == IngestRunStatus.Running && r.LeaseExpiresAt != null)
            .ExecuteUpdateAsync(set => set.SetProperty(r => r.LeaseExpiresAt, until), cancellationToken);
        return updated == 1;
    }

    /// <summary>Records how a run ended and how many rows it wrote to each table.</summary>
    /// <exception cref="ArgumentException">Unknown run, or <paramref name="status"/> is <see cref="IngestRunStatus.Running"/>.</exception>
    /// <exception cref="InvalidOperationException">The run was already finished.</exception>
    public async Task RecordRunFinishedAsync(
        int runId,
        IngestRunStatus status,
        IReadOnlyDictionary<string, long> rowsPerTable,
        string? error,
        CancellationToken cancellationToken = default)
    {
        if (status == IngestRunStatus.Running)
        {
            throw new ArgumentException("A finished run must have succeeded or failed.", nameof(status));
        }

        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var run = await db.IngestRuns.FindAsync([runId], cancellationToken)
            ?? throw new ArgumentException($"Unknown ingest run {runId}.", nameof(runId));
        if (run.Status != IngestRunStatus.Running)
        {
            throw new InvalidOperationException($"Ingest run {runId} already finished as {run.Status}.");
        }

        run.Status = status;
        run.FinishedAt = timeProvider.GetUtcNow();
        run.RowsPerTableJson = JsonSerializer.Serialize(rowsPerTable);
        run.Error = error;
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// The latest <paramref name="take"/> runs, newest first, each with its <see cref="IngestRun.Source"/>: of
    /// <paramref name="sourceName"/> only, or of every source when it is null.
    /// </summary>
    public async Task<IReadOnlyList<IngestRun>> RecentRunsAsync(string? sourceName, int take, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(take);
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.IngestRuns
            .AsNoTracking()
            .Include(r => r.Source)
            .Where(r => sourceName == null || r.Source.Name == sourceName)
            .OrderByDescending(r => r.StartedAt)
            .ThenByDescending(r => r.Id)
            .Take(take)
            .ToListAsync(cancellationToken);
    }

    private const int SqliteConstraintViolation = 19;

    private static async Task<RunClaim?> LeaseHolderAsync(CatalogDbContext db, int sourceId, CancellationToken cancellationToken) =>
        await db.IngestRuns.AsNoTracking()
            .Where(r => r.SourceId == sourceId && r.Status == IngestRunStatus.Running && r.LeaseExpiresAt != null)
            .Select(r => new RunClaim(false, r.Id, r.StartedAt))
            .FirstOrDefaultAsync(cancellationToken);
}
