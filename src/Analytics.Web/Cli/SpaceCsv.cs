using System.Globalization;
using Analytics.Core.Space;
using Analytics.Storage.Metrics;
using Analytics.Web.Utils;

namespace Analytics.Web.Cli;

/// <summary>The <c>space</c> figures as CSV: raw values, empty = no figure or withheld (never the withheld value).</summary>
internal static class SpaceCsv
{
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
                null, null, null, null, null, Reason(nps.SuppressedBecause), nps.LowConfidence, group.Partial]);
            foreach (var likert in group.Likert)
            {
                var counts = likert.Distribution;
                rows.Add([scope, Team(group.Team), group.Month, likert.Question, likert.Respondents, likert.Responses, likert.Mean, null, null,
                    counts?[0], counts?[1], counts?[2], counts?[3], counts?[4], Reason(likert.SuppressedBecause), likert.LowConfidence, group.Partial]);
            }
        }
        Add("organisation", result.Organisation);
        result.Teams.ToList().ForEach(group => Add("team", group));
        result.OrganisationByMonth.ToList().ForEach(group => Add("organisation_month", group));
        result.TeamsByMonth.ToList().ForEach(group => Add("team_month", group));
        Csv.Write(output,
            ["scope", "team", "month", "question", "respondents", "responses", "score", "promoter_share", "detractor_share",
             "score_1", "score_2", "score_3", "score_4", "score_5", "suppressed", "low_confidence", "partial"],
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
    internal static void WriteAdoptionCsv(SpaceCommand.AdoptionReport report, TextWriter output)
    {
        var g = report.GoldenPath;
        Csv.Write(output, ["section", "team", "month", "active_services", "golden_path_services", "golden_path_rate", "low_confidence", "partial"],
            new[] { g.Organisation }.Concat(g.Teams).Concat(g.OrganisationByMonth).Concat(g.TeamsByMonth)
                .Select(f => new object?[] { "golden_path", Team(f.Team), f.Month, f.ActiveServices, f.GoldenPathServices, f.Rate, f.LowConfidence, f.Partial }));
        output.WriteLine();
        Csv.Write(output, ["section", "team", "template", "services", "latest", "patch_behind", "minor_behind", "major_behind", "unknown", "latest_share"],
            report.Templates.Figures.Select(f => new object?[]
            {
                "template_currency", Team(f.Team), f.Template == "" ? "all" : f.Template, f.Services, f.Latest, f.PatchBehind, f.MinorBehind, f.MajorBehind, f.Unknown, f.LatestShare,
            }));
        output.WriteLine();
        Csv.Write(output, ["section", "team", "fulfilled", "self_service_fulfilled", "self_service_ratio", "self_service_median_seconds", "ticket_median_seconds", "low_confidence", "self_service_failed", "self_service_success_rate"],
            report.SelfService.Teams.Prepend(report.SelfService.Organisation).Select(f => new object?[]
            {
                "self_service", Team(f.Team), f.Fulfilled, f.SelfServiceFulfilled, f.SelfServiceRatio, f.SelfService.Median?.TotalSeconds, f.Ticket.Median?.TotalSeconds, f.LowConfidence, f.SelfServiceFailed, f.SelfServiceSuccessRate,
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
        // lead_time_unit: what a lead-time sample of the windows was (commit or pull-request), on every row as in DoraCsv.
        // scale: relative (estimate −0.3 = −30%) or difference (percentage points as a fraction); adopter rows' effect and
        // pre_trend are on the estimator's scale (log ratio for relative keys), their before/after in the key's own unit.
        Csv.Write(output, ["section", "key", "team", "scale", "estimate", "lower", "upper", "pre_trend", "pre_trend_lower", "pre_trend_upper", "adopters", "control_teams",
                "usable_resamples", "too_few_teams", "adoption_month", "adoption_degree", "earlier", "before", "after", "control_change", "lead_time_unit"],
            roi.Dora.SelectMany(e => e.Teams.Select(t => new object?[]
                {
                    "adopter", e.Key, t.Team, "log_or_difference", t.Effect, null, null, t.PreTrend, null, null, null, t.Controls, null, null,
                    t.AdoptionMonth.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), t.AdoptionDegree, t.Earlier, t.Before, t.After, t.ControlChange, roi.LeadTimeUnit,
                })
                .Prepend(["difference_in_differences", e.Key, "", e.Relative ? "relative" : "difference", e.Estimate, e.Lower, e.Upper, e.PreTrend, e.PreTrendLower, e.PreTrendUpper,
                    e.Adopters, e.ControlTeams, e.UsableResamples, e.TooFewTeams, null, null, null, null, null, null, roi.LeadTimeUnit])));
        output.WriteLine();
        Csv.Write(output, ["section", "team", "self_service_requests", "ticket_requests", "waiting_avoided_hours", "requests_without_comparison", "effort_saved_hours", "cost_saved",
                "currency", "hourly_cost", "ticket_effort_hours", "self_service_effort_hours", "request_kinds", "months", "adoption_threshold", "bootstrap_resamples", "bootstrap_seed", "interval_level"],
            roi.TeamSavings.Prepend(roi.Savings).Select(h => new object?[]
            {
                "savings", Team(h.Team), h.SelfServiceRequests, h.TicketRequests, h.WaitingAvoidedHours, h.RequestsWithoutComparison, h.EffortSavedHours, h.Cost,
                a.Currency, a.HourlyCost, string.Join(' ', a.TicketEffortHours.Select(p => $"{p.Key}={p.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)}").Prepend(a.DefaultTicketEffortHours.ToString(System.Globalization.CultureInfo.InvariantCulture))),
                a.SelfServiceEffortHours, a.RequestKinds.Count == 0 ? "all" : string.Join(' ', a.RequestKinds), a.Months, a.AdoptionThreshold, a.BootstrapResamples, a.BootstrapSeed, a.IntervalLevel,
            }));
    }

    /// <summary>The organisation is "" in results; written out by name so a spreadsheet can tell it apart.</summary>
    private static string Team(string team) => team == "" ? "organisation" : team;

    private static string? Reason(SuppressionReason? reason) => reason is null or SuppressionReason.None ? null : reason.ToString();
}
