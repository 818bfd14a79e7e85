using Analytics.Core.Calendar;
using Analytics.Core.Space;
using Analytics.Storage.Metrics;

namespace Analytics.Ingestors.Csv;

/// <summary>
/// The event records CSV files and the push API carry, with their field rules, written once for both. Field names
/// are the ClickHouse column names; each record's natural id is the key its table deduplicates on.
/// </summary>
public sealed record DeploymentEvent(
    string DeploymentId, string Service, string Environment, string Status, string Kind, string RelatedDeploymentId,
    string Repository, string Sha, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt, string Url)
{
    public const string Table = "deployments";

    /// <summary>
    /// A stated kind wins over what the data shows; an empty or missing kind is not stated (''), and the derived table
    /// works it out like a pulled deployment's (docs/metrics.md, "Deployment kinds").
    /// </summary>
    public const string KindNotStated = "";

    public static readonly string[] Statuses = ["success", "failure", "error", "in_progress", "queued", "cancelled"];
    public static readonly string[] Kinds = ["normal", "hotfix", "rollback", "revert"];
    private static readonly string[] Unfinished = ["in_progress", "queued"];

    public static readonly FieldSpec[] Fields =
    [
        new("deployment_id", true), new("service", true), new("environment", true), new("status", true), new("kind", false),
        new("related_deployment_id", false), new("repository", false), new("sha", false), new("started_at", true),
        new("finished_at", false), new("url", false), new("ref", false),
    ];

    public static readonly string[] Columns =
        ["deployment_id", "service", "environment", "status", "kind", "related_deployment_id", "repository", "sha", "started_at", "finished_at", "url", "source", "ref"];

    /// <summary>The branch or tag deployed (refs/heads/…, refs/tags/…, or a bare name), for the hotfix rules.</summary>
    public string Ref { get; init; } = "";

    public static DeploymentEvent Parse(RecordReader reader)
    {
        var record = new DeploymentEvent(
            reader.Text("deployment_id", 200), reader.Slug("service"), reader.Text("environment", 100),
            reader.Choice("status", Statuses), reader.Choice("kind", Kinds, KindNotStated), reader.OptionalText("related_deployment_id", 200),
            reader.OptionalText("repository", 200), reader.OptionalText("sha", 64), reader.Timestamp("started_at"),
            reader.OptionalTimestamp("finished_at"), reader.OptionalText("url")) { Ref = reader.OptionalText("ref", 300) };
        reader.NotBefore("finished_at", record.FinishedAt, "started_at", record.StartedAt);
        if (record.Status == "success" && record.FinishedAt is null)
        {
            // Without it the deployment could never count as a production deployment: it would be silently lost.
            reader.Fail("finished_at", "is required when status is success");
        }
        if (Unfinished.Contains(record.Status) && record.FinishedAt is not null)
        {
            reader.Fail("finished_at", $"is set, but status {record.Status} means the deployment has not finished");
        }
        return record;
    }

    public object?[] ToRow(string source) =>
        [DeploymentId, Service, Environment, Status, Kind, RelatedDeploymentId, Repository, Sha, StartedAt, FinishedAt, Url, source, Ref];
}

public sealed record IncidentEvent(
    string IncidentId, string Service, string Severity, string Title, DateTimeOffset StartedAt, DateTimeOffset? ResolvedAt,
    string CausedByDeploymentId, string Url)
{
    public const string Table = Runs.EventKey.IncidentsTable;

    public static readonly string[] Severities = ["sev1", "sev2", "sev3", "sev4", "sev5"];

    public static readonly FieldSpec[] Fields =
    [
        new("incident_id", true), new("service", true), new("severity", true), new("title", false), new("started_at", true),
        new("resolved_at", false), new("caused_by_deployment_id", false), new("url", false),
    ];

    public static readonly string[] Columns =
        ["incident_id", "service", "severity", "title", "started_at", "resolved_at", "caused_by_deployment_id", "url", "source"];

    public static IncidentEvent Parse(RecordReader reader)
    {
        var record = new IncidentEvent(
            reader.Text("incident_id", 200), reader.Slug("service"), reader.Choice("severity", Severities),
            reader.OptionalText("title", 500, multiline: true), reader.Timestamp("started_at"), reader.OptionalTimestamp("resolved_at"),
            reader.OptionalText("caused_by_deployment_id", 200), reader.OptionalText("url"));
        reader.NotBefore("resolved_at", record.ResolvedAt, "started_at", record.StartedAt);
        return record;
    }

    public object?[] ToRow(string source) =>
        [IncidentId, Service, Severity, Title, StartedAt, ResolvedAt, CausedByDeploymentId, Url, source];
}

/// <summary>One answer of one respondent. The respondent id is hashed while parsing; only the hash leaves this record.</summary>
public sealed record SurveyAnswer(string SurveyId, string RespondentHash, string Team, string Question, short Score, DateTimeOffset AnsweredAt)
{
    public const string Table = "survey_responses";

    /// <summary>The one question scored 0–10 (Net Promoter Score); every other question is a 1–5 Likert item.</summary>
    public const string NetPromoterQuestion = "nps";

    public static readonly FieldSpec[] Fields =
    [
        new("survey_id", false), new("respondent_id", true, Secret: true), new("team", true), new("date", true),
        new("question", true), new("score", true),
    ];

    public static readonly string[] Columns = ["survey_id", "respondent_hash", "team", "question", "score", "answered_at", "source"];

    /// <summary>The scores a question takes: 0–10 for <see cref="NetPromoterQuestion"/>, 1–5 (Likert) for every other.</summary>
    public static (int Min, int Max) ScaleOf(string question) => question == NetPromoterQuestion ? (0, 10) : (1, 5);

    /// <param name="calendar">The organisation's months: a plain date is that day in its time zone, so the answer counts in that day's month.</param>
    public static SurveyAnswer Parse(RecordReader reader, RespondentHasher hasher, MonthGrid calendar)
    {
        var respondentId = reader.Text("respondent_id", 200);
        var question = reader.Slug("question");
        var (min, max) = ScaleOf(question);
        var score = reader.Integer("score", min, max);
        var (surveyId, team, answeredAt) = (reader.OptionalText("survey_id", 100), reader.Slug("team"), reader.Date("date", zone: calendar));
        // Keyed per wave: the survey, or the answer's month when it names none (SurveyWaves.WaveOf).
        var wave = SurveyWaves.WaveOf(surveyId, calendar.MonthOf(answeredAt));
        return new SurveyAnswer(surveyId, respondentId.Length == 0 ? "" : hasher.Hash(respondentId, wave), team, question, (short)score, answeredAt)
        {
            Wave = wave,
            Month = calendar.MonthOf(answeredAt),
        };
    }

    /// <summary>The wave the answer belongs to (SurveyWaves.WaveOf), and its month in the organisation's calendar.</summary>
    public string Wave { get; init; } = "";

    public DateOnly Month { get; init; }

    public object?[] ToRow(string source) => [SurveyId, RespondentHash, Team, Question, Score, AnsweredAt, source];

    /// <summary>
    /// What makes an answer the same answer, as survey_responses' sort key has it (migration 0014): the survey, the
    /// question and the respondent; the UTC day as well for an answer without a survey id. The team is not part of it,
    /// so a corrected file that moves an answer to another team replaces the stored answer instead of adding one.
    /// </summary>
    public string IdentityKey => SurveyId.Length > 0
        ? $"{SurveyId}|{Question}|{RespondentHash}"
        : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"|{Question}|{RespondentHash}|{AnsweredAt.UtcDateTime:yyyy-MM-dd}");
}

/// <param name="Status">open, fulfilled, failed or cancelled (<see cref="Statuses"/>); stated, or told by <paramref name="FulfilledAt"/>.</param>
/// <param name="ClosedAt">When it was fulfilled, failed or was cancelled; null while open. A fulfilled one's is its fulfilment time unless stated.</param>
public sealed record ServiceRequestEvent(
    string RequestId, string Team, string Kind, string Channel, DateTimeOffset RequestedAt, DateTimeOffset? FulfilledAt, string Status, DateTimeOffset? ClosedAt)
{
    public const string Table = "service_requests";

    public static readonly string[] Channels = ["self_service", "ticket"];

    /// <summary>A request's outcome; failed and cancelled ones never count as fulfilled (docs/metrics.md, "Self-service").</summary>
    public static readonly string[] Statuses = ["open", "fulfilled", "failed", "cancelled"];

    public static readonly FieldSpec[] Fields =
    [
        new("request_id", true), new("team", true), new("kind", true), new("channel", true), new("requested_at", true), new("fulfilled_at", false),
        new("status", false), new("closed_at", false),
    ];

    public static readonly string[] Columns = ["request_id", "team", "kind", "channel", "requested_at", "fulfilled_at", "status", "closed_at", "source"];

    /// <summary>
    /// Without <c>status</c>, a request with <c>fulfilled_at</c> is fulfilled and one without is open (the format before
    /// the column). A fulfilled one needs <c>fulfilled_at</c>; an open, failed or cancelled one has none; an open one has
    /// no <c>closed_at</c>. Neither time is before <c>requested_at</c>.
    /// </summary>
    public static ServiceRequestEvent Parse(RecordReader reader)
    {
        var fulfilledAt = reader.OptionalTimestamp("fulfilled_at");
        var status = reader.Choice("status", Statuses, fulfilledAt is null ? "open" : "fulfilled");
        var closedAt = reader.OptionalTimestamp("closed_at");
        var record = new ServiceRequestEvent(
            reader.Text("request_id", 200), reader.Slug("team"), reader.Slug("kind"), reader.Choice("channel", Channels),
            reader.Timestamp("requested_at"), fulfilledAt, status, closedAt ?? (status == "fulfilled" ? fulfilledAt : null));
        if (status == "fulfilled" && fulfilledAt is null)
        {
            reader.Fail("fulfilled_at", "is required for a fulfilled request (status fulfilled)");
        }
        else if (status != "fulfilled" && fulfilledAt is not null)
        {
            reader.Fail("fulfilled_at", $"must be empty for a request that is {status} (a {status} request was never fulfilled)");
        }
        if (status == "open" && closedAt is not null)
        {
            reader.Fail("closed_at", "must be empty for an open request");
        }
        reader.NotBefore("fulfilled_at", record.FulfilledAt, "requested_at", record.RequestedAt);
        reader.NotBefore("closed_at", closedAt, "requested_at", record.RequestedAt);
        return record;
    }

    public object?[] ToRow(string source) => [RequestId, Team, Kind, Channel, RequestedAt, FulfilledAt, Status, ClosedAt, source];
}
