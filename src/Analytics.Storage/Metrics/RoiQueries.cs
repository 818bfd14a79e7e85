using Analytics.Core.Calendar;
using Analytics.Core.Dora;
using Analytics.Core.Space;
using Analytics.Storage.ClickHouse;
using Microsoft.Extensions.Options;

namespace Analytics.Storage.Metrics;

/// <summary>
/// What to compute the golden path's ROI over. Adoptions in [From, To) whose after-window ends by To are compared;
/// hours saved are over the requests fulfilled in [From, To). Null assumptions take Analytics:Space's values.
/// </summary>
public sealed record RoiRequest(DateTimeOffset From, DateTimeOffset To, int? Months = null, double? HourlyCost = null, IReadOnlyList<string>? RequestKinds = null)
{
    /// <summary>What a lead-time sample of the before/after windows is (<see cref="Core.Dora.LeadTimeUnit"/>); null = Analytics:Metrics:LeadTimeUnit.</summary>
    public string? LeadTimeUnit { get; init; }
}

/// <summary>
/// ROI of the golden path: each DORA key (the dora/*.sql definitions, all windows at once through dora/window_keys.sql) over the N months
/// before and after each team's adoption (roi/adoption_dates.sql) against the teams not yet adopted over the same
/// months — difference in differences with a seeded team bootstrap — and the hours self-service saved
/// (adoption/self_service.sql).
/// </summary>
public sealed class RoiQueries(
    IClickHouseStore store, SqlFiles sqlFiles, IOptions<MetricOptions> options, IOptions<SpaceOptions> spaceOptions, DoraQueries dora, AdoptionQueries adoption)
{
    public const double IntervalLevel = 0.9;

    public async Task<RoiResult> RoiAsync(RoiRequest request, CancellationToken cancellationToken = default)
    {
        if (request.To <= request.From)
        {
            throw new ArgumentException($"The period must end after it starts (from {request.From:O}, to {request.To:O}).", nameof(request));
        }
        var settings = SurveyQueries.ValidSpaceOptions(spaceOptions);
        var assumptions = new RoiAssumptions(
            request.Months ?? settings.RoiMonths,
            request.HourlyCost ?? settings.HourlyCost,
            settings.Currency,
            (request.RequestKinds ?? settings.SelfServiceKinds).Where(kind => !string.IsNullOrWhiteSpace(kind)).Select(kind => kind.Trim()).Distinct().Order(StringComparer.Ordinal).ToList(),
            settings.BootstrapResamples,
            settings.BootstrapSeed,
            IntervalLevel);
        if (assumptions.Months is < 1 or > 24)
        {
            throw new ArgumentOutOfRangeException(nameof(request), assumptions.Months, "The before and after windows must be 1 to 24 months long.");
        }
        if (!double.IsFinite(assumptions.HourlyCost) || assumptions.HourlyCost < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(request), assumptions.HourlyCost, "The hourly cost must be a finite amount of zero or more.");
        }

        var leadTimeUnit = dora.LeadTimeUnitOf(request.LeadTimeUnit);
        var (estimates, excluded) = await DifferenceInDifferencesAsync(request, assumptions, leadTimeUnit, cancellationToken);
        var (organisation, teams) = await HoursSavedAsync(request, assumptions, cancellationToken);
        return new RoiResult(request.From, request.To, assumptions, estimates, excluded, organisation, teams) { LeadTimeUnit = leadTimeUnit };
    }

    private async Task<(IReadOnlyList<DidEstimate>, IReadOnlyList<RoiExclusion>)> DifferenceInDifferencesAsync(
        RoiRequest request, RoiAssumptions assumptions, string leadTimeUnit, CancellationToken cancellationToken)
    {
        var grid = new MonthGrid(options.Value.TimeZone);
        var rows = await store.QueryAsync<AdoptionRow>(sqlFiles.Query("roi/adoption_dates"), cancellationToken: cancellationToken);
        var adopted = rows.Where(row => row.AdoptedAt is not null).ToDictionary(row => row.Team, row => row.AdoptedAt!.Value);
        var firstFullMonth = rows.Count == 0 ? request.To : grid.Ceiling(rows[0].DataStart);
        var months = assumptions.Months;

        var adopters = new List<(string Team, DateTimeOffset AdoptedAt, DateOnly BeforeFrom, DateOnly AdoptionMonth, DateOnly AfterFrom, DateOnly AfterTo)>();
        var excluded = new List<RoiExclusion>();
        foreach (var (team, adoptedAt) in adopted.Where(pair => pair.Value >= request.From && pair.Value < request.To).OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            var month = grid.MonthOf(adoptedAt);
            var window = (Team: team, AdoptedAt: adoptedAt, BeforeFrom: month.AddMonths(-months), AdoptionMonth: month, AfterFrom: month.AddMonths(1), AfterTo: month.AddMonths(1 + months));
            if (grid.Start(window.BeforeFrom) < firstFullMonth)
            {
                excluded.Add(new RoiExclusion(team, adoptedAt, $"the {months} months before adoption start before the first whole month of deployment data"));
            }
            else if (grid.Start(window.AfterTo) > request.To)
            {
                excluded.Add(new RoiExclusion(team, adoptedAt, $"the {months} months after the adoption month end after {request.To:yyyy-MM-dd}"));
            }
            else
            {
                adopters.Add(window);
            }
        }

        // Every adopter's before and after windows in one query, for every team at once.
        var windows = adopters.SelectMany(a => new[] { (From: a.BeforeFrom, To: a.AdoptionMonth), (From: a.AfterFrom, To: a.AfterTo) }).Distinct().ToList();
        var keys = await dora.WindowKeysAsync(windows.Select(w => (grid.Start(w.From), grid.Start(w.To))).ToList(), leadTimeUnit, cancellationToken);
        var keysByWindow = windows.Zip(keys).ToDictionary(pair => pair.First, pair => pair.Second);

        var observations = adopters.Select(a => (a.Team, a.AdoptedAt, a.BeforeFrom, a.AfterFrom, a.AfterTo,
                Before: keysByWindow[(a.BeforeFrom, a.AdoptionMonth)], After: keysByWindow[(a.AfterFrom, a.AfterTo)],
                Controls: rows.Select(row => row.Team)
                    .Where(team => team != a.Team && team != TeamAttribution.Unassigned && (!adopted.TryGetValue(team, out var at) || at >= grid.Start(a.AfterTo)))
                    .ToList()))
            .ToList();

        var estimates = new List<DidEstimate>();
        foreach (var key in Enum.GetValues<RoiKey>())
        {
            double? Value(IReadOnlyDictionary<string, DoraWindowKeys> window, string team) => KeyValue(key, window.GetValueOrDefault(team), months);
            var inputs = observations.Select(o => new DidAdopter(o.Team, Value(o.Before, o.Team), Value(o.After, o.Team),
                o.Controls.Select(c => new DidControl(c, Value(o.Before, c), Value(o.After, c))).ToList())).ToList();
            var did = DifferenceInDifferences.Estimate(inputs, assumptions.BootstrapResamples, assumptions.BootstrapSeed, assumptions.IntervalLevel);
            var effects = observations.Select((o, i) => new AdopterEffect(o.Team, o.AdoptedAt, o.BeforeFrom, o.AfterFrom, o.AfterTo,
                inputs[i].Before, inputs[i].After, did.Controls[i], did.ControlChanges[i], did.Effects[i])).ToList();
            estimates.Add(new DidEstimate(key, key == RoiKey.DeploymentsPerMonth, did.Estimate, did.Lower, did.Upper, did.Adopters, did.ControlTeams, effects)
            {
                LowConfidence = did.Adopters < options.Value.MinimumSample,
            });
        }
        return (estimates, excluded);
    }

    /// <summary>The key's value for a team over a window; deployments per month are 0 for a team without any, the others null.</summary>
    internal static double? KeyValue(RoiKey key, DoraWindowKeys? keys, int months) => key switch
    {
        RoiKey.DeploymentsPerMonth => (keys?.Deployments ?? 0) / (double)months,
        RoiKey.LeadTimeHours => keys?.LeadTimeMedian?.TotalHours,
        RoiKey.ChangeFailureRate => keys?.ChangeFailureRate,
        RoiKey.RecoveryHours => keys?.RecoveryMedian?.TotalHours,
        _ => throw new ArgumentOutOfRangeException(nameof(key), key, null),
    };

    private async Task<(HoursSavedFigure, IReadOnlyList<HoursSavedFigure>)> HoursSavedAsync(RoiRequest request, RoiAssumptions assumptions, CancellationToken cancellationToken)
    {
        var selfService = await adoption.SelfServiceAsync(new SpaceRequest(request.From, request.To), assumptions.RequestKinds, cancellationToken);
        var organisation = selfService.Organisation;
        var ticket = organisation.Ticket.Median;
        var self = organisation.SelfService.Median;
        double? perRequest = ticket is { } t && self is { } s ? (t - s).TotalHours : null;
        var minimum = options.Value.MinimumSample;
        var lowConfidence = organisation.Ticket.LowConfidence || organisation.SelfService.LowConfidence;
        HoursSavedFigure Figure(SelfServiceFigure figure)
        {
            var hours = perRequest * figure.SelfServiceFulfilled;
            return new HoursSavedFigure(figure.Team, figure.SelfServiceFulfilled, figure.Ticket.Fulfilled, ticket, self, hours, hours * assumptions.HourlyCost)
            {
                LowConfidence = lowConfidence || figure.SelfServiceFulfilled < minimum,
            };
        }
        return (Figure(organisation), selfService.Teams.Select(Figure).ToList());
    }

    private sealed record AdoptionRow(string Team, DateTimeOffset? AdoptedAt, DateTimeOffset DataStart);
}
