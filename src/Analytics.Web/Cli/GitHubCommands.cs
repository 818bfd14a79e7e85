using System.CommandLine;
using System.Globalization;
using Analytics.Ingestors.GitHub;
using Analytics.Ingestors.Runs;
using Analytics.Storage;
using Analytics.Storage.ClickHouse;
using Spectre.Console;

namespace Analytics.Web.Cli;

/// <summary>
/// <c>analytics ingest github [--source name]</c>: runs the configured GitHub sources now (all of them, or one), each
/// recorded as an ingest run like a scheduled one, and says what each asked GitHub for.
/// </summary>
internal static class GitHubCommands
{
    /// <summary>The <c>github</c> subcommand of <c>ingest</c>.</summary>
    public static Command Create()
    {
        var source = new Option<string?>("--source") { Description = "Only this source (configured under Analytics:Sources with Kind github); default: every GitHub source." };
        var command = new Command("github", "Read the configured GitHub / GitHub Enterprise Server sources now: commits, pull requests, reviews, deployments, releases, workflow runs and incident issues; incremental.")
        {
            source,
        };
        command.SetAction((result, cancellationToken) =>
            AnalyticsCommandLine.WithServicesAsync((services, token) => RunAsync(services, result.GetValue(source), token), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(IServiceProvider services, string? only, CancellationToken cancellationToken)
    {
        var sources = services.GetRequiredService<IngestSources>();
        var names = sources.Configured
            .Where(s => string.Equals(s.Kind, GitHubSourceSettings.Kind, StringComparison.OrdinalIgnoreCase) && (only is null || s.Name == only))
            .Select(s => s.Name)
            .ToList();
        if (names.Count == 0)
        {
            if (only is null)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]No GitHub source is configured: add one under {IngestSources.Section}:<name> with Kind github (see docs/ingestion.md).[/]");
            }
            else
            {
                AnsiConsole.MarkupLineInterpolated($"[red]No GitHub source '{only}' is configured under {IngestSources.Section}.[/]");
            }
            return 2;
        }

        var configuration = services.GetRequiredService<IConfiguration>();
        var problems = names.SelectMany(name => GitHubSourceSettings.Validate(configuration.GetSection($"{IngestSources.Section}:{name}"))).ToList();
        foreach (var problem in problems)
        {
            // Each names its setting; none quotes the token.
            AnsiConsole.MarkupLineInterpolated($"[red]{problem}[/]");
        }
        if (problems.Count > 0)
        {
            return 2;
        }
        var built = names.Select(name => (GitHubIngestSource)sources.Create(name)).ToList();

        await services.GetRequiredService<StoreStartup>().RunAsync(cancellationToken);
        var runner = services.GetRequiredService<IngestRunner>();
        var failed = 0;
        var busy = 0;
        foreach (var source in built)
        {
            IngestRunOutcome outcome;
            try
            {
                outcome = await AnsiConsole.Status().StartAsync($"Reading GitHub source {source.Name}…", _ => runner.RunAsync(source, cancellationToken));
            }
            catch (SourceAlreadyRunningException running)
            {
                // Held by the dashboard's scheduler or another command; the other sources still run.
                busy++;
                AnsiConsole.MarkupLineInterpolated($"[red]{running.Message}[/]");
                continue;
            }
            var rows = string.Join(", ", outcome.RowsPerTable.Select(r => $"{r.Key} {r.Value.ToString("N0", CultureInfo.InvariantCulture)}"));
            var requests = source.LastRun is { } run
                ? $"{run.Requests.ToString("N0", CultureInfo.InvariantCulture)} requests, {run.NotModified.ToString("N0", CultureInfo.InvariantCulture)} of them 304 (free)"
                : "no requests";
            AnsiConsole.MarkupLineInterpolated(
                $"Run {outcome.RunId} of {source.Name}: {(outcome.Succeeded ? "succeeded" : "failed")}; {requests}; {(rows.Length > 0 ? rows : "nothing new")}.");
            if (!outcome.Succeeded)
            {
                failed++;
                AnsiConsole.MarkupLineInterpolated($"[red]{outcome.Error}[/]");
            }
            IngestCommands.WriteWarnings(outcome);
        }
        return failed > 0 ? 1 : busy > 0 ? AnalyticsCommandLine.SourceBusyExitCode : 0;
    }
}
