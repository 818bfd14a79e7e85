using Microsoft.EntityFrameworkCore;

namespace Analytics.Storage.Catalog;

/// <summary>
/// Gives an email or login to a person, and a service to another team from a date on, keeping the history.
/// Each call uses its own short-lived <see cref="CatalogDbContext"/>, so one instance is safe to share as a singleton.
/// </summary>
/// <remarks>The ClickHouse mirror is not refreshed here: callers sync it (<see cref="CatalogMirrorSync"/>) when they are done.</remarks>
public sealed class CatalogAssignments(IDbContextFactory<CatalogDbContext> contextFactory)
{
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
}
