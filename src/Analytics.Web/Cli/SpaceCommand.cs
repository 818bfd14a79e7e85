using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Analytics.Core.Dora;
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
            async (services, request, token) => await services.GetRequiredService<SurveyQueries>().SatisfactionAsync(request, token), SpaceCsv.WriteSatisfactionCsv, SpaceTables.Satisfaction));
        command.Subcommands.Add(Section("activity", "Deployments, merged pull requests, reviews and service requests, per engineer.",
            async (services, request, token) => await services.GetRequiredService<SpaceQueries>().ActivityAsync(request, token), SpaceCsv.WriteActivityCsv, SpaceTables.Activity));
        command.Subcommands.Add(Section("collaboration", "Review pickup time, cross-team reviews and distinct reviewers per pull request.",
            async (services, request, token) => await services.GetRequiredService<SpaceQueries>().CollaborationAsync(request, token), SpaceCsv.WriteCollaborationCsv, SpaceTables.Collaboration));
        command.Subcommands.Add(Section("flow", "Open pull requests per engineer at the end of the period; self-reported flow and interruptions.",
            async (services, request, token) => await services.GetRequiredService<SpaceQueries>().FlowAsync(request, token), SpaceCsv.WriteFlowCsv, SpaceTables.Flow));
        command.Subcommands.Add(Section("adoption", "Golden-path adoption, template version currency, self-service and time to first deploy.",
            async (services, request, token) =>
            {
                var queries = services.GetRequiredService<AdoptionQueries>();
                return new AdoptionReport(
                    await queries.GoldenPathAsync(request, token), await queries.TemplateCurrencyAsync(request, token),
                    await queries.SelfServiceAsync(request, null, token), await queries.FirstDeployAsync(request, token));
            }, SpaceCsv.WriteAdoptionCsv, SpaceTables.Adoption));
        command.Subcommands.Add(RoiCommand());
        return command;
    }

    /// <summary>Everything <c>space adoption</c> prints.</summary>
    internal sealed record AdoptionReport(GoldenPathResult GoldenPath, TemplateCurrencyResult Templates, TeamBreakdown<SelfServiceFigure> SelfService, TeamBreakdown<FirstDeployFigure> FirstDeploy);

    private static Command Section<T>(string name, string description, Func<IServiceProvider, SpaceRequest, CancellationToken, Task<T>> query, Action<T, TextWriter> csv, Action<T> table)
    {
        var (days, from, to, team, format) = PeriodOptions(Period.DefaultDays);
        var command = new Command(name, description) { days, from, to, team, format };
        command.SetAction((result, cancellationToken) => AnalyticsCommandLine.WithStoreAsync(async (services, token) =>
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
        var hourlyCost = new Option<double?>("--hourly-cost") { Description = "Cost of an engineer's hour, for the effort self-service saved (default Analytics:Space:HourlyCost, 100)." };
        var kinds = new Option<string[]>("--kinds") { Description = "Service request kinds that count for the savings (default: Analytics:Space:SelfServiceKinds, or every kind).", AllowMultipleArgumentsPerToken = true };
        var leadTimeUnit = new Option<string?>("--lead-time-unit") { Description = "What a lead-time sample of the windows is: commit or pull-request (default: Analytics:Metrics:LeadTimeUnit)." };
        leadTimeUnit.AcceptOnlyFromAmong([.. LeadTimeUnit.All]);
        var command = new Command("roi", "Golden-path ROI: DORA keys before vs after adoption (stacked difference in differences, interval, pre-trend) and the waiting time and effort self-service saved.")
        {
            days, from, to, format, months, hourlyCost, kinds, leadTimeUnit,
        };
        command.SetAction((result, cancellationToken) => AnalyticsCommandLine.WithStoreAsync(async (services, token) =>
        {
            var period = Period.Resolve(result.GetValue(from), result.GetValue(to), result.GetValue(days), services.GetRequiredService<TimeProvider>());
            var requestKinds = result.GetValue(kinds) is { Length: > 0 } given ? RequestKinds.Parse(given) : null;
            var roi = await services.GetRequiredService<RoiQueries>().RoiAsync(
                new RoiRequest(period.From, period.To, result.GetValue(months), result.GetValue(hourlyCost), requestKinds) { LeadTimeUnit = result.GetValue(leadTimeUnit) }, token);
            Write(result.GetValue(format), roi, SpaceCsv.WriteRoiCsv, SpaceTables.Roi, period);
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
}
