namespace Analytics.Web.Tests.Cli;

/// <summary>
/// Expected failures of the real executable end as one line on standard error, saying what to do, with a non-zero
/// exit code and no stack trace: bad settings, a store another process holds, an engine that cannot load, a missing clone.
/// </summary>
public sealed class CliFailureTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("analytics-cli-failures-").FullName;

    public void Dispose() => TempFolders.Delete(_root);

    [Theory]
    [InlineData("Analytics__Metrics__MinimumSample", "-1", "MinimumSample must be at least 1")]
    [InlineData("Analytics__Store__Transport", "Nowhere", "Analytics:Store:Transport")]
    public async Task A_bad_setting_is_one_line_naming_it(string setting, string value, string expected)
    {
        var result = await AnalyticsProcess.RunAsync(_root, ["dora"], new Dictionary<string, string> { [setting] = value });
        Assert.Equal(2, result.ExitCode);
        ServingCliTests.AssertOneLine(result.StandardError, expected);
    }

    [Fact]
    public async Task A_store_held_by_another_process_is_one_line_naming_that_process()
    {
        // The lock chDB takes on its store (flock on status), taken here by the test process.
        var store = Directory.CreateDirectory(Path.Combine(_root, "analytics", "clickhouse")).FullName;
        await using var held = new FileStream(Path.Combine(store, "status"), FileMode.Create, FileAccess.ReadWrite, FileShare.None);

        var result = await AnalyticsProcess.RunAsync(_root, ["dora"]);
        Assert.Equal(5, result.ExitCode);
        ServingCliTests.AssertOneLine(result.StandardError, $"open in another process (pid {Environment.ProcessId})");
        Assert.Contains("No app answers", result.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_engine_that_does_not_load_is_one_line_saying_what_to_do()
    {
        var library = Path.Combine(_root, "libchdb.so");
        await File.WriteAllTextAsync(library, "not a shared library");
        var result = await AnalyticsProcess.RunAsync(_root, ["dora"], new Dictionary<string, string> { ["Analytics__Store__ChDbLibraryPath"] = library });
        Assert.Equal(5, result.ExitCode);
        ServingCliTests.AssertOneLine(result.StandardError, "is not a loadable chDB library");
    }

    [Fact]
    public async Task A_missing_clone_is_one_line()
    {
        var result = await AnalyticsProcess.RunAsync(_root, ["ingest", "git", Path.Combine(_root, "no-such-clone"), "--service", "x"]);
        Assert.Equal(2, result.ExitCode);
        // A command's own refusals are on standard output, with its other output (wrapped at the console's width).
        Assert.Contains("No git repository at or above", result.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.StandardOutput + result.StandardError, StringComparison.Ordinal);
    }
}
