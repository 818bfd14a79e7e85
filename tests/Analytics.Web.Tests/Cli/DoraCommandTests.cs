using Analytics.Web.Utils;
using System.Globalization;
using System.Text.Json;

namespace Analytics.Web.Tests.Cli;

/// <summary>
/// <c>analytics dora --by</c> and <c>--lead-time-unit</c> through the real executable, on a store of its own holding the tiny demo organisation
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
        var deployments = Array.IndexOf(byService.Header, "deployments") - 1; // a row's cells start at Header[1]
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
        // A demo store says so beside its figures, not in them: the JSON on standard output still parses.
        Assert.Contains(Analytics.Storage.Catalog.CatalogSeeding.DemoNotice, all, StringComparison.Ordinal);
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

    [Fact]
    public async Task The_lead_time_unit_option_picks_the_unit_the_json_and_csv_name()
    {
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
        var (exit, _, all) = await RunAsync("dora", "--lead-time-unit", "per-team");

        Assert.NotEqual(0, exit);
        Assert.Contains("per-team", all);
        Assert.Contains(LeadTimeUnit.PullRequest, all);
        Assert.DoesNotContain("   at ", all); // no stack trace for an expected mistake
    }

    [Fact]
    public async Task By_service_per_pull_request_names_both_in_the_csv_and_its_rows_add_up_to_the_organisation()
    {
        var byTeam = await CsvAsync("dora", "--days", "90", "--format", "csv", "--lead-time-unit", "pull-request");
        var byService = await CsvAsync("dora", "--days", "90", "--format", "csv", "--by", "service", "--lead-time-unit", "pull-request");

        Assert.Equal(("service", "lead_time_unit"), (byService.Header[0], byService.Header[^1]));
        Assert.All(byService.Rows.Values, cells => Assert.Equal(LeadTimeUnit.PullRequest, cells[^1]));
        Assert.Equal(byTeam.Rows["Organisation"], byService.Rows["Organisation"]);
        // Header[0] names the row, so a row's cells start at Header[1].
        var changes = Array.IndexOf(byService.Header, "lead_time_changes") - 1;
        var organisation = long.Parse(byService.Rows["Organisation"][changes], CultureInfo.InvariantCulture);
        Assert.True(organisation > 0, "no pull request shipped in 90 days: the sum below proves nothing");
        Assert.Equal(organisation, byService.Rows.Where(row => row.Key != "Organisation").Sum(row => long.Parse(row.Value[changes], CultureInfo.InvariantCulture)));
    }

    [Theory]
    [InlineData(80)]
    [InlineData(120)]
    public async Task The_table_fits_the_terminal_width_with_each_figure_on_one_line_and_says_what_it_left_out(int columns)
    {
        var settings = new Dictionary<string, string> { ["COLUMNS"] = columns.ToString(CultureInfo.InvariantCulture) };
        var table = await AnalyticsProcess.RunAsync(_root, ["dora", "--days", "90"], settings);
        var csv = await CsvAsync("dora", "--days", "90", "--format", "csv");
        Assert.True(table.ExitCode == 0, table.ToString());

        var lines = table.StandardOutput.Split('\n').Select(line => line.TrimEnd('\r')).ToList();
        Assert.All(lines, line => Assert.True(line.Length <= columns, $"{line.Length} > {columns}: {line}"));
        // The organisation's row holds its figures whole: deployments per day and its tier on the one line.
        var organisation = Assert.Single(lines, line => line.StartsWith("│ Organisation ", StringComparison.Ordinal));
        var cells = csv.Rows["Organisation"];
        string Cell(string column) => cells[Array.IndexOf(csv.Header, column) - 1];
        var perDay = Figures.Number(double.Parse(Cell("deployments_per_day"), CultureInfo.InvariantCulture));
        Assert.Contains($"{perDay} ({Cell("deployment_frequency_tier")}", organisation);
        // One line per row: no cell wrapped onto a second line.
        var body = lines.SkipWhile(line => !line.StartsWith('├')).Skip(1).TakeWhile(line => !line.StartsWith('└')).ToList();
        Assert.Equal(csv.Rows.Count, body.Count);
        if (columns == 80)
        {
            // Seven columns do not fit in 80: the note names the ones left out and where to find them.
            Assert.Contains("hidden: ", table.StandardOutput);
            Assert.Contains("Rework rate (unknown kind)", table.StandardOutput);
            Assert.Contains("--format csv", table.StandardOutput);
            Assert.Contains(Figures.Percent(double.Parse(Cell("change_failure_rate"), CultureInfo.InvariantCulture)), organisation);
        }
    }

    /// <summary>The organisation's row (the first) of the CSV, in the named column.</summary>
    private static string CsvColumn(string csv, string column)
    {
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var index = Array.IndexOf(lines[0].Split(','), column);
        Assert.True(index >= 0, $"no column {column} in {lines[0]}");
        return lines[1].Split(',')[index];
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
        var result = await AnalyticsProcess.RunAsync(_root, arguments);
        return (result.ExitCode, result.StandardOutput, result.StandardOutput + result.StandardError);
    }
}
