using System.CommandLine;
using System.Globalization;
using Analytics.Web.Delivery;
using Spectre.Console;

namespace Analytics.Web.Cli;

/// <summary>
/// <c>analytics report send --month 2026-10 [--to addr]</c> and <c>analytics digest send [--team x] [--week 2026-11-23]</c>:
/// the scheduled deliveries, now. Like the schedule, a target already sent for the period is skipped unless --resend.
/// </summary>
internal static class DeliveryCommands
{
    /// <summary>Exit code when some target failed after its retries (each failure is recorded and printed).</summary>
    public const int SomeFailed = 1;

    public static Command ReportSend()
    {
        var month = new Option<string?>("--month") { Description = "The month, yyyy-MM (default: the last whole month)." };
        month.Validators.Add(result =>
        {
            if (result.GetValue(month) is { } written && !DateOnly.TryParseExact(written, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            {
                result.AddError($"--month must be a month as yyyy-MM, not '{written}'.");
            }
        });
        var to = new Option<string[]>("--to") { Description = "Send to this address instead of Analytics:Delivery:Email:Recipients (repeatable).", AllowMultipleArgumentsPerToken = true };
        var resend = Resend();
        var command = new Command("send", "E-mail the monthly report now, as the schedule does (key figures, inline charts, CSV files attached).") { month, to, resend };
        command.SetAction((result, cancellationToken) => AnalyticsCommandLine.WithStoreAsync(async (services, token) =>
        {
            var mailer = services.GetRequiredService<ReportMailer>();
            var reports = services.GetRequiredService<Queries.MonthlyReportQueries>();
            var outcome = await mailer.SendAsync(reports.MonthOf(result.GetValue(month)), result.GetValue(to) ?? [], DeliveryScheduling.CommandTrigger,
                result.GetValue(resend), token);
            return Print($"Monthly report {outcome.Period}", outcome);
        }, cancellationToken));
        return command;
    }

    public static Command Digest()
    {
        var team = new Option<string?>("--team") { Description = "Only this team (its slug)." };
        var week = new Option<string?>("--week") { Description = "A day of the week to send, yyyy-MM-dd (default: the last whole week)." };
        week.Validators.Add(result =>
        {
            if (result.GetValue(week) is { } written && !DateOnly.TryParseExact(written, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            {
                result.AddError($"--week must be a date as yyyy-MM-dd, not '{written}'.");
            }
        });
        var resend = Resend();
        var send = new Command("send", "Post the teams' weekly digests to their chat webhooks now, as the schedule does.") { team, week, resend };
        send.SetAction((result, cancellationToken) => AnalyticsCommandLine.WithStoreAsync(async (services, token) =>
        {
            var digests = services.GetRequiredService<TeamDigests>();
            var outcome = await digests.SendAsync(digests.WeekOf(result.GetValue(week)), result.GetValue(team), DeliveryScheduling.CommandTrigger, result.GetValue(resend), token);
            return Print($"Team digests for the week of {outcome.Period}", outcome);
        }, cancellationToken));
        return new Command("digest", "Weekly team digests to chat webhooks (Slack, Microsoft Teams).") { send };
    }

    private static Option<bool> Resend() => new("--resend") { Description = "Send also to targets that were sent this period before." };

    private static int Print(string what, DeliveryOutcome outcome)
    {
        AnsiConsole.MarkupLineInterpolated($"{what}: [green]{outcome.Sent} sent[/], {outcome.Skipped} sent before (skipped), {(outcome.Failed > 0 ? "[red]" : "[green]")}{outcome.Failed} failed[/]");
        foreach (var error in outcome.Errors)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]{error}[/]");
        }
        return outcome.Failed > 0 ? SomeFailed : 0;
    }
}
