using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Analytics.Core.Space;
using Analytics.Storage.Metrics;
using Analytics.Web.Utils;
using Spectre.Console;

namespace Analytics.Web.Cli;

/// <summary>
/// <c>analytics space satisfaction|activity|collaboration|flow|adoption|roi</c>: the SPACE, platform-adoption and ROI
/// figures for the organisation and every team, as a table, JSON or CSV. Survey scores are suppressed exactly as in the
/// API: a withheld score is empty (CSV), null (JSON) or "withheld" (table), with the reason, never the value.
/// </summary>
internal static class SpaceCommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true, Converters = { new JsonStringEnumConverter() } };

    public static Command Create()
    {
        var command = new Command("space", "Print SPACE (satisfaction, activity, collaboration, flow), platform adoption and ROI figures.");
        command.Subcommands.Add(Section("satisfaction", "Developer NPS, Likert questions and participation (suppressed below the survey minimum).",
            async (services, request, token) => await services.GetRequiredService<SurveyQueries>().SatisfactionAsync(request, token), WriteSatisfactionCsv, SatisfactionTable));
        command.Subcommands.Add(Section("activity", "Deployments, merged pull requests, reviews and service requests, per engineer.",
            async (services, request, token) => await services.GetRequiredService<SpaceQueries>().ActivityAsync(request, token), WriteActivityCsv, ActivityTable));
        command.Subcommands.Add(Section("collaboration", "Review pickup time, cross-team reviews and distinct reviewers per pull request.",
            async (services, request, token) => await services.GetRequiredService<SpaceQueries>().CollaborationAsync(request, token), WriteCollaborationCsv, CollaborationTable));
        command.Subcommands.Add(Section("flow", "Open pull requests per engineer at the end of the period; self-reported flow and interruptions.",
            async (services, request, token) => await services.GetRequiredService<SpaceQueries>().FlowAsync(request, token), WriteFlowCsv, FlowTable));
        command.Subcommands.Add(Section("adoption", "Golden-path adoption, template version currency, self-service and time to first deploy.",
            async (services, request, token) =>
            {
                var queries = services.GetRequiredService<AdoptionQueries>();
                return new AdoptionReport(
                    await queries.GoldenPathAsync(request, token), await queries.TemplateCurrencyAsync(request, token),
                    await queries.SelfServiceAsync(request, null, token), await queries.FirstDeployAsync(request, token));
            }, WriteAdoptionCsv, AdoptionTable));
        command.Subcommands.Add(RoiCommand());
        return command;
    }

    /// <summary>Everything <c>space adoption</c> prints.</summary>
    internal sealed record AdoptionReport(GoldenPathResult GoldenPath, TemplateCurrencyResult Templates, TeamBreakdown<SelfServiceFigure> SelfService, TeamBreakdown<FirstDeployFigure> FirstDeploy);

    private static Command Section<T>(string name, string description, Func<IServiceProvider, SpaceRequest, CancellationToken, Task<T>> query, Action<T, TextWriter> csv, Action<T> table)
    {
        var (days, from, to, team, format) = PeriodOptions(Period.DefaultDays);
        var command = new Command(name, description) { days, from, to, team, format };
        command.SetAction((result, cancellationToken) => AnalyticsCommandLine.WithServicesAsync(async (services, token) =>
        {
            var period = Period.Resolve(result.GetValue(from), result.GetValue(to), result.GetValue(days), services.GetRequiredService<TimeProvider>());
            var figures = await query(services, new SpaceRequest(period.From, period.To, result.GetValue(team)), token);
            Write(result.GetValue(format), figures, csv, table, period);
            return 0;
        }, cancellationToken));
        return command;
    }

    private static Command RoiCommand()
    {
        var (days, from, to, _, format) = PeriodOptions(Period.RoiDefaultDays);
        var months = new Option<int?>("--months") { Description = "Months compared before and after adoption (default Analytics:Space:RoiMonths, 3)." };
        var hourlyCost = new Option<double?>("--hourly-cost") { Description = "Cost of an engineer's hour for hours saved (default Analytics:Space:HourlyCost, 100)." };
        var kinds = new Option<string[]>("--kinds") { Description = "Service request kinds that count for hours saved (default: Analytics:Space:SelfServiceKinds, or every kind).", AllowMultipleArgumentsPerToken = true };
        var command = new Command("roi", "Golden-path ROI: DORA keys before vs after adoption (difference in differences) and hours saved by self-service.")
        {
            days, from, to, format, months, hourlyCost, kinds,
        };
        command.SetAction((result, cancellationToken) => AnalyticsCommandLine.WithServicesAsync(async (services, token) =>
        {
            var period = Period.Resolve(result.GetValue(from), result.GetValue(to), result.GetValue(days), services.GetRequiredService<TimeProvider>());
            var requestKinds = result.GetValue(kinds) is { Length: > 0 } given ? RequestKinds.Parse(given) : null;
            var roi = await services.GetRequiredService<RoiQueries>().RoiAsync(
                new RoiRequest(period.From, period.To, result.GetValue(months), result.GetValue(hourlyCost), requestKinds), token);
            Write(result.GetValue(format), roi, WriteRoiCsv, RoiTable, period);
            return 0;
        }, cancellationToken));
        return command;
    }

    private static (Option<int> Days, Option<DateTimeOffset?> From, Option<DateTimeOffset?> To, Option<string?> Team, Option<string> Format) PeriodOptions(int defaultDays)
    {
        var days = new Option<int>("--days") { Description = "Length of the period ending today (UTC midnight).", DefaultValueFactory = _ => defaultDays };
        var from = new Option<DateTimeOffset?>("--from") { Description = "Start of the period (ISO 8601); overrides --days." };
        var to = new Option<DateTimeOffset?>("--to") { Description = "End of the period, exclusive (ISO 8601; default today)." };
        var team = new Option<string?>("--team") { Description = "One team's figures (default: every team and the organisation)." };
        var format = new Option<string>("--format") { Description = "table, json or csv", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json", "csv");
        return (days, from, to, team, format);
    }

    private static void Write<T>(string? format, T figures, Action<T, TextWriter> csv, Action<T> table, Period period)
    {
        switch (format)
        {
            case "json":
                Console.WriteLine(JsonSerializer.Serialize(figures, Json));
                break;
            case "csv":
                csv(figures, Console.Out);
                break;
            default:
                AnsiConsole.MarkupLineInterpolated($"[bold]{period.From:yyyy-MM-dd} to {period.To.AddDays(-1):yyyy-MM-dd}[/]");
                table(figures);
                break;
        }
    }

    // ------------------------------------------------------------------ CSV: raw values, empty = no figure or withheld

    /// <summary>
    /// One row per group and question: scope (organisation, team, organisation_month, team_month), team, month, question,
    /// respondents, responses, score (NPS or Likert mean), shares, the five Likert counts, and why it is withheld.
    /// A withheld row has every value column empty.
    /// </summary>
    internal static void WriteSatisfactionCsv(SatisfactionResult result, TextWriter output)
    {
        var rows = new List<object?[]>();
        void Add(string scope, SurveyGroup group)
        {
            var nps = group.Nps;
            rows.Add([scope, Team(group.Team), group.Month, "nps", nps.Respondents, nps.Responses, nps.Score, nps.PromoterShare, nps.DetractorShare,
                null, null, null, null, null, Reason(nps.SuppressedBecause), nps.LowConfidence]);
            foreach (var likert in group.Likert)
            {
                var counts = likert.Distribution;
                rows.Add([scope, Team(group.Team), group.Month, likert.Question, likert.Respondents, likert.Responses, likert.Mean, null, null,
                    counts?[0], counts?[1], counts?[2], counts?[3], counts?[4], Reason(likert.SuppressedBecause), likert.LowConfidence]);
            }
        }
        Add("organisation", result.Organisation);
        result.Teams.ToList().ForEach(group => Add("team", group));
        result.OrganisationByMonth.ToList().ForEach(group => Add("organisation_month", group));
        result.TeamsByMonth.ToList().ForEach(group => Add("team_month", group));
        Csv.Write(output,
            ["scope", "team", "month", "question", "respondents", "responses", "score", "promoter_share", "detractor_share",
             "score_1", "score_2", "score_3", "score_4", "score_5", "suppressed", "low_confidence"],
            rows);
    }

    internal static void WriteActivityCsv(TeamBreakdown<ActivityFigure> result, TextWriter output) =>
        Csv.Write(output,
            ["team", "from", "to", "headcount", "deployments", "merged_pull_requests", "reviews", "service_requests",
             "deployments_per_engineer", "merged_pull_requests_per_engineer", "reviews_per_engineer", "service_requests_per_engineer", "low_confidence"],
            result.Teams.Prepend(result.Organisation).Select(a => new object?[]
            {
                Team(a.Team), result.From, result.To, a.Headcount, a.Deployments, a.MergedPullRequests, a.Reviews, a.ServiceRequests,
                a.DeploymentsPerEngineer, a.MergedPullRequestsPerEngineer, a.ReviewsPerEngineer, a.ServiceRequestsPerEngineer, a.LowConfidence,
            }));

    internal static void WriteCollaborationCsv(TeamBreakdown<CollaborationFigure> result, TextWriter output) =>
        Csv.Write(output,
            ["team", "from", "to", "pickup_n", "pickup_median_seconds", "reviews_given", "cross_team_reviews", "cross_team_share",
             "unknown_reviewer_team", "pull_requests", "distinct_reviewers_per_pull_request", "low_confidence"],
            result.Teams.Prepend(result.Organisation).Select(c => new object?[]
            {
                Team(c.Team), result.From, result.To, c.Pickup.Measured, c.Pickup.Median?.TotalSeconds, c.ReviewsGiven, c.CrossTeamReviews, c.CrossTeamShare,
                c.UnknownReviewerTeam, c.PullRequests, c.DistinctReviewersPerPullRequest, c.LowConfidence,
            }));

    internal static void WriteFlowCsv(TeamBreakdown<FlowFigure> result, TextWriter output) =>
        Csv.Write(output,
            ["team", "to", "open_pull_requests", "headcount", "open_pull_requests_per_engineer",
             "flow_respondents", "flow_mean", "flow_suppressed", "interruptions_respondents", "interruptions_mean", "interruptions_suppressed"],
            result.Teams.Prepend(result.Organisation).Select(f => new object?[]
            {
                Team(f.Team), result.To, f.OpenPullRequests, f.Headcount, f.OpenPullRequestsPerEngineer,
                f.Flow?.Respondents, f.Flow?.Mean, Reason(f.Flow?.SuppressedBecause), f.Interruptions?.Respondents, f.Interruptions?.Mean, Reason(f.Interruptions?.SuppressedBecause),
            }));

    /// <summary>Sections one after the other, each with its own header, separated by a blank line.</summary>
    internal static void WriteAdoptionCsv(AdoptionReport report, TextWriter output)
    {
        var g = report.GoldenPath;
        Csv.Write(output, ["section", "team", "month", "active_services", "golden_path_services", "golden_path_rate", "low_confidence"],
            new[] { g.Organisation }.Concat(g.Teams).Concat(g.OrganisationByMonth).Concat(g.TeamsByMonth)
                .Select(f => new object?[] { "golden_path", Team(f.Team), f.Month, f.ActiveServices, f.GoldenPathServices, f.Rate, f.LowConfidence }));
        output.WriteLine();
        Csv.Write(output, ["section", "team", "template", "services", "latest", "patch_behind", "minor_behind", "major_behind", "unknown", "latest_share"],
            report.Templates.Figures.Select(f => new object?[]
            {
                "template_currency", Team(f.Team), f.Template == "" ? "all" : f.Template, f.Services, f.Latest, f.PatchBehind, f.MinorBehind, f.MajorBehind, f.Unknown, f.LatestShare,
            }));
        output.WriteLine();
        Csv.Write(output, ["section", "team", "fulfilled", "self_service_fulfilled", "self_service_ratio", "self_service_median_seconds", "ticket_median_seconds", "low_confidence"],
            report.SelfService.Teams.Prepend(report.SelfService.Organisation).Select(f => new object?[]
            {
                "self_service", Team(f.Team), f.Fulfilled, f.SelfServiceFulfilled, f.SelfServiceRatio, f.SelfService.Median?.TotalSeconds, f.Ticket.Median?.TotalSeconds, f.LowConfidence,
            }));
        output.WriteLine();
        Csv.Write(output, ["section", "team", "joiners", "deployed", "median_seconds", "not_yet_deployed", "low_confidence"],
            report.FirstDeploy.Teams.Prepend(report.FirstDeploy.Organisation).Select(f => new object?[]
            {
                "time_to_first_deploy", Team(f.Team), f.Joiners, f.Deployed, f.Median?.TotalSeconds, f.NotYetDeployed, f.LowConfidence,
            }));
    }

    internal static void WriteRoiCsv(RoiResult roi, TextWriter output)
    {
        var a = roi.Assumptions;
        Csv.Write(output, ["section", "key", "team", "estimate", "lower", "upper", "adopters", "control_teams", "before", "after", "control_change", "low_confidence"],
            roi.Dora.SelectMany(e => e.Teams.Select(t => new object?[] { "adopter", e.Key, t.Team, t.Effect, null, null, null, t.Controls, t.Before, t.After, t.ControlChange, null })
                .Prepend(["difference_in_differences", e.Key, "", e.Estimate, e.Lower, e.Upper, e.Adopters, e.ControlTeams, null, null, null, e.LowConfidence])));
        output.WriteLine();
        Csv.Write(output, ["section", "team", "self_service_requests", "ticket_requests", "ticket_median_seconds", "self_service_median_seconds", "hours_saved", "cost_saved",
                "currency", "hourly_cost", "request_kinds", "months", "bootstrap_resamples", "bootstrap_seed", "interval_level"],
            roi.TeamHoursSaved.Prepend(roi.HoursSaved).Select(h => new object?[]
            {
                "hours_saved", Team(h.Team), h.SelfServiceRequests, h.TicketRequests, h.TicketMedian?.TotalSeconds, h.SelfServiceMedian?.TotalSeconds, h.Hours, h.Cost,
                a.Currency, a.HourlyCost, a.RequestKinds.Count == 0 ? "all" : string.Join(' ', a.RequestKinds), a.Months, a.BootstrapResamples, a.BootstrapSeed, a.IntervalLevel,
            }));
    }

    /// <summary>The organisation is "" in results; written out by name so a spreadsheet can tell it apart.</summary>
    private static string Team(string team) => team == "" ? "organisation" : team;

    private static string? Reason(SuppressionReason? reason) => reason is null or SuppressionReason.None ? null : reason.ToString();

    // ------------------------------------------------------------------ tables

    /// <summary>Short, so tables stay readable; the reasons are spelt out under the table.</summary>
    private static string Withheld(SuppressionReason reason) => reason switch
    {
        SuppressionReason.FewerThanMinimum => "withheld: < K",
        SuppressionReason.ProtectsSmallGroup => "withheld: protects",
        _ => "withheld: month",
    };

    private static void SatisfactionTable(SatisfactionResult result)
    {
        var questions = result.Organisation.Likert.Select(l => l.Question).ToList();
        var table = new Table().AddColumns(["Team", "Month", "Respondents", "NPS", .. questions.Select(q => $"{q} (mean)")]);
        foreach (var group in new[] { result.Organisation }.Concat(result.Teams).Concat(result.OrganisationByMonth).Concat(result.TeamsByMonth))
        {
            table.AddRow([
                Markup.Escape(Figures.TeamName(group.Team)),
                group.Month?.ToString("yyyy-MM", CultureInfo.InvariantCulture) ?? "period",
                group.Respondents.ToString(CultureInfo.InvariantCulture),
                group.Nps.Suppressed ? Withheld(group.Nps.SuppressedBecause) : Score(group.Nps.Score, group.Nps.LowConfidence),
                .. questions.Select(q => group.Question(q) is { } l ? (l.Suppressed ? Withheld(l.SuppressedBecause) : Score(l.Mean, l.LowConfidence)) : "—"),
            ]);
        }
        AnsiConsole.MarkupLineInterpolated($"Survey months {result.From:yyyy-MM-dd} to {result.To.AddDays(-1):yyyy-MM-dd}; scores need {result.MinimumRespondents} respondents.");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine("[grey]withheld: < K = fewer respondents than the minimum; protects = would reveal a smaller group by subtraction; month = one of its months is withheld.[/]");
        AnsiConsole.MarkupLineInterpolated($"Participation: {Figures.Percent(result.Participation.Rate)} ({result.Participation.Respondents} answers of {result.Participation.Headcount} invited, {result.Participation.Surveys} surveys)");
    }

    private static string Score(double? value, bool lowConfidence) =>
        value is { } v ? v.ToString("0.0", CultureInfo.InvariantCulture) + (lowConfidence ? " (low n)" : "") : "—";

    private static string PerEngineer(double? value) => value is { } v ? v.ToString("0.00", CultureInfo.InvariantCulture) : "—";

    private static void ActivityTable(TeamBreakdown<ActivityFigure> result)
    {
        var table = new Table().AddColumns("Team", "Headcount", "Deployments (per eng.)", "Merged PRs (per eng.)", "Reviews (per eng.)", "Service requests (per eng.)");
        foreach (var a in result.Teams.Prepend(result.Organisation))
        {
            table.AddRow(Markup.Escape(Figures.TeamName(a.Team)), Figures.Number(a.Headcount),
                $"{a.Deployments} ({PerEngineer(a.DeploymentsPerEngineer)})", $"{a.MergedPullRequests} ({PerEngineer(a.MergedPullRequestsPerEngineer)})",
                $"{a.Reviews} ({PerEngineer(a.ReviewsPerEngineer)})", $"{a.ServiceRequests} ({PerEngineer(a.ServiceRequestsPerEngineer)})");
        }
        AnsiConsole.Write(table);
    }

    private static void CollaborationTable(TeamBreakdown<CollaborationFigure> result)
    {
        var table = new Table().AddColumns("Team", "Review pickup (median, n)", "Cross-team reviews (n)", "Distinct reviewers per PR (n)");
        foreach (var c in result.Teams.Prepend(result.Organisation))
        {
            table.AddRow(Markup.Escape(Figures.TeamName(c.Team)), $"{Figures.Duration(c.Pickup.Median)} ({c.Pickup.Measured})",
                $"{Figures.Percent(c.CrossTeamShare)} ({c.ReviewsGiven})", $"{PerEngineer(c.DistinctReviewersPerPullRequest)} ({c.PullRequests})");
        }
        AnsiConsole.Write(table);
    }

    private static void FlowTable(TeamBreakdown<FlowFigure> result)
    {
        static string Likert(LikertFigure? figure) => figure is null ? "—" : figure.Suppressed ? Withheld(figure.SuppressedBecause) : Score(figure.Mean, figure.LowConfidence);
        var table = new Table().AddColumns("Team", "Open PRs at end (per eng.)", "Flow (1–5)", "Interruptions (1–5)");
        foreach (var f in result.Teams.Prepend(result.Organisation))
        {
            table.AddRow(Markup.Escape(Figures.TeamName(f.Team)), $"{f.OpenPullRequests} ({PerEngineer(f.OpenPullRequestsPerEngineer)})", Likert(f.Flow), Likert(f.Interruptions));
        }
        AnsiConsole.Write(table);
    }

    private static void AdoptionTable(AdoptionReport report)
    {
        var table = new Table().AddColumns("Team", "Golden path (active services)", "On latest template version", "Self-service ratio", "Self-service / ticket median", "Time to first deploy (joiners)");
        var teams = report.GoldenPath.Teams.Select(t => t.Team).Concat(report.SelfService.Teams.Select(t => t.Team)).Concat(report.FirstDeploy.Teams.Select(t => t.Team))
            .Distinct().Order(StringComparer.Ordinal).Prepend("");
        foreach (var team in teams)
        {
            var golden = team == "" ? report.GoldenPath.Organisation : report.GoldenPath.Teams.FirstOrDefault(t => t.Team == team);
            var currency = report.Templates.Figure(team, "");
            var self = team == "" ? report.SelfService.Organisation : report.SelfService.Teams.FirstOrDefault(t => t.Team == team);
            var first = team == "" ? report.FirstDeploy.Organisation : report.FirstDeploy.Teams.FirstOrDefault(t => t.Team == team);
            table.AddRow(Markup.Escape(Figures.TeamName(team)),
                golden is null ? "—" : $"{Figures.Percent(golden.Rate)} ({golden.ActiveServices})",
                currency is null ? "—" : $"{Figures.Percent(currency.LatestShare)} ({currency.Services})",
                self is null ? "—" : $"{Figures.Percent(self.SelfServiceRatio)} ({self.Fulfilled})",
                self is null ? "—" : $"{Figures.Duration(self.SelfService.Median)} / {Figures.Duration(self.Ticket.Median)}",
                first is null ? "—" : $"{Figures.Duration(first.Median)} ({first.Joiners})");
        }
        AnsiConsole.Write(table);
    }

    private static void RoiTable(RoiResult roi)
    {
        var a = roi.Assumptions;
        var table = new Table().AddColumns("DORA key", "Effect of adoption", "90% interval", "Adopting teams", "Control teams");
        foreach (var e in roi.Dora)
        {
            table.AddRow(e.Key.ToString(), e.Estimate is { } v ? v.ToString("0.###", CultureInfo.InvariantCulture) : "—",
                e.Lower is { } lo && e.Upper is { } hi ? $"{lo.ToString("0.###", CultureInfo.InvariantCulture)} to {hi.ToString("0.###", CultureInfo.InvariantCulture)}" : "—",
                e.Adopters.ToString(CultureInfo.InvariantCulture), e.ControlTeams.ToString(CultureInfo.InvariantCulture));
        }
        AnsiConsole.Write(table);
        var hours = roi.HoursSaved;
        AnsiConsole.MarkupLineInterpolated(
            $"Hours saved by self-service: {(hours.Hours is { } h ? h.ToString("N1", CultureInfo.InvariantCulture) : "—")} h = {(hours.Cost is { } c ? c.ToString("N0", CultureInfo.InvariantCulture) : "—")} {a.Currency} ({hours.SelfServiceRequests} requests; {a.HourlyCost.ToString(CultureInfo.InvariantCulture)} an hour; kinds: {(a.RequestKinds.Count == 0 ? "all" : string.Join(", ", a.RequestKinds))}; {a.Months} months before/after)");
        foreach (var excluded in roi.Excluded)
        {
            AnsiConsole.MarkupLineInterpolated($"[grey]Left out: {excluded.Team} (adopted {excluded.AdoptedAt:yyyy-MM-dd}): {excluded.Reason}[/]");
        }
    }
}
