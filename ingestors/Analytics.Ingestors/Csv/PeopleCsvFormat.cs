using System.Text.RegularExpressions;
using Analytics.Storage.Catalog;

namespace Analytics.Ingestors.Csv;

internal sealed partial class PeopleCsvFormat : CatalogCsvFormat<PersonEntry>
{
    private Dictionary<(IdentityKind, string), string> _identityOwners = [];

    public override string Name => "people";
    public override IReadOnlyList<FieldSpec> Fields { get; } =
        [new("id", true), new("name", true), new("git_emails", false), new("github_logins", false), new("is_bot", false)];
    public override string Target => "people";

    protected override PersonEntry Parse(RecordReader reader, CsvImportServices services)
    {
        var record = new PersonEntry(reader.Text("id", 100), reader.Text("name", 200), reader.List("git_emails"), reader.List("github_logins"), reader.Flag("is_bot"));
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

    protected override (string, string, string)? NaturalKey(PersonEntry record) => ("id", record.Id, $"person '{record.Id}'");

    protected override async Task PrepareAsync(CsvImportServices services, CancellationToken cancellationToken)
    {
        _identityOwners = await services.Lookups.IdentityOwnersAsync(cancellationToken);
    }

    protected override void Check(PersonEntry record, RecordReader reader)
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

    protected override Task UpsertAsync(CatalogUpserts catalog, IReadOnlyList<PersonEntry> records, DateTimeOffset now, CancellationToken cancellationToken) =>
        catalog.UpsertPeopleAsync(records, cancellationToken);

    private static IEnumerable<(IdentityKind Kind, string Field, string Value)> IdentitiesOf(PersonEntry record) =>
        record.GitEmails.Select(e => (IdentityKind.GitEmail, "git_emails", e))
            .Concat(record.GitHubLogins.Select(l => (IdentityKind.GitHubLogin, "github_logins", l)));

    [GeneratedRegex(@"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})(?:\[bot\])?$")]
    private static partial Regex GitHubLoginPattern();
}
