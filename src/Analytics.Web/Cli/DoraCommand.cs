using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Analytics.Core.Dora;
using Analytics.Storage.Metrics;
using Analytics.Web.Queries;
using Analytics.Web.Utils;
using Spectre.Console;

namespace Analytics.Web.Cli;

/// <summary>
/// <c>analytics dora</c>: the four keys and rework rate for the organisation and every team — or, with --by, every
/// service or repository — as a table, JSON or CSV.
/// </summary>
internal static class DoraCommand
{
    public static Command Create()
    {
        var days = new Option<int>("--days") { Description = "Length of the period ending today (UTC midnight).", DefaultValueFactory = _ => Period.DefaultDays };
        var from = new Option<DateTimeOffset?>("--from") { Description = "Start of the period (ISO 8601); overrides --days." };
        var to = new Option<DateTimeOffset?>("--to") { Description = "End of the period, exclusive (ISO 8601; default today)." };
        var team = new Option<string?>("--team") { Description = "One team's figures (default: every team and the organisation); with --by, that team's split by its services or repositories." };
        var by = new Option<string>("--by") { Description = "What a row is: team, service or repository.", DefaultValueFactory = _ => DoraBreakdown.Team.Name() };
        by.AcceptOnlyFromAmong(DoraBreakdowns.Names.ToArray());
        var tiers = new Option<string?>("--tiers") { Description = "DORA benchmark year of the tiers (default: Analytics:Metrics:TierYear)." };
        tiers.AcceptOnlyFromAmong(DoraTierTables.Years.Select(year => year.ToString(CultureInfo.InvariantCulture)).ToArray());
        var severity = new Option<string[]>("--severity")
        {
            Description = "Time to restore service over incidents of these severities only (e.g. --severity sev1 sev2; default every severity).",
            AllowMultipleArgumentsPerToken = true,
        };
        var leadTimeUnit = new Option<string?>("--lead-time-unit") { Description = "What a lead-time sample is: commit or pull-request (default: Analytics:Metrics:LeadTimeUnit)." };
        leadTimeUnit.AcceptOnlyFromAmong([.. LeadTimeUnit.All]);
        var format = new Option<string>("--format") { Description = "table, json or csv", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong("table", "json", "csv");
        var command = new Command("dora", "Print the DORA figures for the organisation and each team, service or repository (--by).") { days, from, to, team, by, tiers, severity, leadTimeUnit, format };
        command.SetAction((result, cancellationToken) => AnalyticsCommandLine.WithStoreAsync(async (services, token) =>
        {
            var period = Period.Resolve(result.GetValue(from), result.GetValue(to), result.GetValue(days), services.GetRequiredService<TimeProvider>());
            var table = services.GetRequiredService<DoraTierChoice>().For(result.GetValue(tiers));
            var breakdown = DoraBreakdowns.Parse(result.GetValue(by)) ?? DoraBreakdown.Team; // AcceptOnlyFromAmong has refused any other name
            var request = new DoraRequest(period.From, period.To, result.GetValue(team))
            {
                By = breakdown, Severities = Severities.Parse(result.GetValue(severity)), LeadTimeUnit = result.GetValue(leadTimeUnit),
            };
            var dora = (await services.GetRequiredService<DoraQueries>().SummariesAsync(request, token)).WithTiers(table);
            var summaries = dora.Teams.Prepend(dora.Organisation).ToList();
            switch (result.GetValue(format))
            {
                case "json":
                    Console.WriteLine(JsonSerializer.Serialize(dora, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true, Converters = { new JsonStringEnumConverter() } }));
                    break;
                case "csv":
                    DoraCsv.Write(summaries, Console.Out, breakdown);
                    break;
                default:
                    WriteTable(summaries, period, table, breakdown);
                    break;
            }
            return 0;
        }, cancellationToken));
        return command;
    }

    private static void WriteTable(IReadOnlyList<DoraSummary> summaries, Period period, DoraTierTable tiers, DoraBreakdown by)
    {
        static string Tier(DoraTier? tier) => tier?.ToString() ?? "no sample";
        var unit = summaries.FirstOrDefault()?.LeadTime.Unit == LeadTimeUnit.PullRequest ? "pull requests" : "commits";
        var table = new Table().AddColumns(by.ToString(), "Deployments/day", $"Lead time (median, n {unit})", "Change failure rate (n)", "Time to restore service (median, n)", "Failed deployment recovery (median, n)", "Rework rate (unknown kind)");
        foreach (var summary in summaries)
        {
            table.AddRow(
                Markup.Escape(Figures.TeamName(summary.Team)),
                $"{Figures.Number(summary.DeploymentFrequency.DeploymentsPerDay)} ({Figures.DeploymentFrequencyTier(summary.DeploymentFrequency)}, {summary.DeploymentFrequency.Deployments})",
                $"{Figures.Duration(summary.LeadTime.Median)} ({Tier(summary.LeadTime.Tier)}, {summary.LeadTime.Changes})",
                $"{Figures.Percent(summary.ChangeFailureRate.Rate)} ({Tier(summary.ChangeFailureRate.Tier)}, {summary.ChangeFailureRate.Deployments})",
                $"{Figures.Duration(summary.RecoveryTime.Median)} ({Tier(summary.RecoveryTime.Tier)} by {summary.RecoveryTime.TierYear}, {summary.RecoveryTime.Resolved})",
                $"{Figures.Duration(summary.RecoveryTime.RestoreMedian)} ({Tier(summary.RecoveryTime.RestoreTier)} by {summary.RecoveryTime.RestoreTierYear}, {summary.RecoveryTime.Restored}; {summary.RecoveryTime.AwaitingRestore} awaiting)",
                $"{Figures.Percent(summary.ReworkRate.Rate)} ({summary.ReworkRate.UnknownKind})");
        }
        AnsiConsole.MarkupLineInterpolated($"[bold]{period.From:yyyy-MM-dd} to {period.To.AddDays(-1):yyyy-MM-dd}[/], tiers of the {tiers.Source.Report} ({tiers.Source.Url})");
        AnsiConsole.Write(table);
    }
}
