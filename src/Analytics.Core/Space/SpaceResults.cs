namespace Analytics.Core.Space;

/// <summary>A figure for the organisation (Team "") and for each team, over [From, To).</summary>
public sealed record TeamBreakdown<T>(DateTimeOffset From, DateTimeOffset To, T Organisation, IReadOnlyList<T> Teams);

/// <summary>
/// Survey results over [From, To), which is the period asked for widened to whole calendar months. Every score of a
/// group with fewer than <see cref="MinimumRespondents"/> respondents — or one that would give such a group away —
/// is null and flagged; see <see cref="SurveyPrivacy"/>.
/// </summary>
/// <param name="OrganisationByMonth">Each month with answers.</param>
/// <param name="TeamsByMonth">Each team's months with answers.</param>
/// <param name="Surveys">Participation in each survey opened in the period, per team and for the organisation (Team "").</param>
public sealed record SatisfactionResult(
    DateTimeOffset From,
    DateTimeOffset To,
    int MinimumRespondents,
    SurveyGroup Organisation,
    IReadOnlyList<SurveyGroup> Teams,
    IReadOnlyList<SurveyGroup> OrganisationByMonth,
    IReadOnlyList<SurveyGroup> TeamsByMonth,
    ParticipationFigure Participation,
    IReadOnlyList<ParticipationFigure> TeamParticipation,
    IReadOnlyList<SurveyParticipation> Surveys)
{
    // The next two are for the pages' wording of the period; the API's answer (From, To and the months with answers) is unchanged.

    /// <summary>The calendar months of [From, To) (first days, in the organisation's time zone), first to last.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<DateOnly> Months { get; init; } = [];

    /// <summary>Months of the period with answers whose survey wave is still open: not published, so not counted yet.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IReadOnlyList<DateOnly> UnpublishedMonths { get; init; } = [];
}

/// <summary>Golden-path adoption over [From, To), in total and per calendar month (clipped to the period).</summary>
public sealed record GoldenPathResult(
    DateTimeOffset From,
    DateTimeOffset To,
    GoldenPathFigure Organisation,
    IReadOnlyList<GoldenPathFigure> Teams,
    IReadOnlyList<GoldenPathFigure> OrganisationByMonth,
    IReadOnlyList<GoldenPathFigure> TeamsByMonth);

/// <summary>Template version currency just before <see cref="To"/>, per team and template (Team "" / Template "" = all), and the services behind it.</summary>
public sealed record TemplateCurrencyResult(DateTimeOffset To, IReadOnlyList<TemplateCurrencyFigure> Figures, IReadOnlyList<ServiceTemplateVersion> Services)
{
    public TemplateCurrencyFigure? Figure(string team, string template) => Figures.FirstOrDefault(f => f.Team == team && f.Template == template);
}

/// <summary>An adopting team left out of the before/after comparison (AdoptionMonth: the first month at the threshold), and why.</summary>
public sealed record RoiExclusion(string Team, DateOnly AdoptionMonth, string Reason);

/// <summary>
/// ROI of the golden path: DORA keys before vs after adoption (stacked difference in differences) and what
/// self-service saved — waiting time avoided (calendar, not priced) and effort saved (priced).
/// </summary>
public sealed record RoiResult(
    DateTimeOffset From,
    DateTimeOffset To,
    RoiAssumptions Assumptions,
    IReadOnlyList<DidEstimate> Dora,
    IReadOnlyList<RoiExclusion> Excluded,
    SavingsFigure Savings,
    IReadOnlyList<SavingsFigure> TeamSavings)
{
    /// <summary>What a lead-time sample of the before and after windows was: "commit" or "pull-request" (Core.Dora.LeadTimeUnit).</summary>
    public string LeadTimeUnit { get; init; } = Core.Dora.LeadTimeUnit.Commit;
}
