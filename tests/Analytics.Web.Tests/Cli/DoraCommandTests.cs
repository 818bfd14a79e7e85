using System.Diagnostics;
using System.Text.Json;

namespace Analytics.Web.Tests.Cli;

/// <summary>
/// <c>analytics dora --lead-time-unit</c> as a person runs it: the built executable in a process of its own, on a fresh
/// empty store (XDG_DATA_HOME in a temp folder), migrated first. The answer names the unit it used, whatever the figures are.
/// </summary>
public sealed class DoraCommandTests : IDisposable
{
    private static readonly string Executable = Path.Combine(AppContext.BaseDirectory, "analytics.dll");

    private readonly string _root = Directory.CreateTempSubdirectory("analytics-dora-cli-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task The_lead_time_unit_option_picks_the_unit_the_json_and_csv_name()
    {
        var (migrated, _, migrateErrors) = await RunAsync("migrate");
        Assert.True(migrated == 0, $"migrate failed ({migrated}): {migrateErrors}");
        var (jsonExit, json, jsonErrors) = await RunAsync("dora", "--from", "2026-01-01", "--to", "2026-02-01", "--lead-time-unit", "pull-request", "--format", "json");
        var (defaultExit, byDefault, _) = await RunAsync("dora", "--from", "2026-01-01", "--to", "2026-02-01", "--format", "csv");
        var (csvExit, csv, _) = await RunAsync("dora", "--from", "2026-01-01", "--to", "2026-02-01", "--lead-time-unit", "pull-request", "--format", "csv");

        Assert.True(jsonExit == 0, $"dora failed ({jsonExit}): {jsonErrors}");
        using var document = JsonDocument.Parse(json);
        Assert.Equal(LeadTimeUnit.PullRequest, document.RootElement.GetProperty("organisation").GetProperty("leadTime").GetProperty("unit").GetString());
        Assert.Equal((0, 0), (defaultExit, csvExit));
        Assert.Equal(LeadTimeUnit.Commit, CsvColumn(byDefault, "lead_time_unit"));
        Assert.Equal(LeadTimeUnit.PullRequest, CsvColumn(csv, "lead_time_unit"));
    }

    [Fact]
    public async Task An_unknown_unit_is_refused_naming_the_units_there_are()
    {
        var (exit, output, errors) = await RunAsync("dora", "--lead-time-unit", "per-team");

        Assert.NotEqual(0, exit);
        Assert.Contains("per-team", output + errors);
        Assert.Contains(LeadTimeUnit.PullRequest, output + errors);
        Assert.DoesNotContain("   at ", output + errors); // no stack trace for an expected mistake
    }

    /// <summary>The organisation's row (the first) of the CSV, in the named column.</summary>
    private static string CsvColumn(string csv, string column)
    {
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var index = Array.IndexOf(lines[0].Split(','), column);
        Assert.True(index >= 0, $"no column {column} in {lines[0]}");
        return lines[1].Split(',')[index];
    }

    private async Task<(int ExitCode, string StandardOutput, string StandardError)> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Executable);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["XDG_DATA_HOME"] = _root;
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("analytics did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }
}
