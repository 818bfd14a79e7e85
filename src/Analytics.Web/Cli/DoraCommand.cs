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

    /// <summary>Columns most important first; at 80 columns the last are shortened (without their sample sizes) or left out, see <see cref="FittedTable"/>.</summary>
    private static void WriteTable(IReadOnlyList<DoraSummary> summaries, Period period, DoraTierTable tiers, DoraBreakdown by)
    {
        static string Tier(DoraTier? tier) => tier?.ToString() ?? "no sample";
        var unit = summaries.FirstOrDefault()?.LeadTime.Unit == LeadTimeUnit.PullRequest ? "pull requests" : "commits";
        var table = new FittedTable { Alternative = "use --format csv" }
            .Column(by.ToString())
            .Column("Deployments/day (tier, n)", "Deployments/day", "n")
            .Column($"Lead time (median, n {unit})", "Lead time (median)", "n")
            .Column("Change failure rate (n)", "Change failure rate", "n")
            .Column("Time to restore service (median, n)", "Time to restore (median)", "n")
            .Column("Failed deployment recovery (median, n)", "Failed deployment recovery", "n, awaiting")
            .Column("Rework rate (unknown kind)", "Rework rate", "unknown kind");
        foreach (var summary in summaries)
        {
            var (frequency, lead, failure, recovery, rework) = (summary.DeploymentFrequency, summary.LeadTime, summary.ChangeFailureRate, summary.RecoveryTime, summary.ReworkRate);
            table.AddRow(
                Figures.TeamName(summary.Team),
                new($"{Figures.Number(frequency.DeploymentsPerDay)} ({Figures.DeploymentFrequencyTier(frequency)}, {frequency.Deployments})",
                    $"{Figures.Number(frequency.DeploymentsPerDay)} ({Figures.DeploymentFrequencyTier(frequency)})"),
                new($"{Figures.Duration(lead.Median)} ({Tier(lead.Tier)}, {lead.Changes})", $"{Figures.Duration(lead.Median)} ({Tier(lead.Tier)})"),
                new($"{Figures.Percent(failure.Rate)} ({Tier(failure.Tier)}, {failure.Deployments})", $"{Figures.Percent(failure.Rate)} ({Tier(failure.Tier)})"),
                new($"{Figures.Duration(recovery.Median)} ({Tier(recovery.Tier)} by {recovery.TierYear}, {recovery.Resolved})",
                    $"{Figures.Duration(recovery.Median)} ({Tier(recovery.Tier)} by {recovery.TierYear})"),
                new($"{Figures.Duration(recovery.RestoreMedian)} ({Tier(recovery.RestoreTier)} by {recovery.RestoreTierYear}, {recovery.Restored}; {recovery.AwaitingRestore} awaiting)",
                    $"{Figures.Duration(recovery.RestoreMedian)} ({Tier(recovery.RestoreTier)} by {recovery.RestoreTierYear})"),
                new($"{Figures.Percent(rework.Rate)} ({rework.UnknownKind})", Figures.Percent(rework.Rate)));
        }
        AnsiConsole.MarkupLineInterpolated($"[bold]{period.From:yyyy-MM-dd} to {period.To.AddDays(-1):yyyy-MM-dd}[/], tiers of the {tiers.Source.Report} ({tiers.Source.Url})");
        table.Write();
    }
}
