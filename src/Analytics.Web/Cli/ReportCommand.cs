using System.CommandLine;
using System.Globalization;
using Analytics.Core.Dora;
using Analytics.Web.Queries;
using Spectre.Console;

namespace Analytics.Web.Cli;

/// <summary><c>analytics report monthly --month 2026-10 --out folder</c>: the monthly leadership report's charts (PNG, SVG) and tables (CSV) as files.</summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var month = new Option<string?>("--month") { Description = "The month, yyyy-MM (default: the last whole month)." };
        month.Validators.Add(result =>
        {
            if (result.GetValue(month) is { } written && !DateOnly.TryParseExact(written, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            {
                result.AddError($"--month must be a month as yyyy-MM, not '{written}'.");
            }
        });
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder to write the files to (created if missing).", Required = true };
        var tiers = new Option<string?>("--tiers") { Description = "DORA benchmark year of the tiers (default: Analytics:Metrics:TierYear)." };
        tiers.AcceptOnlyFromAmong(DoraTierTables.Years.Select(year => year.ToString(CultureInfo.InvariantCulture)).ToArray());
        var monthly = new Command("monthly", "Write the one-page monthly leadership report: keys with trend and tier, teams per tier, platform payoff, charts.")
        {
            month, output, tiers,
        };
        monthly.SetAction((result, cancellationToken) => AnalyticsCommandLine.WithStoreAsync(async (services, token) =>
        {
            // As typed (relative to the caller's folder, also when the running app writes the files).
            var folder = new DirectoryInfo(CommandContext.FullPath(result.GetValue(output)!.ToString()));
            var reports = services.GetRequiredService<MonthlyReportQueries>();
            var report = await reports.LoadAsync(reports.MonthOf(result.GetValue(month)), services.GetRequiredService<DoraTierChoice>().For(result.GetValue(tiers)), token);
            var written = await WriteAsync(report, folder, token);
            AnsiConsole.MarkupLineInterpolated($"[green]Monthly report for {report.Month:yyyy-MM}:[/] {written.Count} files in {folder.FullName}");
            foreach (var name in written)
            {
                Console.WriteLine(name);
            }
            return 0;
        }, cancellationToken));
        return new Command("report", "Reports as files, or sent by e-mail.") { monthly, DeliveryCommands.ReportSend() };
    }

    /// <summary>Every file of the report into <paramref name="folder"/>, named as the API names them; returns the names.</summary>
    internal static async Task<IReadOnlyList<string>> WriteAsync(MonthlyReport report, DirectoryInfo folder, CancellationToken cancellationToken)
    {
        folder.Create();
        var names = MonthlyReportFiles.Names(report);
        foreach (var name in names)
        {
            var file = MonthlyReportFiles.Find(report, name) ?? throw new InvalidOperationException($"The report listed '{name}' but could not write it.");
            await File.WriteAllBytesAsync(Path.Combine(folder.FullName, name), file.Content, cancellationToken);
        }
        return names;
    }
}
