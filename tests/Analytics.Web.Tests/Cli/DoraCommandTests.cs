using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Analytics.Web.Tests.Cli;

/// <summary>
/// <c>analytics dora --by</c> through the real executable, on a store of its own holding the tiny demo organisation
/// (3 teams, 6 services).
/// </summary>
public sealed class DoraCommandTests : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("analytics-dora-command-").FullName;

    public async Task InitializeAsync()
    {
        var (exitCode, output, _) = await RunAsync("demo", "--scale", "tiny", "--seed", "5");
        Assert.True(exitCode == 0, $"demo failed ({exitCode}): {output}");
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_root, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task By_service_prints_a_row_per_service_that_add_up_to_the_same_organisation_as_by_team()
    {
        var byTeam = await CsvAsync("dora", "--days", "90", "--format", "csv");
        var byService = await CsvAsync("dora", "--days", "90", "--format", "csv", "--by", "service");

        Assert.Equal("team", byTeam.Header[0]);
        Assert.Equal("service", byService.Header[0]);
        Assert.Equal(byTeam.Rows["Organisation"], byService.Rows["Organisation"]);
        var deployments = Array.IndexOf(byService.Header, "deployments");
        var services = byService.Rows.Where(row => row.Key != "Organisation").ToList();
        Assert.Equal(6, services.Count(row => row.Key != TeamAttribution.Unassigned));
        Assert.Equal(long.Parse(byService.Rows["Organisation"][deployments], CultureInfo.InvariantCulture),
            services.Sum(row => long.Parse(row.Value[deployments], CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task By_repository_as_json_says_what_its_rows_are_and_a_table_names_the_column()
    {
        var (exitCode, json, all) = await RunAsync("dora", "--days", "90", "--format", "json", "--by", "repository");
        Assert.True(exitCode == 0, all);
        using var document = JsonDocument.Parse(json);
        Assert.Equal("Repository", document.RootElement.GetProperty("request").GetProperty("by").GetString());
        var repositories = document.RootElement.GetProperty("teams").EnumerateArray().Select(row => row.GetProperty("team").GetString()!).ToList();
        Assert.NotEmpty(repositories);
        Assert.All(repositories, repository => Assert.Contains('/', repository));

        var (tableExit, table, _) = await RunAsync("dora", "--days", "90", "--by", "repository");
        Assert.Equal(0, tableExit);
        // The first column is named for the rows (Spectre cuts the header to the column's width when output is redirected).
        Assert.Contains("│ Reposito", table);
        Assert.DoesNotContain("│ Team", table);
    }

    [Fact]
    public async Task An_unknown_breakdown_is_refused_naming_the_ones_there_are()
    {
        var (exitCode, _, all) = await RunAsync("dora", "--by", "services");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("services", all);
        Assert.Contains("repository", all);
    }

    private async Task<(string[] Header, Dictionary<string, string[]> Rows)> CsvAsync(params string[] arguments)
    {
        var (exitCode, output, all) = await RunAsync(arguments);
        Assert.True(exitCode == 0, all);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        // Cells hold no comma here: names, numbers, ISO times and tier names.
        return (lines[0].Split(','), lines.Skip(1).Select(line => line.Split(',')).ToDictionary(cells => cells[0], cells => cells[1..]));
    }

    /// <summary>Runs the executable on its own store under the test's folder: exit code, standard output, and both streams.</summary>
    private async Task<(int ExitCode, string Output, string All)> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "analytics.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["XDG_DATA_HOME"] = _root;
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("analytics did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await output + await error);
    }
}
