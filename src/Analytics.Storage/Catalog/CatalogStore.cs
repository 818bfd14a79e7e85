using System.Text.Json;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Storage.Catalog;

/// <summary>
/// The catalog queries and commands the product needs. Each call uses its own short-lived
/// <see cref="CatalogDbContext"/>, so one instance is safe to share as a singleton.
/// </summary>
/// <remarks>Time ranges are half-open: [ValidFrom, ValidTo), and ValidTo null means "still valid".</remarks>
public sealed class CatalogStore(IDbContextFactory<CatalogDbContext> contextFactory, TimeProvider timeProvider)
{
    /// <summary>Creates the database file (and its folder) if needed and applies pending migrations. Safe to call repeatedly.</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        EnsureDatabaseFolderExists(db.Database.GetConnectionString());
        await db.Database.MigrateAsync(cancellationToken);
    }

    /// <summary>Every team's slug, in order.</summary>
    public async Task<IReadOnlyList<string>> TeamSlugsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.Teams.OrderBy(t => t.Slug).Select(t => t.Slug).ToListAsync(cancellationToken);
    }

    /// <summary>The slug of the team that owned the service at <paramref name="at"/>, or null if none did.</summary>
    public async Task<string?> OwnerOfAsync(string serviceSlug, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.ServiceOwnerships
            .Where(o => o.Service.Slug == serviceSlug && o.ValidFrom <= at && (o.ValidTo == null || o.ValidTo > at))
            .OrderByDescending(o => o.ValidFrom)
            .Select(o => o.Team.Slug)
            .FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>
    /// The slug of the person's team at <paramref name="at"/>, or null. If memberships overlap
    /// (someone joining a new team before leaving the old), the most recently joined team wins.
    /// </summary>
    public async Task<string?> TeamOfAsync(string personExternalId, DateTimeOffset at, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.TeamMemberships
            .Where(m => m.Person.ExternalId == personExternalId && m.ValidFrom <= at && (m.ValidTo == null || m.ValidTo > at))
            .OrderByDescending(m => m.ValidFrom)
            .ThenByDescending(m => m.Id)
            .Select(m => m.Team.Slug)
            .FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>The person an email or login belongs to, ignoring case and surrounding whitespace; null if unknown.</summary>
    public async Task<Person?> ResolvePersonAsync(IdentityKind kind, string value, CancellationToken cancellationToken = default)
    {
        var normalized = PersonIdentity.Normalize(value);
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.PersonIdentities
            .AsNoTracking()
            .Where(i => i.Kind == kind && i.Value == normalized)
            .Select(i => i.Person)
            .FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>
    /// Links an email or login to a person. Adding an identity the person already has is a no-op.
    /// </summary>
    /// <exception cref="ArgumentException">The person does not exist.</exception>
    /// <exception cref="InvalidOperationException">The identity already belongs to someone else.</exception>
    public async Task AddIdentityAsync(string personExternalId, IdentityKind kind, string value, CancellationToken cancellationToken = default)
    {
        var normalized = PersonIdentity.Normalize(value);
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var person = await db.People.SingleOrDefaultAsync(p => p.ExternalId == personExternalId, cancellationToken)
            ?? throw new ArgumentException($"Unknown person '{personExternalId}'.", nameof(personExternalId));

        var currentOwner = await db.PersonIdentities
            .Where(i => i.Kind == kind && i.Value == normalized)
            .Select(i => i.Person.ExternalId)
            .FirstOrDefaultAsync(cancellationToken);
        if (currentOwner == personExternalId)
        {
            return;
        }
        if (currentOwner is not null)
        {
            throw new InvalidOperationException($"{kind} '{normalized}' already belongs to '{currentOwner}'.");
        }

        // The unique (Kind, Value) index still guards against a concurrent insert of the same identity.
        db.PersonIdentities.Add(new PersonIdentity { PersonId = person.Id, Kind = kind, Value = normalized });
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// Hands the service to another team from <paramref name="effectiveAt"/> on: the current ownership
    /// range is closed at that instant and a new one opened, so lookups for earlier dates keep
    /// returning the previous owner. Reassigning to the current owner is a no-op.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// Unknown service or team, or <paramref name="effectiveAt"/> is before the current ownership began
    /// (that would rewrite history).
    /// </exception>
    public async Task ReassignServiceAsync(string serviceSlug, string newTeamSlug, DateTimeOffset effectiveAt, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var service = await db.Services.SingleOrDefaultAsync(s => s.Slug == serviceSlug, cancellationToken)
            ?? throw new ArgumentException($"Unknown service '{serviceSlug}'.", nameof(serviceSlug));
        var newTeam = await db.Teams.SingleOrDefaultAsync(t => t.Slug == newTeamSlug, cancellationToken)
            ?? throw new ArgumentException($"Unknown team '{newTeamSlug}'.", nameof(newTeamSlug));

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var open = await db.ServiceOwnerships
            .Include(o => o.Team)
            .SingleOrDefaultAsync(o => o.ServiceId == service.Id && o.ValidTo == null, cancellationToken);

        if (open is not null)
        {
            if (effectiveAt < open.ValidFrom)
            {
                throw new ArgumentException(
                    $"Cannot reassign '{serviceSlug}' to '{newTeamSlug}' effective {effectiveAt.UtcDateTime:O}: " +
                    $"its current ownership by '{open.Team.Slug}' only starts at {open.ValidFrom.UtcDateTime:O}, " +
                    "and a reassignment must not rewrite earlier history.",
                    nameof(effectiveAt));
            }
            if (open.TeamId == newTeam.Id)
            {
                return;
            }

            open.ValidTo = effectiveAt;
            // Saved before the insert: the "one open range per service" index would reject the new row otherwise.
            await db.SaveChangesAsync(cancellationToken);
        }

        db.ServiceOwnerships.Add(new ServiceOwnership { ServiceId = service.Id, TeamId = newTeam.Id, ValidFrom = effectiveAt });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

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
            SourceId = await RequireSourceIdAsync(db, sourceName, cancellationToken),
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
        var sourceId = await RequireSourceIdAsync(db, sourceName, cancellationToken);
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

    /// <summary>The latest <paramref name="take"/> runs of a source, newest first.</summary>
    public async Task<IReadOnlyList<IngestRun>> RecentRunsAsync(string sourceName, int take, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(take);
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.IngestRuns
            .AsNoTracking()
            .Where(r => r.Source.Name == sourceName)
            .OrderByDescending(r => r.StartedAt)
            .ThenByDescending(r => r.Id)
            .Take(take)
            .ToListAsync(cancellationToken);
    }

    /// <summary>Where the last ingest of this resource stopped, or null if it never ran.</summary>
    public async Task<SourceCursor?> GetCursorAsync(string sourceName, string resource, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.SourceCursors
            .AsNoTracking()
            .SingleOrDefaultAsync(c => c.Source.Name == sourceName && c.Resource == resource, cancellationToken);
    }

    /// <summary>Creates or overwrites the cursor for one resource of a source.</summary>
    /// <exception cref="ArgumentException">No source has this name.</exception>
    public async Task SaveCursorAsync(string sourceName, string resource, string value, string? etag, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var sourceId = await RequireSourceIdAsync(db, sourceName, cancellationToken);
        var cursor = await db.SourceCursors.SingleOrDefaultAsync(c => c.SourceId == sourceId && c.Resource == resource, cancellationToken);
        if (cursor is null)
        {
            cursor = new SourceCursor { SourceId = sourceId, Resource = resource, Value = value };
            db.SourceCursors.Add(cursor);
        }

        cursor.Value = value;
        cursor.ETag = etag;
        cursor.UpdatedAt = timeProvider.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// A consistent snapshot of everything the ClickHouse mirror tables hold, sorted by each
    /// table's ORDER BY key. Only production environment rules are exported.
    /// </summary>
    public async Task<CatalogMirror> ExportMirrorAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        // One read transaction, so a concurrent reassignment cannot appear in one table but not another.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);

        var ownership = await db.ServiceOwnerships
            .OrderBy(o => o.Service.Slug).ThenBy(o => o.ValidFrom)
            .Select(o => new ServiceOwnershipMirrorRow(o.Service.Slug, o.Team.Slug, o.ValidFrom, o.ValidTo))
            .ToListAsync(cancellationToken);

        var membership = await db.TeamMemberships
            .OrderBy(m => m.Team.Slug).ThenBy(m => m.Person.ExternalId).ThenBy(m => m.ValidFrom)
            .Select(m => new TeamMembershipMirrorRow(m.Person.ExternalId, m.Team.Slug, m.ValidFrom, m.ValidTo))
            .ToListAsync(cancellationToken);

        var identities = await db.PersonIdentities
            .OrderBy(i => i.Kind).ThenBy(i => i.Value)
            .Select(i => new { i.Person.ExternalId, i.Kind, i.Value, i.Person.IsBot })
            .ToListAsync(cancellationToken);

        var templates = await db.ServiceTemplates
            .OrderBy(st => st.Service.Slug).ThenBy(st => st.ValidFrom)
            .Select(st => new ServiceTemplateMirrorRow(st.Service.Slug, st.Template.Slug, st.TemplateVersion, st.ValidFrom, st.ValidTo))
            .ToListAsync(cancellationToken);

        var services = await db.Services
            .OrderBy(s => s.Slug)
            .Select(s => new ServiceMirrorRow(s.Slug, s.Repository, s.DefaultBranch))
            .ToListAsync(cancellationToken);

        var templateCatalog = await db.Templates
            .OrderBy(t => t.Slug)
            .Select(t => new TemplateMirrorRow(t.Slug, t.LatestVersion, t.IsGoldenPath))
            .ToListAsync(cancellationToken);

        var productionEnvironments = await db.EnvironmentRules
            .OrderBy(r => r.Source).ThenBy(r => r.Pattern)
            .Select(r => new ProductionEnvironmentMirrorRow(r.Source, r.Pattern, r.IsProduction))
            .ToListAsync(cancellationToken);

        return new CatalogMirror(
            ownership,
            membership,
            identities.Select(i => new IdentityMirrorRow(i.ExternalId, IdentityMirrorRow.KindName(i.Kind), i.Value, i.IsBot)).ToList(),
            templates,
            productionEnvironments,
            services,
            templateCatalog);
    }

    private const int SqliteConstraintViolation = 19;

    private static async Task<RunClaim?> LeaseHolderAsync(CatalogDbContext db, int sourceId, CancellationToken cancellationToken) =>
        await db.IngestRuns.AsNoTracking()
            .Where(r => r.SourceId == sourceId && r.Status == IngestRunStatus.Running && r.LeaseExpiresAt != null)
            .Select(r => new RunClaim(false, r.Id, r.StartedAt))
            .FirstOrDefaultAsync(cancellationToken);

    private static async Task<int> RequireSourceIdAsync(CatalogDbContext db, string sourceName, CancellationToken cancellationToken)
    {
        var sourceId = await db.Sources
            .Where(s => s.Name == sourceName)
            .Select(s => (int?)s.Id)
            .SingleOrDefaultAsync(cancellationToken);
        return sourceId ?? throw new ArgumentException($"Unknown source '{sourceName}'.", nameof(sourceName));
    }

    // SQLite creates a missing database file but not a missing folder, e.g. a fresh data/ directory.
    private static void EnsureDatabaseFolderExists(string? connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        var dataSource = builder.DataSource;
        if (builder.Mode == SqliteOpenMode.Memory || string.IsNullOrEmpty(dataSource) || dataSource == ":memory:")
        {
            return;
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(dataSource));
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
        }
    }
}
