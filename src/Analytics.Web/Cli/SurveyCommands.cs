using System.CommandLine;
using System.Globalization;
using Analytics.Ingestors.Csv;
using Analytics.Storage;
using Analytics.Storage.Catalog;
using Analytics.Storage.Metrics;
using Spectre.Console;

namespace Analytics.Web.Cli;

/// <summary><c>analytics surveys waves|close|erase</c>: survey waves and their closing, and erasing one person's answers.</summary>
internal static class SurveyCommands
{
    /// <summary>Read the respondent id from standard input instead of the command line (shell history, process lists).</summary>
    public const string FromStandardInput = "-";

    public static Command Create()
    {
        var surveys = new Command("surveys", "Survey waves (closing publishes and freezes them) and erasure of a respondent's answers.");
        surveys.Subcommands.Add(WavesCommand());
        surveys.Subcommands.Add(CloseCommand());
        surveys.Subcommands.Add(EraseCommand());
        return surveys;
    }

    private static Command WavesCommand()
    {
        var command = new Command("waves", "List the stored waves: first answer, months, when each closes or closed.");
        command.SetAction((_, cancellationToken) => AnalyticsCommandLine.WithServicesAsync(async (provider, token) =>
        {
            await provider.GetRequiredService<StoreStartup>().RunAsync(token);
            var state = await provider.GetRequiredService<SurveyWaves>().StateAsync(token);
            var table = new FittedTable().Columns("Wave", "First answer", "Months", "Closes", "State");
            foreach (var wave in state.Waves)
            {
                table.AddRow(wave.Name, $"{wave.OpenedAt:yyyy-MM-dd HH:mm}", string.Join(", ", wave.Months.Select(m => m.ToString("yyyy-MM", CultureInfo.InvariantCulture))),
                    $"{wave.ClosesAt:yyyy-MM-dd HH:mm}", wave.IsClosed(state.Now) ? (wave.ClosedByHand ? "closed by hand" : "closed") : "open");
            }
            table.Write();
            return 0;
        }, cancellationToken));
        return command;
    }

    private static Command CloseCommand()
    {
        var wave = new Argument<string>("wave") { Description = "The survey id, or @yyyy-MM for the answers of a month that name no survey." };
        var command = new Command("close", "Close a wave now: its months are published once every wave dated in them is closed, and it takes no more answers.") { wave };
        command.SetAction((result, cancellationToken) => AnalyticsCommandLine.WithServicesAsync(async (provider, token) =>
        {
            await provider.GetRequiredService<StoreStartup>().RunAsync(token);
            var name = result.GetValue(wave)!.Trim();
            var closed = await provider.GetRequiredService<SurveyWaves>().CloseAsync(name, AuditActor.CommandLine.Name, token);
            if (closed is null)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]No answers of survey wave '{name}' are stored (analytics surveys waves lists them).[/]");
                return 2;
            }
            await provider.GetRequiredService<CatalogDatabase>().MigrateAsync(token);
            await provider.GetRequiredService<IAuditTrail>().RecordAsync(new AuditRecord(AuditActor.CommandLine, "surveys.close", name, AuditRecord.Succeeded), token);
            AnsiConsole.MarkupLineInterpolated($"Survey wave '{name}' is closed since {closed.ClosesAt:yyyy-MM-dd HH:mm} UTC.");
            return 0;
        }, cancellationToken));
        return command;
    }

    private static Command EraseCommand()
    {
        var respondent = new Argument<string>("respondent")
        {
            Description = $"The respondent id as in the survey files, or {FromStandardInput} to read it from standard input (kept out of shell history).",
        };
        var command = new Command("erase", "Remove every answer of one respondent, in every wave, and report how many were removed.") { respondent };
        command.SetAction((result, cancellationToken) => AnalyticsCommandLine.WithServicesAsync(async (provider, token) =>
        {
            var given = result.GetValue(respondent)!;
            var id = (given == FromStandardInput ? Console.In.ReadLine() ?? "" : given).Trim();
            if (id.Length == 0)
            {
                AnsiConsole.MarkupLine("[red]No respondent id given.[/]");
                return 2;
            }
            await provider.GetRequiredService<StoreStartup>().RunAsync(token);
            ErasureResult erased;
            try
            {
                erased = await provider.GetRequiredService<RespondentErasure>().EraseAsync(id, token);
            }
            catch (InvalidOperationException problem)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]{problem.Message}.[/]");
                return 2;
            }
            await provider.GetRequiredService<CatalogDatabase>().MigrateAsync(token);
            // The id is never recorded or printed: the trail says that an erasure happened and how much it removed.
            await provider.GetRequiredService<IAuditTrail>().RecordAsync(new AuditRecord(AuditActor.CommandLine, "surveys.erase", "one respondent",
                $"{erased.Answers} answers removed in {erased.Waves} waves"), token);
            AnsiConsole.MarkupLineInterpolated($"Removed {erased.Answers} answers in {erased.Waves} survey waves.");
            return 0;
        }, cancellationToken));
        return command;
    }
}
