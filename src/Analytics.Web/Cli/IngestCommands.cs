using System.CommandLine;
using System.Globalization;
using Analytics.Ingestors.Csv;
using Analytics.Ingestors.Surveys;
using Analytics.Ingestors.Runs;
using Analytics.Storage;
using Analytics.Storage.Catalog;
using Analytics.Storage.ClickHouse;
using Spectre.Console;

namespace Analytics.Web.Cli;

/// <summary><c>analytics ingest csv|run</c> and <c>analytics runs</c>.</summary>
internal static class IngestCommands
{
    public static Command Ingest()
    {
        var ingest = new Command("ingest", "Import data now: a CSV file or folder, or one configured source.");
        ingest.Subcommands.Add(CsvCommand());
        ingest.Subcommands.Add(SurveyCommand());
        ingest.Subcommands.Add(RunCommand());
        return ingest;
    }

    public static Command Runs()
    {
        var source = new Option<string?>("--source") { Description = "Only this source's runs." };
        var take = new Option<int>("--take") { Description = "How many runs, newest first.", DefaultValueFactory = _ => 20 };
        var command = new Command("runs", "List the latest ingest runs: status, rows per table and errors.") { source, take };
        command.SetAction((result, cancellationToken) => AnalyticsCommandLine.WithServicesAsync(async (services, token) =>
        {
            await services.GetRequiredService<CatalogDatabase>().MigrateAsync(token);
            var runs = await services.GetRequiredService<IngestRunHistory>().RecentAsync(result.GetValue(source), Math.Max(0, result.GetValue(take)), token);
            if (runs.Count == 0)
            {
                AnsiConsole.MarkupLine("[grey]No ingest runs yet.[/]");
                return 0;
            }
            var table = new Table().AddColumns("Run", "Source", "Kind", "Started (UTC)", "Took", "Status", "Rows", "Error");
            foreach (var run in runs)
            {
                table.AddRow(
                    run.Id.ToString(CultureInfo.InvariantCulture), Markup.Escape(run.Source), Markup.Escape(run.Kind),
                    run.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                    run.FinishedAt is { } finished ? $"{(finished - run.StartedAt).TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s" : "",
                    StatusMarkup(run.Status),
                    Markup.Escape(string.Join(", ", run.RowsPerTable.Select(r => $"{r.Key} {r.Value.ToString("N0", CultureInfo.InvariantCulture)}"))),
                    Markup.Escape(FirstLine(run.Error)));
            }
            AnsiConsole.Write(table);
            return 0;
        }, cancellationToken));
        return command;
    }

    private static Command CsvCommand()
    {
        var path = new Argument<string>("file-or-folder") { Description = "A CSV file, or a folder whose *.csv files are named after their format (teams.csv, deployments-2026.csv…)." };
        var kind = new Option<string?>("--kind") { Description = $"{string.Join(", ", Enum.GetValues<CsvKind>().Select(CsvImporter.FormatName))}: only files of this kind (for one file of an event kind: read it as that kind)." };
        var skipInvalid = new Option<bool>("--skip-invalid") { Description = "Import the valid rows and write the refused ones, with reasons, to <file>.rejected.csv beside each file." };
        var source = new Option<string>("--source") { Description = "Source name the run is recorded under and the events' source column.", DefaultValueFactory = _ => "csv" };
        var command = new Command("csv", "Import CSV files: deployments, incidents, survey responses, service requests, the catalog, and commits, pull requests and reviews (the interchange format).") { path, kind, skipInvalid, source };
        command.SetAction((result, cancellationToken) =>
        {
            CsvKind? csvKind = null;
            if (result.GetValue(kind) is { } kindText)
            {
                if (!CsvImporter.TryParseKind(kindText, out var parsed))
                {
                    AnsiConsole.MarkupLineInterpolated($"[red]--kind must be one of {string.Join(", ", Enum.GetValues<CsvKind>().Select(CsvImporter.FormatName))}, not '{kindText}'.[/]");
                    return Task.FromResult(2);
                }
                csvKind = parsed;
            }
            var target = CommandContext.FullPath(result.GetValue(path)!);
            if (!File.Exists(target) && !Directory.Exists(target))
            {
                AnsiConsole.MarkupLineInterpolated($"[red]No file or folder at {target}.[/]");
                return Task.FromResult(2);
            }
            return AnalyticsCommandLine.WithServicesAsync((services, token) =>
                ImportCsvAsync(services, target, csvKind, result.GetValue(skipInvalid), result.GetValue(source)!, token), cancellationToken);
        });
        return command;
    }

    private static async Task<int> ImportCsvAsync(IServiceProvider services, string path, CsvKind? kind, bool skipInvalid, string sourceName, CancellationToken cancellationToken)
    {
        await services.GetRequiredService<StoreStartup>().RunAsync(cancellationToken);
        var importer = services.GetRequiredService<CsvImporter>();
        var runner = services.GetRequiredService<IngestRunner>();

        IngestRunOutcome? outcome = null;
        CsvPathSource? source = null;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
            .StartAsync(async progressContext =>
            {
                var task = progressContext.AddTask("Reading files", maxValue: 1);
                var progress = new SynchronousProgress<CsvImportProgress>(step =>
                {
                    task.MaxValue = Math.Max(1, step.FileCount);
                    task.Value = step.FileIndex;
                    task.Description = Markup.Escape($"{Path.GetFileName(step.Path)}: {step.Stage}");
                });
                source = new CsvPathSource(sourceName, path, kind, skipInvalid, importer, progress);
                outcome = await runner.RunAsync(source, cancellationToken);
                task.Value = task.MaxValue;
                task.Description = "Done";
            });

        if (source?.Report is not { } report)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]Import failed (run {outcome!.RunId}): {outcome.Error}[/]");
            return 1;
        }
        var table = new Table().AddColumns("File", "Read as", "Rows", "Imported", "Problems");
        foreach (var file in report.Files)
        {
            table.AddRow(Markup.Escape(Path.GetFileName(file.Path)), Markup.Escape(file.Format ?? "?"),
                file.RowsRead.ToString("N0", CultureInfo.InvariantCulture), file.RowsImported.ToString("N0", CultureInfo.InvariantCulture),
                file.HasErrors ? $"[red]{file.Errors.Count}[/]" : "[green]0[/]");
        }
        AnsiConsole.Write(table);
        foreach (var error in report.Errors)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]{error}[/]");
        }
        foreach (var file in report.Files.Where(f => f.RejectedPath is not null))
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]{file.Errors.Select(e => e.Line).Distinct().Count()} rows of {Path.GetFileName(file.Path)} were skipped; they are in {file.RejectedPath} with the reasons.[/]");
        }
        var refused = report.Files.Where(f => f.HasErrors && f.RejectedPath is null).ToList();
        foreach (var file in refused.Where(f => f.RowsRead > 0))
        {
            AnsiConsole.MarkupLineInterpolated($"[red]Nothing was imported from {Path.GetFileName(file.Path)}: fix the rows above, or pass --skip-invalid to import the valid ones.[/]");
        }
        var status = outcome!.Succeeded ? "[green]succeeded[/]" : "[red]failed[/]";
        AnsiConsole.MarkupLine($"Run {outcome.RunId} of source '{Markup.Escape(sourceName)}': {status}.");
        return refused.Count > 0 || !outcome.Succeeded ? 1 : 0;
    }

    private static Command SurveyCommand()
    {
        var export = new Argument<string>("export") { Description = "A survey tool's export: CSV (Google Forms, Typeform, Microsoft Forms or Culture Amp saved as CSV) or Typeform's Responses API JSON." };
        var mapping = new Option<string>("--mapping") { Description = "The mapping file: question text → question id, labels → scores, respondent, submitted time, team (docs/ingestion.md).", Required = true };
        var source = new Option<string>("--source") { Description = "Source name the run is recorded under and the answers' source column.", DefaultValueFactory = _ => "survey-export" };
        var command = new Command("survey", "Import a survey tool's export through a mapping file, with the checks and storage of surveys.csv.") { export, mapping, source };
        command.SetAction((result, cancellationToken) =>
        {
            var exportPath = CommandContext.FullPath(result.GetValue(export)!);
            var mappingPath = CommandContext.FullPath(result.GetValue(mapping)!);
            return AnalyticsCommandLine.WithServicesAsync(async (services, token) =>
            {
                await services.GetRequiredService<StoreStartup>().RunAsync(token);
                var run = new SurveyExportSource(result.GetValue(source)!, exportPath, mappingPath, services.GetRequiredService<SurveyExportImporter>());
                var outcome = await AnsiConsole.Status().StartAsync($"Importing {Path.GetFileName(exportPath)}…", _ => services.GetRequiredService<IngestRunner>().RunAsync(run, token));
                foreach (var error in run.Report?.Errors ?? [])
                {
                    AnsiConsole.MarkupLineInterpolated($"[red]{error}[/]");
                }
                var written = run.Report?.Files.Sum(f => f.RowsImported) ?? 0;
                var status = outcome.Succeeded && run.Report is { HasErrors: false } ? "[green]succeeded[/]" : "[red]failed[/]";
                AnsiConsole.MarkupLine($"Run {outcome.RunId} of source '{Markup.Escape(run.Name)}': {status} ({written.ToString("N0", CultureInfo.InvariantCulture)} answers written).");
                if (outcome.Error is not null && run.Report is null)
                {
                    AnsiConsole.MarkupLineInterpolated($"[red]{outcome.Error}[/]");
                }
                return outcome.Succeeded && run.Report is { HasErrors: false } ? 0 : 1;
            }, cancellationToken);
        });
        return command;
    }

    private static Command RunCommand()
    {
        var name = new Argument<string>("source") { Description = "A source configured under Analytics:Sources." };
        var command = new Command("run", "Run one configured source now, as its schedule would.") { name };
        command.SetAction((result, cancellationToken) => AnalyticsCommandLine.WithServicesAsync(async (services, token) =>
        {
            IIngestSource source;
            try
            {
                source = services.GetRequiredService<IngestSources>().Create(result.GetValue(name)!);
            }
            catch (ArgumentException error)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]{error.Message}[/]");
                return 2;
            }
            await services.GetRequiredService<StoreStartup>().RunAsync(token);
            var outcome = await AnsiConsole.Status().StartAsync($"Running {source.Name}…", _ => services.GetRequiredService<IngestRunner>().RunAsync(source, token));
            var rows = string.Join(", ", outcome.RowsPerTable.Select(r => $"{r.Key} {r.Value.ToString("N0", CultureInfo.InvariantCulture)}"));
            AnsiConsole.MarkupLineInterpolated($"Run {outcome.RunId} of {source.Name}: {(outcome.Succeeded ? "succeeded" : "failed")}{(rows.Length > 0 ? $" ({rows})" : "")}.");
            if (outcome.Error is not null)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]{outcome.Error}[/]");
            }
            WriteWarnings(outcome);
            return outcome.Succeeded ? 0 : 1;
        }, cancellationToken));
        return command;
    }

    /// <summary>What a run could not do but did not fail for; also on <c>analytics runs</c> and the admin page.</summary>
    internal static void WriteWarnings(IngestRunOutcome outcome)
    {
        foreach (var warning in outcome.Warnings)
        {
            AnsiConsole.MarkupLineInterpolated($"[yellow]Warning: {warning}[/]");
        }
    }

    private static string StatusMarkup(IngestRunStatus status) => status switch
    {
        IngestRunStatus.Succeeded => "[green]Succeeded[/]",
        IngestRunStatus.Failed => "[red]Failed[/]",
        _ => "[yellow]Running[/]",
    };

    private static string FirstLine(string? text)
    {
        var line = text?.Split('\n')[0].Trim() ?? "";
        return line.Length <= 100 ? line : line[..99] + "…";
    }

    /// <summary>Reports on the caller's thread, so progress updates arrive in order.</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
