using System.Text.RegularExpressions;
using Analytics.Core.Dora;
using Analytics.Storage.Catalog;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Ingestors.Csv;

/// <summary>
/// A catalog CSV format: rows are upserted into the SQLite catalog by their natural key (slug, external id, or
/// the start of a history range), in one transaction per file, so importing the same file again changes nothing.
/// </summary>
internal abstract class CatalogCsvFormat<T> : CsvFormat<T> where T : notnull
{
    public override bool IsCatalog => true;

    protected override async Task<long> WriteAsync(IReadOnlyList<T> records, CsvImportServices services, CancellationToken cancellationToken)
    {
        await using var db = await services.Catalog.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await UpsertAsync(db, records, services.Now, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return records.Count;
    }

    protected abstract Task UpsertAsync(CatalogDbContext db, IReadOnlyList<T> records, DateTimeOffset now, CancellationToken cancellationToken);

    protected static async Task<HashSet<string>> LoadAsync(CsvImportServices services, Func<CatalogDbContext, IQueryable<string>> query, CancellationToken cancellationToken)
    {
        await using var db = await services.Catalog.CreateDbContextAsync(cancellationToken);
        return (await query(db).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
    }

    protected static void RequireKnown(RecordReader reader, HashSet<string> known, string field, string value, string what, string file)
    {
        if (!known.Contains(value))
        {
            reader.Fail(field, $"'{value}' is not a {what} in the catalog (import {file} first)");
        }
    }
}

public sealed record TeamRecord(string Slug, string Name);

internal sealed class TeamsCsvFormat : CatalogCsvFormat<TeamRecord>
{
    public override string Name => "teams";
    public override IReadOnlyList<FieldSpec> Fields { get; } = [new("slug", true), new("name", true)];
    public override string Target => "teams";

    protected override TeamRecord Parse(RecordReader reader, CsvImportServices services) => new(reader.Slug("slug"), reader.Text("name", 200));

    protected override (string, string, string)? NaturalKey(TeamRecord record) => ("slug", record.Slug, $"team '{record.Slug}'");

    protected override async Task UpsertAsync(CatalogDbContext db, IReadOnlyList<TeamRecord> records, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var existing = await db.Teams.ToDictionaryAsync(t => t.Slug, cancellationToken);
        foreach (var record in records)
        {
            if (existing.TryGetValue(record.Slug, out var team))
            {
                team.Name = record.Name;
            }
            else
            {
                db.Teams.Add(new Team { Slug = record.Slug, Name = record.Name });
            }
        }
    }
}

public sealed record PersonRecord(string Id, string Name, IReadOnlyList<string> GitEmails, IReadOnlyList<string> GitHubLogins, bool IsBot);

internal sealed partial class PeopleCsvFormat : CatalogCsvFormat<PersonRecord>
{
    private Dictionary<(IdentityKind, string), string> _identityOwners = [];

    public override string Name => "people";
    public override IReadOnlyList<FieldSpec> Fields { get; } =
        [new("id", true), new("name", true), new("git_emails", false), new("github_logins", false), new("is_bot", false)];
    public override string Target => "people";

    protected override PersonRecord Parse(RecordReader reader, CsvImportServices services)
    {
        var record = new PersonRecord(reader.Text("id", 100), reader.Text("name", 200), reader.List("git_emails"), reader.List("github_logins"), reader.Flag("is_bot"));
        foreach (var email in record.GitEmails.Where(e => !e.Contains('@')))
        {
            reader.Fail("git_emails", $"'{RecordReader.Shorten(email)}' is not an email address");
        }
        foreach (var login in record.GitHubLogins.Where(l => !GitHubLoginPattern().IsMatch(l)))
        {
            reader.Fail("github_logins", $"'{RecordReader.Shorten(login)}' is not a GitHub login");
        }
        return record;
    }

    protected override (string, string, string)? NaturalKey(PersonRecord record) => ("id", record.Id, $"person '{record.Id}'");

    protected override async Task PrepareAsync(CsvImportServices services, CancellationToken cancellationToken)
    {
        await using var db = await services.Catalog.CreateDbContextAsync(cancellationToken);
        _identityOwners = (await db.PersonIdentities.Select(i => new { i.Kind, i.Value, i.Person.ExternalId }).ToListAsync(cancellationToken))
            .ToDictionary(i => (i.Kind, i.Value), i => i.ExternalId);
    }

    protected override void Check(PersonRecord record, RecordReader reader)
    {
        foreach (var (kind, field, value) in IdentitiesOf(record))
        {
            // The first row to name an email or login claims it, so a second person naming it is reported too.
            var key = (kind, PersonIdentity.Normalize(value));
            if (_identityOwners.TryGetValue(key, out var owner) && owner != record.Id)
            {
                reader.Fail(field, $"'{RecordReader.Shorten(value)}' already belongs to person '{owner}'");
            }
            else
            {
                _identityOwners[key] = record.Id;
            }
        }
    }

    protected override async Task UpsertAsync(CatalogDbContext db, IReadOnlyList<PersonRecord> records, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var people = await db.People.Include(p => p.Identities).ToDictionaryAsync(p => p.ExternalId, cancellationToken);
        foreach (var record in records)
        {
            if (!people.TryGetValue(record.Id, out var person))
            {
                person = db.People.Add(new Person { ExternalId = record.Id, DisplayName = record.Name }).Entity;
                people[record.Id] = person;
            }
            person.DisplayName = record.Name;
            person.IsBot = record.IsBot;
            // Identities are only added: dropping one would re-attribute that person's past commits to nobody.
            foreach (var (kind, _, value) in IdentitiesOf(record))
            {
                var normalized = PersonIdentity.Normalize(value);
                if (!person.Identities.Any(i => i.Kind == kind && i.Value == normalized))
                {
                    person.Identities.Add(new PersonIdentity { Kind = kind, Value = normalized });
                }
            }
        }
    }

    private static IEnumerable<(IdentityKind Kind, string Field, string Value)> IdentitiesOf(PersonRecord record) =>
        record.GitEmails.Select(e => (IdentityKind.GitEmail, "git_emails", e))
            .Concat(record.GitHubLogins.Select(l => (IdentityKind.GitHubLogin, "github_logins", l)));

    [GeneratedRegex(@"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$")]
    private static partial Regex GitHubLoginPattern();
}

public sealed record MembershipRecord(string PersonId, string Team, DateTimeOffset ValidFrom, DateTimeOffset? ValidTo);

internal sealed class MembershipsCsvFormat : CatalogCsvFormat<MembershipRecord>
{
    private HashSet<string> _people = [];
    private HashSet<string> _teams = [];

    public override string Name => "memberships";
    public override IReadOnlyList<string> Aliases => ["team-memberships", "team_memberships"];
    public override IReadOnlyList<FieldSpec> Fields { get; } = [new("person_id", true), new("team", true), new("valid_from", true), new("valid_to", false)];
    public override string Target => "team_memberships";

    protected override MembershipRecord Parse(RecordReader reader, CsvImportServices services)
    {
        var record = new MembershipRecord(reader.Text("person_id", 100), reader.Slug("team"), reader.Date("valid_from", allowFuture: true), reader.OptionalDate("valid_to", allowFuture: true));
        HistoryRanges.CheckOrder(reader, record.ValidFrom, record.ValidTo);
        return record;
    }

    protected override (string, string, string)? NaturalKey(MembershipRecord record) =>
        ("valid_from", $"{record.PersonId}|{record.Team}|{record.ValidFrom.UtcTicks}", $"membership of '{record.PersonId}' in '{record.Team}' from {RecordReader.Format(record.ValidFrom)}");

    protected override async Task PrepareAsync(CsvImportServices services, CancellationToken cancellationToken)
    {
        _people = await LoadAsync(services, db => db.People.Select(p => p.ExternalId), cancellationToken);
        _teams = await LoadAsync(services, db => db.Teams.Select(t => t.Slug), cancellationToken);
    }

    protected override void Check(MembershipRecord record, RecordReader reader)
    {
        RequireKnown(reader, _people, "person_id", record.PersonId, "person", "people.csv");
        RequireKnown(reader, _teams, "team", record.Team, "team", "teams.csv");
    }

    protected override async Task UpsertAsync(CatalogDbContext db, IReadOnlyList<MembershipRecord> records, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var people = await db.People.ToDictionaryAsync(p => p.ExternalId, cancellationToken);
        var teams = await db.Teams.ToDictionaryAsync(t => t.Slug, cancellationToken);
        var existing = await db.TeamMemberships.Include(m => m.Person).Include(m => m.Team)
            .ToDictionaryAsync(m => (m.Person.ExternalId, m.Team.Slug, m.ValidFrom.UtcTicks), cancellationToken);
        foreach (var record in records)
        {
            if (existing.TryGetValue((record.PersonId, record.Team, record.ValidFrom.UtcTicks), out var membership))
            {
                membership.ValidTo = record.ValidTo;
            }
            else
            {
                db.TeamMemberships.Add(new TeamMembership { Person = people[record.PersonId], Team = teams[record.Team], ValidFrom = record.ValidFrom, ValidTo = record.ValidTo });
            }
        }
    }
}

/// <param name="Paths">The paths of a shared repository the service owns (ServicePaths); empty leaves them as they are.</param>
public sealed record ServiceRecord(string Slug, string Name, string Repository, string DefaultBranch, DateTimeOffset? CreatedAt, IReadOnlyList<string> Paths);

internal sealed partial class ServicesCsvFormat : CatalogCsvFormat<ServiceRecord>
{
    public override string Name => "services";
    public override IReadOnlyList<FieldSpec> Fields { get; } =
        [new("slug", true), new("name", true), new("repository", true), new("default_branch", false), new("created_at", false), new("paths", false)];
    public override string Target => "services";

    protected override ServiceRecord Parse(RecordReader reader, CsvImportServices services)
    {
        var (paths, pathProblem) = ServicePaths.Normalise(reader.List("paths"));
        if (pathProblem is not null)
        {
            reader.Fail("paths", pathProblem);
        }
        var record = new ServiceRecord(reader.Slug("slug"), reader.Text("name", 200), reader.Text("repository", 200),
            reader.OptionalText("default_branch", 200), reader.OptionalDate("created_at"), paths);
        if (record.Repository.Length > 0 && !RepositoryPattern().IsMatch(record.Repository))
        {
            reader.Fail("repository", $"'{RecordReader.Shorten(record.Repository)}' is not owner/name, e.g. acme/payments-api");
        }
        return record;
    }

    protected override (string, string, string)? NaturalKey(ServiceRecord record) => ("slug", record.Slug, $"service '{record.Slug}'");

    protected override async Task UpsertAsync(CatalogDbContext db, IReadOnlyList<ServiceRecord> records, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var existing = await db.Services.ToDictionaryAsync(s => s.Slug, cancellationToken);
        foreach (var record in records)
        {
            if (!existing.TryGetValue(record.Slug, out var service))
            {
                service = db.Services.Add(new Service { Slug = record.Slug, Name = record.Name, Repository = record.Repository, CreatedAt = record.CreatedAt ?? now }).Entity;
            }
            service.Name = record.Name;
            service.Repository = record.Repository;
            if (record.DefaultBranch.Length > 0)
            {
                service.DefaultBranch = record.DefaultBranch;
            }
            if (record.CreatedAt is { } createdAt)
            {
                service.CreatedAt = createdAt;
            }
            if (record.Paths.Count > 0)
            {
                service.Paths = [.. record.Paths];
            }
        }
    }

    [GeneratedRegex(@"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")]
    private static partial Regex RepositoryPattern();
}

public sealed record OwnershipRecord(string Service, string Team, DateTimeOffset ValidFrom, DateTimeOffset? ValidTo);

internal sealed class OwnershipsCsvFormat : CatalogCsvFormat<OwnershipRecord>
{
    private HashSet<string> _services = [];
    private HashSet<string> _teams = [];

    public override string Name => "ownerships";
    public override IReadOnlyList<string> Aliases => ["ownership", "service-ownerships", "service_ownerships"];
    public override IReadOnlyList<FieldSpec> Fields { get; } = [new("service", true), new("team", true), new("valid_from", true), new("valid_to", false)];
    public override string Target => "service_ownerships";

    protected override OwnershipRecord Parse(RecordReader reader, CsvImportServices services)
    {
        var record = new OwnershipRecord(reader.Slug("service"), reader.Slug("team"), reader.Date("valid_from", allowFuture: true), reader.OptionalDate("valid_to", allowFuture: true));
        HistoryRanges.CheckOrder(reader, record.ValidFrom, record.ValidTo);
        return record;
    }

    protected override (string, string, string)? NaturalKey(OwnershipRecord record) =>
        ("valid_from", $"{record.Service}|{record.ValidFrom.UtcTicks}", $"ownership of '{record.Service}' from {RecordReader.Format(record.ValidFrom)}");

    protected override async Task PrepareAsync(CsvImportServices services, CancellationToken cancellationToken)
    {
        _services = await LoadAsync(services, db => db.Services.Select(s => s.Slug), cancellationToken);
        _teams = await LoadAsync(services, db => db.Teams.Select(t => t.Slug), cancellationToken);
    }

    protected override void Check(OwnershipRecord record, RecordReader reader)
    {
        RequireKnown(reader, _services, "service", record.Service, "service", "services.csv");
        RequireKnown(reader, _teams, "team", record.Team, "team", "teams.csv");
    }

    protected override async Task CheckTogetherAsync(IReadOnlyList<ParsedRow<OwnershipRecord>> rows, CsvImportServices services, CancellationToken cancellationToken)
    {
        await using var db = await services.Catalog.CreateDbContextAsync(cancellationToken);
        var stored = await db.ServiceOwnerships.Select(o => new { Service = o.Service.Slug, Team = o.Team.Slug, o.ValidFrom, o.ValidTo }).ToListAsync(cancellationToken);
        HistoryRanges.CheckNoOverlap(rows, r => r.Service, r => r.ValidFrom, r => r.ValidTo, r => $"owned by '{r.Team}'",
            stored.Select(s => (s.Service, s.ValidFrom, s.ValidTo, $"owned by '{s.Team}'")));
    }

    protected override async Task UpsertAsync(CatalogDbContext db, IReadOnlyList<OwnershipRecord> records, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var services = await db.Services.ToDictionaryAsync(s => s.Slug, cancellationToken);
        var teams = await db.Teams.ToDictionaryAsync(t => t.Slug, cancellationToken);
        var existing = await db.ServiceOwnerships.Include(o => o.Service).ToDictionaryAsync(o => (o.Service.Slug, o.ValidFrom.UtcTicks), cancellationToken);
        foreach (var record in records.Where(r => existing.ContainsKey((r.Service, r.ValidFrom.UtcTicks))))
        {
            var ownership = existing[(record.Service, record.ValidFrom.UtcTicks)];
            ownership.Team = teams[record.Team];
            ownership.ValidTo = record.ValidTo;
        }
        // Closing ranges are saved before new ones are added: the catalog allows one open range per service.
        await db.SaveChangesAsync(cancellationToken);
        foreach (var record in records.Where(r => !existing.ContainsKey((r.Service, r.ValidFrom.UtcTicks))))
        {
            db.ServiceOwnerships.Add(new ServiceOwnership { Service = services[record.Service], Team = teams[record.Team], ValidFrom = record.ValidFrom, ValidTo = record.ValidTo });
        }
    }
}

public sealed record TemplateRecord(string Slug, string Name, string LatestVersion, bool IsGoldenPath);

internal sealed class TemplatesCsvFormat : CatalogCsvFormat<TemplateRecord>
{
    public override string Name => "templates";
    public override IReadOnlyList<FieldSpec> Fields { get; } = [new("slug", true), new("name", true), new("latest_version", true), new("golden_path", false)];
    public override string Target => "templates";

    protected override TemplateRecord Parse(RecordReader reader, CsvImportServices services) =>
        new(reader.Slug("slug"), reader.Text("name", 200), reader.Text("latest_version", 50), reader.Flag("golden_path"));

    protected override (string, string, string)? NaturalKey(TemplateRecord record) => ("slug", record.Slug, $"template '{record.Slug}'");

    protected override async Task UpsertAsync(CatalogDbContext db, IReadOnlyList<TemplateRecord> records, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var existing = await db.Templates.ToDictionaryAsync(t => t.Slug, cancellationToken);
        foreach (var record in records)
        {
            if (!existing.TryGetValue(record.Slug, out var template))
            {
                template = db.Templates.Add(new Template { Slug = record.Slug, Name = record.Name, LatestVersion = record.LatestVersion }).Entity;
            }
            template.Name = record.Name;
            template.LatestVersion = record.LatestVersion;
            template.IsGoldenPath = record.IsGoldenPath;
        }
    }
}

public sealed record ServiceTemplateRecord(string Service, string Template, string Version, DateTimeOffset ValidFrom, DateTimeOffset? ValidTo);

internal sealed class ServiceTemplatesCsvFormat : CatalogCsvFormat<ServiceTemplateRecord>
{
    private HashSet<string> _services = [];
    private HashSet<string> _templates = [];

    public override string Name => "service-templates";
    public override IReadOnlyList<string> Aliases => ["service_templates"];
    public override IReadOnlyList<FieldSpec> Fields { get; } =
        [new("service", true), new("template", true), new("version", true), new("valid_from", true), new("valid_to", false)];
    public override string Target => "service_templates";

    protected override ServiceTemplateRecord Parse(RecordReader reader, CsvImportServices services)
    {
        var record = new ServiceTemplateRecord(reader.Slug("service"), reader.Slug("template"), reader.Text("version", 50),
            reader.Date("valid_from", allowFuture: true), reader.OptionalDate("valid_to", allowFuture: true));
        HistoryRanges.CheckOrder(reader, record.ValidFrom, record.ValidTo);
        return record;
    }

    protected override (string, string, string)? NaturalKey(ServiceTemplateRecord record) =>
        ("valid_from", $"{record.Service}|{record.ValidFrom.UtcTicks}", $"template use of '{record.Service}' from {RecordReader.Format(record.ValidFrom)}");

    protected override async Task PrepareAsync(CsvImportServices services, CancellationToken cancellationToken)
    {
        _services = await LoadAsync(services, db => db.Services.Select(s => s.Slug), cancellationToken);
        _templates = await LoadAsync(services, db => db.Templates.Select(t => t.Slug), cancellationToken);
    }

    protected override void Check(ServiceTemplateRecord record, RecordReader reader)
    {
        RequireKnown(reader, _services, "service", record.Service, "service", "services.csv");
        RequireKnown(reader, _templates, "template", record.Template, "template", "templates.csv");
    }

    protected override async Task CheckTogetherAsync(IReadOnlyList<ParsedRow<ServiceTemplateRecord>> rows, CsvImportServices services, CancellationToken cancellationToken)
    {
        await using var db = await services.Catalog.CreateDbContextAsync(cancellationToken);
        var stored = await db.ServiceTemplates.Select(st => new { Service = st.Service.Slug, Template = st.Template.Slug, st.TemplateVersion, st.ValidFrom, st.ValidTo })
            .ToListAsync(cancellationToken);
        HistoryRanges.CheckNoOverlap(rows, r => r.Service, r => r.ValidFrom, r => r.ValidTo, r => $"on '{r.Template}' {r.Version}",
            stored.Select(s => (s.Service, s.ValidFrom, s.ValidTo, $"on '{s.Template}' {s.TemplateVersion}")));
    }

    protected override async Task UpsertAsync(CatalogDbContext db, IReadOnlyList<ServiceTemplateRecord> records, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var services = await db.Services.ToDictionaryAsync(s => s.Slug, cancellationToken);
        var templates = await db.Templates.ToDictionaryAsync(t => t.Slug, cancellationToken);
        var existing = await db.ServiceTemplates.Include(st => st.Service).ToDictionaryAsync(st => (st.Service.Slug, st.ValidFrom.UtcTicks), cancellationToken);
        foreach (var record in records)
        {
            if (existing.TryGetValue((record.Service, record.ValidFrom.UtcTicks), out var use))
            {
                use.Template = templates[record.Template];
                use.TemplateVersion = record.Version;
                use.ValidTo = record.ValidTo;
            }
            else
            {
                db.ServiceTemplates.Add(new ServiceTemplate
                {
                    Service = services[record.Service], Template = templates[record.Template], TemplateVersion = record.Version,
                    ValidFrom = record.ValidFrom, ValidTo = record.ValidTo,
                });
            }
        }
    }
}

/// <summary>Rules for the catalog's [valid_from, valid_to) history ranges.</summary>
internal static class HistoryRanges
{
    public static void CheckOrder(RecordReader reader, DateTimeOffset validFrom, DateTimeOffset? validTo)
    {
        if (validTo is { } end && end <= validFrom)
        {
            reader.Fail("valid_to", $"{RecordReader.Format(end)} is not after valid_from ({RecordReader.Format(validFrom)})");
        }
    }

    /// <summary>
    /// Reports each row whose range overlaps another range of the same subject (e.g. service): ranges of other rows,
    /// and stored ranges the file does not replace (a row replaces the stored range that starts at the same instant).
    /// </summary>
    public static void CheckNoOverlap<T>(
        IReadOnlyList<ParsedRow<T>> rows, Func<T, string> subject, Func<T, DateTimeOffset> from, Func<T, DateTimeOffset?> to, Func<T, string> describe,
        IEnumerable<(string Subject, DateTimeOffset From, DateTimeOffset? To, string Description)> stored) where T : notnull
    {
        var replaced = rows.Select(r => (subject(r.Record), from(r.Record).UtcTicks)).ToHashSet();
        var ranges = stored
            .Where(s => !replaced.Contains((s.Subject, s.From.UtcTicks)))
            .Select(s => (s.Subject, s.From, s.To, Where: $"{s.Description} in the catalog from {RecordReader.Format(s.From)}", Row: (ParsedRow<T>?)null))
            .Concat(rows.Select(r => (Subject: subject(r.Record), From: from(r.Record), To: to(r.Record), Where: $"{describe(r.Record)} on line {r.Row.Line}", Row: (ParsedRow<T>?)r)))
            .GroupBy(range => range.Subject);
        foreach (var group in ranges)
        {
            var list = group.OrderBy(r => r.From).ToList();
            for (var i = 0; i < list.Count; i++)
            {
                if (list[i].Row is not { } row)
                {
                    continue;
                }
                var other = list.Where((r, j) => j != i && r.From < (list[i].To ?? DateTimeOffset.MaxValue) && list[i].From < (r.To ?? DateTimeOffset.MaxValue))
                    .Select(r => r.Where).FirstOrDefault();
                if (other is not null)
                {
                    row.Errors.Add(new FieldError("valid_from", $"{RecordReader.Format(list[i].From)}–{(list[i].To is { } end ? RecordReader.Format(end) : "open")} overlaps {other}"));
                }
            }
        }
    }
}
