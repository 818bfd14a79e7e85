using Analytics.Core.Calendar;

namespace Analytics.Core.Space;

/// <summary>Names of the survey questions the product reads; every other question is a Likert question (1–5).</summary>
public static class SurveyQuestions
{
    /// <summary>"How likely are you to recommend working here?" 0–10.</summary>
    public const string Nps = "nps";

    public const string Satisfaction = "satisfaction";

    /// <summary>Self-reported flow (higher = more time in flow).</summary>
    public const string Flow = "flow";

    /// <summary>Self-reported interruptions (higher = interrupted more).</summary>
    public const string Interruptions = "interruptions";

    public static bool IsValidScore(string question, int score) =>
        question == Nps ? score is >= 0 and <= 10 : score is >= 1 and <= 5;
}

/// <summary>
/// Developer NPS of one group: % promoters (9–10) − % detractors (0–6) over its answers, −100 to 100.
/// When <see cref="Suppressed"/>, every value is null; the counts of respondents and answers stay.
/// </summary>
/// <param name="Respondents">n: distinct respondents who answered (one person counts once however many surveys they answered).</param>
/// <param name="Responses">Answers counted (a person answers once per survey).</param>
public sealed record NpsFigure(
    long Respondents,
    long Responses,
    double? Score,
    double? PromoterShare,
    double? DetractorShare,
    SuppressionReason SuppressedBecause)
{
    public bool Suppressed => SuppressedBecause != SuppressionReason.None;

    /// <summary>n is below MetricOptions.MinimumSample: shown, flagged.</summary>
    public bool LowConfidence { get; init; }
}

/// <summary>A Likert question (1–5) for one group: mean and how many answered each score. Null values when suppressed.</summary>
/// <param name="Distribution">
/// Answers scoring 1, 2, 3, 4 and 5 (five counts), or null when suppressed, empty, or <see cref="DistributionWithheld"/>.
/// </param>
public sealed record LikertFigure(
    string Question,
    long Respondents,
    long Responses,
    double? Mean,
    IReadOnlyList<long>? Distribution,
    SuppressionReason SuppressedBecause)
{
    public bool Suppressed => SuppressedBecause != SuppressionReason.None;

    public bool LowConfidence { get; init; }

    /// <summary>The figure is shown but its distribution is not: it would let an answer be attributed (SurveyPrivacy.DistributionWithheld).</summary>
    public bool DistributionWithheld { get; init; }
}

/// <summary>The survey figures of one group: the organisation (Team "") or a team, over the whole period (Month null) or one month.</summary>
/// <param name="Respondents">Distinct respondents to any question.</param>
public sealed record SurveyGroup(string Team, DateOnly? Month, long Respondents, NpsFigure Nps, IReadOnlyList<LikertFigure> Likert)
{
    public LikertFigure? Question(string question) => Likert.FirstOrDefault(l => l.Question == question);

    /// <summary>A month not over yet (<see cref="Calendar.PartialBuckets"/>; survey windows are whole months, so only now cuts one); false for the period.</summary>
    public bool Partial { get; init; }
}

/// <summary>
/// Participation in one survey: distinct respondents ÷ headcount (memberships at the survey's opening, the first answer
/// to it). Counts who answered, never what; shown for every group.
/// </summary>
public sealed record SurveyParticipation(string SurveyId, DateTimeOffset OpenedAt, string Team, long Respondents, long Headcount)
{
    public double? Rate => Headcount == 0 ? null : Respondents / (double)Headcount;
}

/// <summary>Participation over the period: the surveys opened in it, pooled (Σ respondents ÷ Σ headcounts).</summary>
public sealed record ParticipationFigure(string Team, int Surveys, long Respondents, long Headcount)
{
    public double? Rate => Headcount == 0 ? null : Respondents / (double)Headcount;
}
