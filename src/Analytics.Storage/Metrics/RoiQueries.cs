using System.Globalization;
using Analytics.Core.Calendar;
using Analytics.Core.Dora;
using Analytics.Core.Space;
using Analytics.Storage.ClickHouse;
using Microsoft.Extensions.Options;

namespace Analytics.Storage.Metrics;

/// <summary>
/// What to compute the golden path's ROI over. Teams whose adoption month starts in [From, To) and whose after-window
/// ends by To are compared; savings are over the requests fulfilled in [From, To). Null assumptions take Analytics:Space's values.
/// </summary>
public sealed record RoiRequest(DateTimeOffset From, DateTimeOffset To, int? Months = null, double? HourlyCost = null, IReadOnlyList<string>? RequestKinds = null)
{
    /// <summary>What a lead-time sample of the windows is (<see cref="Core.Dora.LeadTimeUnit"/>); null = Analytics:Metrics:LeadTimeUnit.</summary>
    public string? LeadTimeUnit { get; init; }
}

/// <summary>
/// ROI of the golden path (docs/metrics.md, "ROI of the golden path"): adoption as a degree per team and month
/// (roi/adoption_degree.sql), each DORA key over every adopter's earlier, before and after windows (the dora/*.sql
/// definitions, all windows at once through dora/window_keys.sql), a stacked difference in differences against
/// comparable not-yet-treated controls with a team-clustered Bayesian bootstrap (<see cref="StackedDifferenceInDifferences"/>),
/// and what self-service saved from measured durations and configured efforts (roi/request_durations.sql).
/// </summary>
public sealed class RoiQueries(IClickHouseStore store, SqlFiles sqlFiles, IOptions<MetricOptions> options, IOptions<SpaceOptions> spaceOptions, DoraQueries dora)
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
            IntervalLevel,
            settings.RoiAdoptionThreshold,
            settings.RoiMinimumAdopters,
            settings.TicketEffort,
            new SortedDictionary<string, double>(settings.TicketEffortByKind, StringComparer.Ordinal),
            settings.SelfServiceEffort);
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
        var (organisation, teams) = await SavingsAsync(request, assumptions, cancellationToken);
        return new RoiResult(request.From, request.To, assumptions, estimates, excluded, organisation, teams) { LeadTimeUnit = leadTimeUnit };
    }

    /// <summary>
    /// Each team's adoption month (roi/adoption_degree.sql): the first calendar month whose share of its active services
    /// on a golden-path template reaches <paramref name="threshold"/>, with that share, and the months it deployed in;
    /// and the first production deployment's finish.
    /// </summary>
    private async Task<(IReadOnlyList<TeamAdoption> Teams, DateTimeOffset? DataStart)> AdoptionRowsAsync(double threshold, CancellationToken cancellationToken)
    {
        var rows = await store.QueryAsync<DegreeRow>(sqlFiles.Query("roi/adoption_degree"), QueryParameters.From(("tz", options.Value.TimeZone)), cancellationToken);
        var teams = rows.GroupBy(row => row.Team, StringComparer.Ordinal).OrderBy(group => group.Key, StringComparer.Ordinal).Select(group =>
        {
            var adoption = group.OrderBy(row => row.Month).FirstOrDefault(row => row.Services > 0 && row.GoldenServices / (double)row.Services >= threshold);
            return new TeamAdoption(group.Key, adoption?.Month, adoption is null ? null : adoption.GoldenServices / (double)adoption.Services,
                group.Where(row => row.Deployments > 0).Select(row => row.Month).ToHashSet());
        }).ToList();
        return (teams, rows.Count == 0 ? null : rows[0].DataStart);
    }

    private async Task<(IReadOnlyList<DidEstimate>, IReadOnlyList<RoiExclusion>)> DifferenceInDifferencesAsync(
        RoiRequest request, RoiAssumptions assumptions, string leadTimeUnit, CancellationToken cancellationToken)
    {
        var grid = new MonthGrid(options.Value.TimeZone);
        var (teams, dataStart) = await AdoptionRowsAsync(assumptions.AdoptionThreshold, cancellationToken);
        var firstFullMonth = dataStart is { } start ? grid.MonthOf(grid.Ceiling(start)) : grid.MonthOf(request.To).AddMonths(1);
        var months = assumptions.Months;
        var firstMonth = grid.MonthOf(request.From);

        static bool ActiveThroughout(TeamAdoption team, DateOnly from, DateOnly to)
        {
            for (var month = from; month < to; month = month.AddMonths(1))
            {
                if (!team.ActiveMonths.Contains(month))
                {
                    return false;
                }
            }
            return true;
        }

        var adopters = new List<Window>();
        var excluded = new List<RoiExclusion>();
        foreach (var team in teams.Where(t => t.AdoptionMonth is { } m && m >= firstMonth && grid.Start(m) < request.To))
        {
            var month = team.AdoptionMonth!.Value;
            var window = new Window(team, month.AddMonths(-2 * months), month.AddMonths(-months), month, month.AddMonths(1), month.AddMonths(1 + months));
            if (window.BeforeFrom < firstFullMonth)
            {
                excluded.Add(new RoiExclusion(team.Team, month, $"the {months} months before adoption start before the first whole month of deployment data"));
            }
            else if (grid.Start(window.AfterTo) > request.To)
            {
                excluded.Add(new RoiExclusion(team.Team, month, $"the {months} months after the adoption month end after {request.To:yyyy-MM-dd}"));
            }
            else if (!ActiveThroughout(team, window.BeforeFrom, month) || !ActiveThroughout(team, window.AfterFrom, window.AfterTo))
            {
                excluded.Add(new RoiExclusion(team.Team, month, "the team did not deploy to production in every month of its before and after windows (created, dissolved or idle then)"));
            }
            else
            {
                adopters.Add(window);
            }
        }

        // A control existed and deployed in every month of both windows and was not yet on the golden path by the end of
        // the after-window; it takes part in the pre-trend only if it also deployed in every month of the earlier window.
        var stacks = adopters.Select(a => (Window: a, HasEarlier: a.EarlierFrom >= firstFullMonth && ActiveThroughout(a.Team, a.EarlierFrom, a.BeforeFrom),
                Controls: teams.Where(t => t.Team != a.Team.Team && (t.AdoptionMonth is null || t.AdoptionMonth >= a.AfterTo)
                        && ActiveThroughout(t, a.BeforeFrom, a.Month) && ActiveThroughout(t, a.AfterFrom, a.AfterTo))
                    .Select(t => (Team: t, HasEarlier: a.EarlierFrom >= firstFullMonth && ActiveThroughout(t, a.EarlierFrom, a.BeforeFrom))).ToList()))
            .ToList();

        // Every window of every adopter in one query, for every team at once.
        var windows = adopters.SelectMany(a => new[] { (From: a.EarlierFrom, To: a.BeforeFrom), (From: a.BeforeFrom, To: a.Month), (From: a.AfterFrom, To: a.AfterTo) })
            .Where(w => w.From >= firstFullMonth).Distinct().ToList();
        var keys = await dora.WindowKeysAsync(windows.Select(w => (grid.Start(w.From), grid.Start(w.To))).ToList(), leadTimeUnit, cancellationToken);
        var keysByWindow = windows.Zip(keys).ToDictionary(pair => pair.First, pair => pair.Second);

        var estimates = new List<DidEstimate>();
        foreach (var key in Enum.GetValues<RoiKey>())
        {
            double? Value(DateOnly from, DateOnly to, string team) =>
                keysByWindow.TryGetValue((from, to), out var window) ? KeyValue(key, window.GetValueOrDefault(team), months) : null;
            DidObservation Observation(Window a, string team, bool hasEarlier) => new(team,
                hasEarlier ? StackedDifferenceInDifferences.Scaled(key, Value(a.EarlierFrom, a.BeforeFrom, team)) : null,
                StackedDifferenceInDifferences.Scaled(key, Value(a.BeforeFrom, a.Month, team)),
                StackedDifferenceInDifferences.Scaled(key, Value(a.AfterFrom, a.AfterTo, team)));
            var inputs = stacks.Select(s => new DidStack(Observation(s.Window, s.Window.Team.Team, s.HasEarlier),
                s.Controls.Select(c => Observation(s.Window, c.Team.Team, c.HasEarlier)).ToList())).ToList();
            var did = StackedDifferenceInDifferences.Estimate(inputs, assumptions.BootstrapResamples, assumptions.BootstrapSeed, assumptions.IntervalLevel, assumptions.MinimumAdopters);
            var effects = stacks.Select((s, i) =>
            {
                var a = s.Window;
                return new AdopterEffect(a.Team.Team, a.Month, a.Team.AdoptionDegree!.Value, a.EarlierFrom, a.BeforeFrom, a.AfterFrom, a.AfterTo,
                    s.HasEarlier ? Value(a.EarlierFrom, a.BeforeFrom, a.Team.Team) : null, Value(a.BeforeFrom, a.Month, a.Team.Team), Value(a.AfterFrom, a.AfterTo, a.Team.Team),
                    did.Stacks[i].Controls, did.Stacks[i].ControlChange, did.Stacks[i].Effect, did.Stacks[i].PreTrend);
            }).ToList();
            double? Reported(double? value) => StackedDifferenceInDifferences.Reported(key, value);
            estimates.Add(new DidEstimate(key, key == RoiKey.DeploymentsPerMonth, StackedDifferenceInDifferences.Relative(key),
                Reported(did.Estimate), Reported(did.Lower), Reported(did.Upper), Reported(did.PreTrend), Reported(did.PreTrendLower), Reported(did.PreTrendUpper),
                did.Adopters, did.PreTrendAdopters, did.ControlTeams, did.Resamples, did.UsableResamples, did.TooFewTeams,
                Verdict(key, did, assumptions), effects));
        }
        return (estimates, excluded);
    }

    /// <summary>What the data supports for one key, in words: the pages, the CLI and the API say the same.</summary>
    internal static string Verdict(RoiKey key, DidResult did, RoiAssumptions assumptions)
    {
        string Amount(double? scaled) => StackedDifferenceInDifferences.Describe(key, StackedDifferenceInDifferences.Reported(key, scaled));
        if (did.Estimate is null)
        {
            return "No estimate: no adopting team has comparable before and after windows with at least one comparable control team.";
        }
        if (did.TooFewTeams)
        {
            return $"Too few teams for an interval: {did.Adopters} adopting team(s) with a comparison, fewer than {assumptions.MinimumAdopters}. " +
                   $"The point estimate ({Amount(did.Estimate)}) alone cannot tell an effect of the golden path from chance.";
        }
        var level = (assumptions.IntervalLevel * 100).ToString("0", CultureInfo.InvariantCulture);
        var words = $"{Amount(did.Estimate)} ({level}% interval {Amount(did.Lower)} to {Amount(did.Upper)}) over {did.Adopters} adopting and {did.ControlTeams} control teams";
        words += did.Lower <= 0 && did.Upper >= 0 ? "; the interval includes no change." : ".";
        if (did.PreTrendLower is { } low && did.PreTrendUpper is { } high)
        {
            words += low > 0 || high < 0
                ? $" Before adoption the adopters already moved apart from their controls (pre-trend {Amount(did.PreTrend)}): read the effect with care."
                : $" Pre-trend {Amount(did.PreTrend)} (interval {Amount(low)} to {Amount(high)}) is consistent with parallel trends.";
        }
        else
        {
            words += " Too few adopters have an earlier window to check the pre-adoption trend.";
        }
        return words;
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

    private async Task<(SavingsFigure, IReadOnlyList<SavingsFigure>)> SavingsAsync(RoiRequest request, RoiAssumptions assumptions, CancellationToken cancellationToken)
    {
        var rows = await store.QueryAsync<DurationRow>(sqlFiles.Query("roi/request_durations"), QueryParameters.From(
            ("from", request.From), ("to", request.To), ("kinds", assumptions.RequestKinds.ToArray())), cancellationToken);
        // The counterfactual wait of a self-service request is the organisation's mean ticket fulfilment of its kind
        // (sum of measured ticket durations ÷ their count), so teams add up to the organisation.
        var ticketMean = rows.Where(row => row.Team == "" && row.Channel == "ticket" && row.Measured > 0)
            .ToDictionary(row => row.Kind, row => row.SecondsSum / row.Measured, StringComparer.Ordinal);
        var minimum = options.Value.MinimumSample;
        SavingsFigure Figure(string team)
        {
            var own = rows.Where(row => row.Team == team).ToList();
            var selfService = own.Where(row => row.Channel == "self_service").ToList();
            double? waiting = null;
            long without = 0;
            double effort = 0;
            foreach (var row in selfService)
            {
                if (ticketMean.TryGetValue(row.Kind, out var mean))
                {
                    waiting = (waiting ?? 0) + ((row.Measured * mean) - row.SecondsSum) / 3600;
                }
                else
                {
                    without += row.Fulfilled;
                }
                effort += row.Fulfilled * (assumptions.TicketEffortOf(row.Kind) - assumptions.SelfServiceEffortHours);
            }
            var requests = selfService.Sum(row => row.Fulfilled);
            return new SavingsFigure(team, requests, own.Where(row => row.Channel == "ticket").Sum(row => row.Fulfilled), waiting, without, effort, effort * assumptions.HourlyCost)
            {
                LowConfidence = requests < minimum,
            };
        }
        return (Figure(""), rows.Select(row => row.Team).Where(team => team != "").Distinct().Order(StringComparer.Ordinal).Select(Figure).ToList());
    }

    private sealed record Window(TeamAdoption Team, DateOnly EarlierFrom, DateOnly BeforeFrom, DateOnly Month, DateOnly AfterFrom, DateOnly AfterTo);

    private sealed record DegreeRow(string Team, DateOnly Month, long Deployments, long Services, long GoldenServices, DateTimeOffset DataStart);

    private sealed record DurationRow(string Team, string Kind, string Channel, long Fulfilled, long Measured, double SecondsSum, long Negative);
}

/// <summary>A team's golden-path adoption: the first month its degree reached the threshold (null = never), that degree, and the months it deployed in.</summary>
public sealed record TeamAdoption(string Team, DateOnly? AdoptionMonth, double? AdoptionDegree, IReadOnlySet<DateOnly> ActiveMonths);
