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
    /// returned and nothing is recorded. A running run whose lease has expired is closed as failed first: its
    /// process stopped without finishing it.
    /// </summary>
    /// <exception cref="ArgumentException">No source has this name.</exception>
    public async Task<RunClaim> ClaimRunAsync(string sourceName, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        // SQLite's write lock (BEGIN IMMEDIATE) makes check-then-insert atomic across processes; the unique filtered
        // index on leased running runs is the guard should that ever not hold.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var sourceId = await CatalogSourceIds.RequireAsync(db, sourceName, cancellationToken);
        var now = timeProvider.GetUtcNow();

        var abandoned = await db.IngestRuns
            .Where(r => r.SourceId == sourceId && r.Status == IngestRunStatus.Running && r.LeaseExpiresAt != null && r.LeaseExpiresAt < now)
            .ToListAsync(cancellationToken);
        foreach (var run in abandoned)
        {
            run.Status = IngestRunStatus.Failed;
            run.FinishedAt = now;
            run.Error = $"Abandoned: its lease ran out at {run.LeaseExpiresAt!.Value.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC without being renewed (the process running it stopped).";
        }
        await db.SaveChangesAsync(cancellationToken);

        var holder = await LeaseHolderAsync(db, sourceId, cancellationToken);
        if (holder is not null)
        {
            return holder;
        }
        var claimed = new IngestRun { SourceId = sourceId, StartedAt = now, Status = IngestRunStatus.Running, LeaseExpiresAt = now + lease };
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
