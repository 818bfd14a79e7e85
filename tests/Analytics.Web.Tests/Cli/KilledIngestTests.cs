using Analytics.Testing;

namespace Analytics.Web.Tests.Cli;

/// <summary>
/// The real <c>analytics</c> executable killed (SIGKILL) in the middle of <c>ingest git</c>, at several points:
/// the next run takes the source over at once (same machine, the process is gone) and, once it has run, the
/// figures equal those of one clean run on a fresh store.
/// </summary>
public sealed class KilledIngestTests(KilledIngestTests.CleanRun clean) : IClassFixture<KilledIngestTests.CleanRun>, IDisposable
{
    /// <summary>The runner's stages, in its log lines on standard error, for the kill points.</summary>
    private static readonly Dictionary<string, string> LogStages = new() { ["Logging__LogLevel__Analytics.Ingestors.Runs"] = "Information" };

    private readonly List<string> _roots = [];

    /// <summary>The repository, and the figures of one clean run of it on a fresh store (computed once for the class).</summary>
    public sealed class CleanRun : IAsyncLifetime
    {
        private readonly List<string> _roots = [];

        public LongHistory Repository { get; } = LongHistory.Create();

        public string Figures { get; private set; } = "";

        public async Task InitializeAsync()
        {
            var root = Directory.CreateTempSubdirectory("analytics-clean-ingest-").FullName;
            _roots.Add(root);
            var run = await AnalyticsProcess.RunAsync(root, IngestArguments(Repository), LogStages);
            Assert.True(run.ExitCode == 0, run.ToString());
            Figures = await DoraAsync(root);
            Assert.Contains("\"deployments\"", Figures, StringComparison.OrdinalIgnoreCase);
        }

        public Task DisposeAsync()
        {
            Repository.Dispose();
            _roots.ForEach(TempFolders.Delete);
            return Task.CompletedTask;
        }
    }

    [Theory]
    [InlineData("started.", 0)]      // reading the clone, staging rows
    [InlineData("publishing", 0)]    // making the staged rows visible (the catalog has recorded which)
    [InlineData("publishing", 150)]  // published, linking deployments to commits
    [InlineData("succeeded:", 0)]    // recorded as succeeded, refreshing the derived tables
    [InlineData(null, 500)]          // start-up: migrating the catalog (EF Core's lock row left behind)
    [InlineData(null, 1500)]         // wherever it is after 1.5 s (start-up, migrations, or the run)
    [InlineData(null, 2500)]         // migrating the store, part-way through a migration
    [InlineData(null, 4000)]
    public async Task A_killed_ingest_then_a_clean_rerun_gives_the_figures_of_a_clean_run(string? stage, int delayMs)
    {
        // At a stage it is killed as soon as the stage's line is read; the last stage can end first on a loaded machine
        // (the refresh took 216 ms), so that run is tried again on a fresh store, at most three times. After a delay it
        // may have finished first.
        var killed = NewRoot();
        var (wasKilled, first) = await AnalyticsProcess.RunAndKillAsync(killed, IngestArguments(clean.Repository), LogStages, stage, TimeSpan.FromMilliseconds(delayMs));
        for (var attempt = 2; stage is not null && !wasKilled && attempt <= 3; attempt++)
        {
            killed = NewRoot();
            (wasKilled, first) = await AnalyticsProcess.RunAndKillAsync(killed, IngestArguments(clean.Repository), LogStages, stage, TimeSpan.FromMilliseconds(delayMs));
        }
        Assert.True(wasKilled || (stage is null && first.ExitCode == 0), $"The first run was not killed mid-way: {first}");

        // At once: no "already running" for five minutes.
        var rerun = await AnalyticsProcess.RunAsync(killed, IngestArguments(clean.Repository), LogStages);
        Assert.True(rerun.ExitCode == 0, $"The re-run failed: {rerun}");
        Assert.Equal(clean.Figures, await DoraAsync(killed));
    }

    public void Dispose() => _roots.ForEach(TempFolders.Delete);

    private static string[] IngestArguments(LongHistory repository) =>
        ["ingest", "git", repository.Path, "--service", LongHistory.Service, "--repository", LongHistory.RepositoryName, "--tag-pattern", "v*"];

    private static async Task<string> DoraAsync(string root)
    {
        var dora = await AnalyticsProcess.RunAsync(root, ["dora", "--from", "2011-01-01", "--to", "2026-12-01", "--format", "json"]);
        Assert.True(dora.ExitCode == 0, $"dora failed: {dora}");
        return dora.StandardOutput;
    }

    private string NewRoot()
    {
        var root = Directory.CreateTempSubdirectory("analytics-killed-ingest-").FullName;
        _roots.Add(root);
        return root;
    }
}
