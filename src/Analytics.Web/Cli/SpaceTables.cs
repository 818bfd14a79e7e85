using System.Globalization;
using Analytics.Core.Space;
using Analytics.Storage.Metrics;
using Analytics.Web.Utils;
using Spectre.Console;

namespace Analytics.Web.Cli;

/// <summary>The <c>space</c> figures as console tables: short cells, a withheld score said so with its reason under the table.</summary>
internal static class SpaceTables
{
    /// <summary>Short, so tables stay readable; the reasons are spelt out under the table.</summary>
    private static string Withheld(SuppressionReason reason) => reason switch
    {
        SuppressionReason.FewerThanMinimum => "withheld: < K",
        SuppressionReason.ProtectsSmallGroup => "withheld: protects",
        _ => "withheld: month",
    };

    public static void Satisfaction(SatisfactionResult result)
    {
        var questions = result.Organisation.Likert.Select(l => l.Question).ToList();
        var table = new FittedTable { Alternative = "use --format csv" }.Columns(["Team", "Month", "Respondents", "NPS", .. questions.Select(q => $"{q} (mean)")]);
        foreach (var group in new[] { result.Organisation }.Concat(result.Teams).Concat(result.OrganisationByMonth).Concat(result.TeamsByMonth))
        {
            table.AddRow([
                Figures.TeamName(group.Team),
                group.Month is { } month ? (Figures.Bucket(month.ToString("yyyy-MM", CultureInfo.InvariantCulture), group.Partial)) : "period",
                group.Respondents.ToString(CultureInfo.InvariantCulture),
                group.Nps.Suppressed ? Withheld(group.Nps.SuppressedBecause) : Score(group.Nps.Score, group.Nps.LowConfidence),
                .. questions.Select(q => group.Question(q) is { } l ? (l.Suppressed ? Withheld(l.SuppressedBecause) : Score(l.Mean, l.LowConfidence)) : "—"),
            ]);
        }
        AnsiConsole.MarkupLineInterpolated($"Survey months {result.From:yyyy-MM-dd} to {result.To.AddDays(-1):yyyy-MM-dd}; scores need {result.MinimumRespondents} respondents.");
        table.Write();
        AnsiConsole.MarkupLine("[grey]withheld: < K = fewer respondents than the minimum; protects = would reveal a smaller group by subtraction; month = one of its months is withheld.[/]");
        AnsiConsole.MarkupLineInterpolated($"Participation: {Figures.Percent(result.Participation.Rate)} ({result.Participation.Respondents} answers of {result.Participation.Headcount} invited, {result.Participation.Surveys} surveys)");
    }

    private static string Score(double? value, bool lowConfidence) =>
        value is { } v ? v.ToString("0.0", CultureInfo.InvariantCulture) + (lowConfidence ? " (low n)" : "") : "—";

    private static string PerEngineer(double? value) => value is { } v ? v.ToString("0.00", CultureInfo.InvariantCulture) : "—";

    public static void Activity(TeamBreakdown<ActivityFigure> result)
    {
        var table = new FittedTable { Alternative = "use --format csv" }.Columns("Team", "Headcount", "Deployments (per eng.)", "Merged PRs (per eng.)", "Reviews (per eng.)", "Service requests (per eng.)");
        foreach (var a in result.Teams.Prepend(result.Organisation))
        {
            table.AddRow(Figures.TeamName(a.Team), Figures.Number(a.Headcount),
                $"{a.Deployments} ({PerEngineer(a.DeploymentsPerEngineer)})", $"{a.MergedPullRequests} ({PerEngineer(a.MergedPullRequestsPerEngineer)})",
                $"{a.Reviews} ({PerEngineer(a.ReviewsPerEngineer)})", $"{a.ServiceRequests} ({PerEngineer(a.ServiceRequestsPerEngineer)})");
        }
        table.Write();
    }

    public static void Collaboration(TeamBreakdown<CollaborationFigure> result)
    {
        var table = new FittedTable { Alternative = "use --format csv" }.Columns("Team", "Review pickup (median, n)", "Cross-team reviews (n)", "Distinct reviewers per PR (n)");
        foreach (var c in result.Teams.Prepend(result.Organisation))
        {
            table.AddRow(Figures.TeamName(c.Team), $"{Figures.Duration(c.Pickup.Median)} ({c.Pickup.Measured})",
                $"{Figures.Percent(c.CrossTeamShare)} ({c.ReviewsGiven})", $"{PerEngineer(c.DistinctReviewersPerPullRequest)} ({c.PullRequests})");
        }
        table.Write();
    }

    public static void Flow(TeamBreakdown<FlowFigure> result)
    {
        static string Likert(LikertFigure? figure) => figure is null ? "—" : figure.Suppressed ? Withheld(figure.SuppressedBecause) : Score(figure.Mean, figure.LowConfidence);
        var table = new FittedTable { Alternative = "use --format csv" }.Columns("Team", "Open PRs at end (per eng.)", "Flow (1–5)", "Interruptions (1–5)");
        foreach (var f in result.Teams.Prepend(result.Organisation))
        {
            table.AddRow(Figures.TeamName(f.Team), $"{f.OpenPullRequests} ({PerEngineer(f.OpenPullRequestsPerEngineer)})", Likert(f.Flow), Likert(f.Interruptions));
        }
        table.Write();
    }

    public static void Adoption(SpaceCommand.AdoptionReport report)
    {
        var table = new FittedTable { Alternative = "use --format csv" }.Columns("Team", "Golden path (active services)", "On latest template version", "Self-service ratio", "Self-service success", "Self-service / ticket median", "Time to first deploy (joiners)");
        var teams = report.GoldenPath.Teams.Select(t => t.Team).Concat(report.SelfService.Teams.Select(t => t.Team)).Concat(report.FirstDeploy.Teams.Select(t => t.Team))
            .Distinct().Order(StringComparer.Ordinal).Prepend("");
        foreach (var team in teams)
        {
            var golden = team == "" ? report.GoldenPath.Organisation : report.GoldenPath.Teams.FirstOrDefault(t => t.Team == team);
            var currency = report.Templates.Figure(team, "");
            var self = team == "" ? report.SelfService.Organisation : report.SelfService.Teams.FirstOrDefault(t => t.Team == team);
            var first = team == "" ? report.FirstDeploy.Organisation : report.FirstDeploy.Teams.FirstOrDefault(t => t.Team == team);
            table.AddRow(Figures.TeamName(team),
                golden is null ? "—" : $"{Figures.Percent(golden.Rate)} ({golden.ActiveServices})",
                currency is null ? "—" : $"{Figures.Percent(currency.LatestShare)} ({currency.Services})",
                self is null ? "—" : $"{Figures.Percent(self.SelfServiceRatio)} ({self.Fulfilled})",
                self is null ? "—" : $"{Figures.Percent(self.SelfServiceSuccessRate)} ({self.SelfServiceFailed} failed)",
                self is null ? "—" : $"{Figures.Duration(self.SelfService.Median)} / {Figures.Duration(self.Ticket.Median)}",
                first is null ? "—" : $"{Figures.Duration(first.Median)} ({first.Joiners})");
        }
        table.Write();
    }

    public static void Roi(RoiResult roi) => Roi(roi, AnsiConsole.Console);

    /// <summary>
    /// The ROI in the dashboard panel's words (PlatformPanels.razor): each key named as <see cref="Figures.RoiKeyName"/>
    /// names it, which way is better, teams by <see cref="Figures.TeamName"/>; the CSV keeps the identifiers.
    /// </summary>
    internal static void Roi(RoiResult roi, IAnsiConsole console)
    {
        var a = roi.Assumptions;
        var table = new FittedTable { Alternative = "use --format csv" }.Columns("Key", "Effect of adoption", "90% interval", "Pre-trend", "Adopting teams (n)", "Control teams", "Usable resamples");
        foreach (var e in roi.Dora)
        {
            string Effect(double? value) => StackedDifferenceInDifferences.Describe(e.Key, value);
            table.AddRow(Figures.RoiKeyName(e.Key, roi.LeadTimeUnit),
                $"{Effect(e.Estimate)} {(e.HigherIsBetter ? "(higher is better)" : "(lower is better)")}{(e.TooFewTeams ? " (low confidence)" : "")}",
                e.Lower is { } lo && e.Upper is { } hi ? $"{Effect(lo)} to {Effect(hi)}" : e.TooFewTeams && e.Estimate is not null ? "too few teams" : "—",
                Effect(e.PreTrend), e.Adopters.ToString(CultureInfo.InvariantCulture), e.ControlTeams.ToString(CultureInfo.InvariantCulture),
                e.TooFewTeams ? "—" : $"{e.UsableResamples} of {e.Resamples}");
        }
        table.Write(console);
        foreach (var e in roi.Dora)
        {
            console.MarkupLineInterpolated($"{Figures.RoiKeyName(e.Key, roi.LeadTimeUnit)}: {e.Verdict}");
        }
        var s = roi.Savings;
        console.MarkupLineInterpolated(
            $"Self-service ({s.SelfServiceRequests} requests fulfilled; kinds: {(a.RequestKinds.Count == 0 ? "all" : string.Join(", ", a.RequestKinds))}): waiting time avoided {(s.WaitingAvoidedHours is { } w ? w.ToString("N1", CultureInfo.InvariantCulture) + " h" : "—")} (calendar, not priced; {s.RequestsWithoutComparison} requests without a ticket of their kind to compare with); effort saved {s.EffortSavedHours.ToString("N1", CultureInfo.InvariantCulture)} h ≈ {s.Cost.ToString("N0", CultureInfo.InvariantCulture)} {a.Currency} (ticket effort {a.DefaultTicketEffortHours.ToString(CultureInfo.InvariantCulture)} h{string.Concat(a.TicketEffortHours.Select(p => $", {p.Key} {p.Value.ToString(CultureInfo.InvariantCulture)} h"))}, self-service effort {a.SelfServiceEffortHours.ToString(CultureInfo.InvariantCulture)} h, {a.HourlyCost.ToString(CultureInfo.InvariantCulture)} {a.Currency} an hour)");
        console.MarkupLineInterpolated($"Adopted from the first month with {(a.AdoptionThreshold * 100).ToString("0.#", CultureInfo.InvariantCulture)}% of active services on a golden-path template; {a.Months} months before/after.");
        foreach (var excluded in roi.Excluded)
        {
            console.MarkupLineInterpolated($"[grey]Left out: {Figures.TeamName(excluded.Team)} (adopted {excluded.AdoptionMonth:yyyy-MM}): {excluded.Reason}[/]");
        }
    }
}
