using Analytics.Ingestors.Sources;
using Analytics.Storage.Catalog;
using Analytics.Storage.ClickHouse;
using Analytics.Storage.Metrics;

namespace Analytics.Ingestors.Csv;

/// <summary>An event CSV format: rows go to one ClickHouse table keyed by the event's natural id.</summary>
internal abstract class EventCsvFormat<T> : CsvFormat<T> where T : notnull
{
    public override bool IsCatalog => false;

    protected abstract IReadOnlyList<string> Columns { get; }

    protected abstract object?[] ToRow(T record, string source);

    /// <summary>The identity guard of this table, or null when its rows have no id (survey answers).</summary>
    protected virtual StoredEventIdentity? Identity => null;

    protected virtual (string Id, string Group, DateTimeOffset Start) IdentityOf(T record) => throw new NotSupportedException();

    protected override async Task CheckTogetherAsync(IReadOnlyList<ParsedRow<T>> rows, CsvImportServices services, CancellationToken cancellationToken)
    {
        if (Identity is null)
        {
            return;
        }
        var changed = await Identity.FindChangedAsync(services.Store, rows.Select(r => IdentityOf(r.Record)).ToList(), cancellationToken);
        foreach (var (index, error) in changed)
        {
            rows[index].Errors.Add(error);
        }
    }

    // A file is checked whole before anything is written (a file with an invalid row imports nothing), so its
    // valid rows are one batch.
    protected override Task<long> WriteAsync(IReadOnlyList<T> records, CsvImportServices services, CancellationToken cancellationToken) =>
        new RowWriter(services.Store).WriteAsync(new RowTable(Target, Columns), records.Select(record => ToRow(record, services.Source)), cancellationToken);
}

/// <summary>An event format whose rows name a team: the team must be in the catalog.</summary>
internal abstract class TeamEventCsvFormat<T> : EventCsvFormat<T> where T : notnull
{
    private HashSet<string> _teams = [];

    protected abstract string TeamOf(T record);

    protected override async Task PrepareAsync(CsvImportServices services, CancellationToken cancellationToken)
    {
        _teams = (await services.Lookups.TeamSlugsAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
    }

    protected override void Check(T record, RecordReader reader)
    {
        if (!_teams.Contains(TeamOf(record)))
        {
            reader.Fail("team", $"'{TeamOf(record)}' is not a team in the catalog (import teams.csv first)");
        }
    }
}

internal sealed class DeploymentsCsvFormat : EventCsvFormat<DeploymentEvent>
{
    public override string Name => "deployments";
    public override IReadOnlyList<FieldSpec> Fields => DeploymentEvent.Fields;
    public override string Target => DeploymentEvent.Table;
    protected override IReadOnlyList<string> Columns => DeploymentEvent.Columns;
    protected override StoredEventIdentity Identity => StoredEventIdentity.Deployments;

    protected override DeploymentEvent Parse(RecordReader reader, CsvImportServices services) => DeploymentEvent.Parse(reader);

    protected override (string, string, string)? NaturalKey(DeploymentEvent record) =>
        ("deployment_id", record.DeploymentId, $"deployment_id '{record.DeploymentId}'");

    protected override (string Id, string Group, DateTimeOffset Start) IdentityOf(DeploymentEvent record) => (record.DeploymentId, record.Service, record.StartedAt);

    protected override object?[] ToRow(DeploymentEvent record, string source) => record.ToRow(source);

    protected override async Task<long> WriteAsync(IReadOnlyList<DeploymentEvent> records, CsvImportServices services, CancellationToken cancellationToken)
    {
        var written = await base.WriteAsync(records, services, cancellationToken);
        services.Shipped.Services.UnionWith(records.Select(r => r.Service));
        return written;
    }
}

internal sealed class IncidentsCsvFormat : EventCsvFormat<IncidentEvent>
{
    public override string Name => "incidents";
    public override IReadOnlyList<FieldSpec> Fields => IncidentEvent.Fields;
    public override string Target => IncidentEvent.Table;
    protected override IReadOnlyList<string> Columns => IncidentEvent.Columns;
    protected override StoredEventIdentity Identity => StoredEventIdentity.Incidents;

    protected override IncidentEvent Parse(RecordReader reader, CsvImportServices services) => IncidentEvent.Parse(reader);

    protected override (string, string, string)? NaturalKey(IncidentEvent record) =>
        ("incident_id", record.IncidentId, $"incident_id '{record.IncidentId}'");

    protected override (string Id, string Group, DateTimeOffset Start) IdentityOf(IncidentEvent record) => (record.IncidentId, record.Service, record.StartedAt);

    protected override object?[] ToRow(IncidentEvent record, string source) => record.ToRow(source);
}

internal sealed class SurveysCsvFormat : TeamEventCsvFormat<SurveyAnswer>
{
    public override string Name => "surveys";
    public override IReadOnlyList<string> Aliases => ["survey-responses", "survey_responses"];
    public override IReadOnlyList<FieldSpec> Fields => SurveyAnswer.Fields;
    public override string Target => SurveyAnswer.Table;
    protected override IReadOnlyList<string> Columns => SurveyAnswer.Columns;

    protected override async Task PrepareAsync(CsvImportServices services, CancellationToken cancellationToken)
    {
        if (services.Hasher.Problem is { } problem)
        {
            throw new CsvFileProblemException(problem);
        }
        await base.PrepareAsync(services, cancellationToken);
    }

    protected override SurveyAnswer Parse(RecordReader reader, CsvImportServices services) => SurveyAnswer.Parse(reader, services.Hasher, services.Calendar);

    // A closed wave is frozen (docs/metrics.md, "Survey waves"): nothing is added to, changed in or moved into it, and
    // nothing is dated in a published month, so a figure once shown never changes. A wave not stored yet is new. An
    // answer exactly as stored (identity, team, score and time) changes nothing, so importing the same file again
    // still works (docs/ingestion.md).
    protected override async Task CheckTogetherAsync(IReadOnlyList<ParsedRow<SurveyAnswer>> rows, CsvImportServices services, CancellationToken cancellationToken)
    {
        var state = await services.Waves.StateAsync(cancellationToken);
        var refusals = new List<(ParsedRow<SurveyAnswer> Row, FieldError Error)>();
        foreach (var row in rows)
        {
            var answer = row.Record;
            if (state.Find(answer.Wave) is { } wave && wave.IsClosed(state.Now))
            {
                refusals.Add((row, new FieldError(answer.SurveyId.Length > 0 ? "survey_id" : "date",
                    $"survey wave '{answer.Wave}' closed on {wave.ClosesAt:yyyy-MM-dd HH:mm} UTC and its figures are published: it takes no more answers " +
                    "(import them under a new survey id)")));
            }
            else if (state.PublishedMonths.Contains(answer.Month))
            {
                refusals.Add((row, new FieldError("date",
                    $"{answer.Month:yyyy-MM} is published (every survey wave dated in it is closed): answers dated in it can no longer be added")));
            }
        }
        var unchanged = await StoredAsync(refusals.Select(r => r.Row.Record).ToList(), services, cancellationToken);
        foreach (var (row, error) in refusals.Where(r => !unchanged.Contains(Stored.Of(r.Row.Record))))
        {
            row.Errors.Add(error);
        }
    }

    /// <summary>Which of these answers are stored exactly so.</summary>
    private static async Task<HashSet<Stored>> StoredAsync(IReadOnlyList<SurveyAnswer> answers, CsvImportServices services, CancellationToken cancellationToken)
    {
        if (answers.Count == 0)
        {
            return [];
        }
        var rows = await services.Store.QueryAsync<StoredRow>(
            "SELECT survey_id, respondent_hash, team, question, toInt32(score) AS score, answered_at FROM survey_responses FINAL WHERE respondent_hash IN {hashes:Array(String)}",
            QueryParameters.From(("hashes", answers.Select(a => a.RespondentHash).Distinct().ToArray())), cancellationToken);
        var wanted = answers.Select(Stored.Of).ToHashSet();
        return rows.Select(r => new Stored(r.SurveyId, r.RespondentHash, r.Team, r.Question, r.Score, r.AnsweredAt.ToUnixTimeMilliseconds())).Where(wanted.Contains).ToHashSet();
    }

    private sealed record StoredRow(string SurveyId, string RespondentHash, string Team, string Question, int Score, DateTimeOffset AnsweredAt);

    private sealed record Stored(string SurveyId, string RespondentHash, string Team, string Question, int Score, long AnsweredAtMs)
    {
        public static Stored Of(SurveyAnswer a) => new(a.SurveyId, a.RespondentHash, a.Team, a.Question, a.Score, a.AnsweredAt.ToUnixTimeMilliseconds());
    }

    // The answer's identity, as the table's sort key has it (migration 0014): the same person answering the same
    // question twice in one survey (or, without a survey id, on one UTC day) is a duplicate. The message names the
    // question and survey but never the respondent.
    protected override (string, string, string)? NaturalKey(SurveyAnswer record) =>
        ("respondent_id", record.IdentityKey,
            $"an answer by the same respondent to '{record.Question}'{(record.SurveyId.Length > 0 ? $" in survey '{record.SurveyId}'" : $" on {record.AnsweredAt.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)} (UTC)")}");

    protected override string TeamOf(SurveyAnswer record) => record.Team;

    protected override object?[] ToRow(SurveyAnswer record, string source) => record.ToRow(source);
}

internal sealed class ServiceRequestsCsvFormat : TeamEventCsvFormat<ServiceRequestEvent>
{
    public override string Name => "service-requests";
    public override IReadOnlyList<string> Aliases => ["service_requests"];
    public override IReadOnlyList<FieldSpec> Fields => ServiceRequestEvent.Fields;
    public override string Target => ServiceRequestEvent.Table;
    protected override IReadOnlyList<string> Columns => ServiceRequestEvent.Columns;
    protected override StoredEventIdentity Identity => StoredEventIdentity.ServiceRequests;

    protected override ServiceRequestEvent Parse(RecordReader reader, CsvImportServices services) => ServiceRequestEvent.Parse(reader);

    protected override (string, string, string)? NaturalKey(ServiceRequestEvent record) =>
        ("request_id", record.RequestId, $"request_id '{record.RequestId}'");

    protected override (string Id, string Group, DateTimeOffset Start) IdentityOf(ServiceRequestEvent record) => (record.RequestId, record.Team, record.RequestedAt);

    protected override string TeamOf(ServiceRequestEvent record) => record.Team;

    protected override object?[] ToRow(ServiceRequestEvent record, string source) => record.ToRow(source);
}
