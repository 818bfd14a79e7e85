using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Analytics.Storage.Catalog;

/// <summary>
/// Edits to the catalog from the admin page: teams, people, memberships, service ownership with dates, production
/// environment rules. Each edit is checked (a refused one throws <see cref="ArgumentException"/> with a message for the
/// person who made it and changes nothing), saved, recorded in the audit trail with the rows before and after (a refused
/// edit with why), and then the ClickHouse mirror is replaced so the metrics follow.
/// </summary>
public sealed partial class CatalogEditor(IDbContextFactory<CatalogDbContext> contexts, CatalogMirrorSync mirror, IAuditTrail audit)
{
    /// <summary>Adds a team, or renames the team with this slug.</summary>
    public Task SaveTeamAsync(AuditActor actor, string slug, string name, CancellationToken cancellationToken = default) => EditAsync(actor, "catalog.team.save", $"team {slug}", async db =>
    {
        Require(SlugPattern().IsMatch(slug), $"'{slug}' is not a team slug: lower-case letters, digits and '-', starting with a letter or digit.");
        Require(!string.IsNullOrWhiteSpace(name), "A team needs a name.");
        var team = await db.Teams.SingleOrDefaultAsync(t => t.Slug == slug, cancellationToken);
        if (team is null)
        {
            db.Teams.Add(new Team { Slug = slug, Name = name.Trim() });
        }
        else
        {
            team.Name = name.Trim();
        }
    }, cancellationToken);

    /// <summary>Adds a person, or changes the name and bot flag of the person with this id.</summary>
    public Task SavePersonAsync(AuditActor actor, string externalId, string displayName, bool isBot, CancellationToken cancellationToken = default) => EditAsync(actor, "catalog.person.save", $"person {externalId}", async db =>
    {
        Require(!string.IsNullOrWhiteSpace(externalId), "A person needs an id.");
        Require(!string.IsNullOrWhiteSpace(displayName), "A person needs a name.");
        var person = await db.People.SingleOrDefaultAsync(p => p.ExternalId == externalId, cancellationToken);
        if (person is null)
        {
            db.People.Add(new Person { ExternalId = externalId.Trim(), DisplayName = displayName.Trim(), IsBot = isBot });
        }
        else
        {
            (person.DisplayName, person.IsBot) = (displayName.Trim(), isBot);
        }
    }, cancellationToken);

    /// <summary>Puts a person in a team over [from, to); a person is in one team at a time, so an overlapping membership is refused.</summary>
    public Task AddMembershipAsync(AuditActor actor, string personId, string teamSlug, DateTimeOffset from, DateTimeOffset? to, CancellationToken cancellationToken = default) => EditAsync(actor, "catalog.membership.add", $"person {personId} in team {teamSlug}", async db =>
    {
        var person = await db.People.SingleOrDefaultAsync(p => p.ExternalId == personId, cancellationToken) ?? throw Refused($"There is no person '{personId}'.");
        var team = await TeamAsync(db, teamSlug, cancellationToken);
        RequireNoOverlap(await db.TeamMemberships.Where(m => m.PersonId == person.Id).Select(m => new HeldRange(m.Team.Slug, m.ValidFrom, m.ValidTo)).ToListAsync(cancellationToken),
            from, to, (clash, asked) => $"{personId} is already in '{clash.Team}' {clash}, which overlaps {asked}. End that membership first.");
        db.TeamMemberships.Add(new TeamMembership { PersonId = person.Id, TeamId = team.Id, ValidFrom = from, ValidTo = to });
    }, cancellationToken);

    /// <summary>
    /// Gives a service to a team over [from, to) (to null = still owned). Ownership ranges of one service never overlap:
    /// an overlapping range is refused with the range it overlaps, so events are never attributed to two teams.
    /// </summary>
    public Task AddOwnershipAsync(AuditActor actor, string serviceSlug, string teamSlug, DateTimeOffset from, DateTimeOffset? to, CancellationToken cancellationToken = default) => EditAsync(actor, "catalog.ownership.add", $"service {serviceSlug} to team {teamSlug}", async db =>
    {
        var service = await db.Services.SingleOrDefaultAsync(s => s.Slug == serviceSlug, cancellationToken) ?? throw Refused($"There is no service '{serviceSlug}'.");
        var owner = await TeamAsync(db, teamSlug, cancellationToken);
        var owned = await db.ServiceOwnerships.Where(o => o.ServiceId == service.Id).Select(o => new HeldRange(o.Team.Slug, o.ValidFrom, o.ValidTo)).ToListAsync(cancellationToken);
        RequireNoOverlap(owned, from, to, (clash, asked) => $"{serviceSlug} is already owned by '{clash.Team}' {clash}, which overlaps {asked}. " +
            "A service has one owner at a time: end or remove that range first (or use \"Move a service\").");
        db.ServiceOwnerships.Add(new ServiceOwnership { ServiceId = service.Id, TeamId = owner.Id, ValidFrom = from, ValidTo = to });
    }, cancellationToken);

    /// <summary>Removes the ownership range of the service that starts at <paramref name="from"/>: its events become unassigned.</summary>
    public Task RemoveOwnershipAsync(AuditActor actor, string serviceSlug, DateTimeOffset from, CancellationToken cancellationToken = default) => EditAsync(actor, "catalog.ownership.remove", $"service {serviceSlug} from {from:yyyy-MM-dd}", async db =>
    {
        var range = await db.ServiceOwnerships.SingleOrDefaultAsync(o => o.Service.Slug == serviceSlug && o.ValidFrom == from, cancellationToken)
            ?? throw Refused($"{serviceSlug} has no ownership starting {from:yyyy-MM-dd}.");
        db.ServiceOwnerships.Remove(range);
    }, cancellationToken);

    /// <summary>
    /// "Move a service": ends its current ownership at <paramref name="effectiveAt"/> and gives it to the team from then
    /// (<see cref="CatalogAssignments.ReassignServiceAsync"/>), recorded with the service's ownership rows before and after.
    /// </summary>
    public async Task MoveServiceAsync(AuditActor actor, string serviceSlug, string teamSlug, DateTimeOffset effectiveAt, CancellationToken cancellationToken = default)
    {
        const string Action = "catalog.service.move";
        var target = $"service {serviceSlug} to team {teamSlug} from {effectiveAt:yyyy-MM-dd}";
        var before = await OwnershipJsonAsync(serviceSlug, cancellationToken);
        try
        {
            await new CatalogAssignments(contexts).ReassignServiceAsync(serviceSlug, teamSlug, effectiveAt, cancellationToken);
        }
        catch (ArgumentException refused)
        {
            await audit.RecordAsync(new AuditRecord(actor, Action, target, $"refused: {refused.Message}"), cancellationToken);
            throw;
        }
        await audit.RecordAsync(new AuditRecord(actor, Action, target, AuditRecord.Succeeded, before, await OwnershipJsonAsync(serviceSlug, cancellationToken)), cancellationToken);
        await mirror.SyncAsync(cancellationToken);
    }

    private async Task<string?> OwnershipJsonAsync(string serviceSlug, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.ServiceOwnerships.AsNoTracking().Where(o => o.Service.Slug == serviceSlug).OrderBy(o => o.ValidFrom)
            .Select(o => new { entity = nameof(ServiceOwnership), service = serviceSlug, team = o.Team.Slug, o.ValidFrom, o.ValidTo })
            .ToListAsync(cancellationToken);
        return AuditTrail.Json(rows);
    }

    /// <summary>Adds the rule, or changes whether it marks production; <paramref name="source"/> "" = every source.</summary>
    public Task SaveEnvironmentRuleAsync(AuditActor actor, string source, string pattern, bool isProduction, CancellationToken cancellationToken = default) => EditAsync(actor, "catalog.environment-rule.save", $"environment rule '{pattern}' for {(source == EnvironmentRule.AnySource ? "every source" : source)}", async db =>
    {
        Require(!string.IsNullOrWhiteSpace(pattern), "A rule needs an environment name or a regular expression (e.g. prod(-.*)?).");
        Require(EnvironmentPattern.Problem(pattern) is null, $"'{pattern}' is not a usable regular expression: {EnvironmentPattern.Problem(pattern)}");
        var rule = await db.EnvironmentRules.SingleOrDefaultAsync(r => r.Source == source && r.Pattern == pattern, cancellationToken);
        if (rule is null)
        {
            db.EnvironmentRules.Add(new EnvironmentRule { Source = source, Pattern = pattern.Trim(), IsProduction = isProduction });
        }
        else
        {
            rule.IsProduction = isProduction;
        }
    }, cancellationToken);

    public Task RemoveEnvironmentRuleAsync(AuditActor actor, string source, string pattern, CancellationToken cancellationToken = default) => EditAsync(actor, "catalog.environment-rule.remove", $"environment rule '{pattern}' for {(source == EnvironmentRule.AnySource ? "every source" : source)}", async db =>
    {
        var rule = await db.EnvironmentRules.SingleOrDefaultAsync(r => r.Source == source && r.Pattern == pattern, cancellationToken)
            ?? throw Refused($"There is no rule '{pattern}' for {(source == EnvironmentRule.AnySource ? "every source" : source)}.");
        db.EnvironmentRules.Remove(rule);
    }, cancellationToken);

    /// <summary>Runs, saves and records an edit: a refused one with why, a saved one with the rows before and after.</summary>
    /// <param name="syncMirror">Whether the ClickHouse mirror is replaced after it: not for rows no query reads there (annotations, goals).</param>
    private async Task EditAsync(AuditActor actor, string action, string target, Func<CatalogDbContext, Task> edit, CancellationToken cancellationToken, bool syncMirror = true)
    {
        string? before, after;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            try
            {
                await edit(db);
            }
            catch (ArgumentException refused)
            {
                await audit.RecordAsync(new AuditRecord(actor, action, target, $"refused: {refused.Message}"), cancellationToken);
                throw;
            }
            var changes = db.ChangeTracker.Entries().Where(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted)
                .Select(e => (Entry: e, e.State)).ToList();
            before = AuditTrail.Json(changes.Where(c => c.State != EntityState.Added).Select(c => Row(c.Entry, c.Entry.OriginalValues)).ToList());
            await db.SaveChangesAsync(cancellationToken);
            // After saving, so added rows carry their new ids.
            after = AuditTrail.Json(changes.Where(c => c.State != EntityState.Deleted).Select(c => Row(c.Entry, c.Entry.CurrentValues)).ToList());
        }
        await audit.RecordAsync(new AuditRecord(actor, action, target, AuditRecord.Succeeded, before, after), cancellationToken);
        if (syncMirror)
        {
            await mirror.SyncAsync(cancellationToken);
        }
    }

    /// <summary>A catalog row as the audit trail shows it: its entity name and every column.</summary>
    private static Dictionary<string, object?> Row(EntityEntry entry, PropertyValues values)
    {
        var row = new Dictionary<string, object?> { ["entity"] = entry.Metadata.ClrType.Name };
        foreach (var property in values.Properties)
        {
            row[property.Name] = values[property];
        }
        return row;
    }

    private static async Task<Team> TeamAsync(CatalogDbContext db, string slug, CancellationToken cancellationToken) =>
        await db.Teams.SingleOrDefaultAsync(t => t.Slug == slug, cancellationToken) ?? throw Refused($"There is no team '{slug}'.");

    /// <summary>
    /// Refuses [from, to) when it is backwards or overlaps one of <paramref name="held"/> (all half-open, to null = open-ended);
    /// the message names the earliest range it overlaps.
    /// </summary>
    private static void RequireNoOverlap(IEnumerable<HeldRange> held, DateTimeOffset from, DateTimeOffset? to, Func<HeldRange, HeldRange, string> message)
    {
        Require(to is null || to > from, $"The end ({to:yyyy-MM-dd}) must be after the start ({from:yyyy-MM-dd}).");
        var asked = new HeldRange("", from, to);
        if (held.OrderBy(range => range.From).FirstOrDefault(range => range.From < (to ?? DateTimeOffset.MaxValue) && from < (range.To ?? DateTimeOffset.MaxValue)) is { } clash)
        {
            throw Refused(message(clash, asked));
        }
    }

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw Refused(message);
        }
    }

    private static ArgumentException Refused(string message) => new(message);

    /// <summary>A team's hold on a person or service over [From, To); written as the messages say it.</summary>
    private sealed record HeldRange(string Team, DateTimeOffset From, DateTimeOffset? To)
    {
        public override string ToString() => $"from {From:yyyy-MM-dd} {(To is { } end ? $"until {end:yyyy-MM-dd}" : "on (open)")}";
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]*$")]
    private static partial Regex SlugPattern();
}
