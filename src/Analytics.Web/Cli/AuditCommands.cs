using System.CommandLine;
using Analytics.Storage.Catalog;
using Spectre.Console;

namespace Analytics.Web.Cli;

/// <summary><c>analytics audit verify</c>: checks the audit trail's hash chain.</summary>
internal static class AuditCommands
{
    /// <summary>The exit code when the chain is broken.</summary>
    public const int BrokenExitCode = 4;

    public static Command Create()
    {
        var audit = new Command("audit", "The audit trail of admin actions, denied requests and sign-in failures.");
        var verify = new Command("verify", $"Check the trail's hash chain; names the first entry that was altered, inserted or removed (exit code {BrokenExitCode}).");
        verify.SetAction((_, cancellationToken) => AnalyticsCommandLine.WithServicesAsync(async (provider, token) =>
        {
            await provider.GetRequiredService<CatalogDatabase>().MigrateAsync(token);
            var result = await provider.GetRequiredService<AuditTrail>().VerifyAsync(token);
            if (result.Intact)
            {
                AnsiConsole.MarkupLineInterpolated($"[green]The audit trail is intact: {result.EntriesChecked} entries.[/]");
                return 0;
            }
            AnsiConsole.MarkupLineInterpolated($"[red]The audit trail is broken at entry {result.FirstBrokenId}: {result.Problem}. The {result.EntriesChecked} entries before it are intact.[/]");
            return BrokenExitCode;
        }, cancellationToken));
        audit.Subcommands.Add(verify);
        return audit;
    }
}
