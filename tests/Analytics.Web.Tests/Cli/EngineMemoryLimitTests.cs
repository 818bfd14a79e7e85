namespace Analytics.Web.Tests.Cli;

/// <summary>
/// Analytics:Store:EngineMemoryLimitMiB and EngineQueryMemoryLimitMiB reach the embedded engine: with limits far
/// below what loading the demo needs, the engine refuses the query (MEMORY_LIMIT_EXCEEDED, naming the limit) instead
/// of the process growing; with the defaults the same command succeeds. Each run is a process of its own, since
/// the engine's limits are set when a process first opens it.
/// </summary>
public sealed class EngineMemoryLimitTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("analytics-engine-memory-").FullName;

    public void Dispose() => TempFolders.Delete(_root);

    [Theory]
    [InlineData("Analytics__Store__EngineQueryMemoryLimitMiB", "Query memory limit exceeded", "maximum: 1.00 MiB")]
    [InlineData("Analytics__Store__EngineMemoryLimitMiB", "(total) memory limit exceeded", "maximum: 1.00 MiB")]
    public async Task A_limit_below_what_a_query_needs_stops_the_query(string setting, string expected, string limit)
    {
        var result = await RunUnderTinyLimitAsync(setting);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(expected, result.StandardError, StringComparison.Ordinal);
        Assert.Contains(limit, result.StandardError, StringComparison.Ordinal);
    }

    /// <summary>
    /// The command under a 1 MiB limit. KNOWN ENGINE HANG: about one process in three started this way hangs before its
    /// first log line (reproduced by hand: no output, no log folder; the others stop in 3 s with MEMORY_LIMIT_EXCEEDED),
    /// apparently inside the embedded engine's start-up under the limit. Until that is found, a hung process is killed
    /// after 3 minutes and the command run again in a fresh folder, at most three times; every answer is still checked.
    /// </summary>
    private async Task<AnalyticsProcess.Result> RunUnderTinyLimitAsync(string setting)
    {
        for (var attempt = 1; ; attempt++)
        {
            var root = Directory.CreateDirectory(Path.Combine(_root, $"attempt-{attempt}")).FullName;
            try
            {
                return await AnalyticsProcess.RunAsync(root, ["demo", "--scale", "tiny"], new Dictionary<string, string> { [setting] = "1" }, TimeSpan.FromMinutes(3));
            }
            catch (TimeoutException) when (attempt < 3)
            {
            }
        }
    }

    [Fact]
    public async Task With_the_default_limits_the_same_command_succeeds()
    {
        var result = await AnalyticsProcess.RunAsync(_root, ["demo", "--scale", "tiny"]);
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public async Task A_negative_limit_is_a_bad_setting_named_in_one_line()
    {
        var result = await AnalyticsProcess.RunAsync(_root, ["dora"], new Dictionary<string, string> { ["Analytics__Store__EngineMemoryLimitMiB"] = "-1" });
        Assert.Equal(2, result.ExitCode);
        ServingCliTests.AssertOneLine(result.StandardError, "EngineMemoryLimitMiB");
    }
}
