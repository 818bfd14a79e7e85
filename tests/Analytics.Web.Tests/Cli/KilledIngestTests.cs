using System.Diagnostics;
using System.Text;
using Analytics.Testing;

namespace Analytics.Web.Tests.Cli;

/// <summary>
/// The real <c>analytics</c> executable killed (SIGKILL) in the middle of <c>ingest git</c>, at several points:
/// the next run takes the source over at once (same machine, the process is gone) and, once it has run, the
/// figures equal those of one clean run on a fresh store.
/// </summary>
public sealed class KilledIngestTests(KilledIngestTests.CleanRun clean) : IClassFixture<KilledIngestTests.CleanRun>, IDisposable
{
    private static readonly string Executable = Path.Combine(AppContext.BaseDirectory, "analytics.dll");

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
            Assert.Equal(0, (await RunAsync(root, IngestArguments(Repository))).ExitCode);
            Figures = await DoraAsync(root);
            Assert.Contains("\"deployments\"", Figures, StringComparison.OrdinalIgnoreCase);
        }

        public Task DisposeAsync()
        {
            Repository.Dispose();
            DeleteAll(_roots);
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
        var killed = NewRoot();
        var killedRun = await RunAsync(killed, IngestArguments(clean.Repository), killAtLine: stage, killAfter: TimeSpan.FromMilliseconds(delayMs));
        // At a stage of the run it is always killed; after a delay it may have finished first.
        Assert.True(killedRun.Killed || (stage is null && killedRun.ExitCode == 0), $"The first run was not killed mid-way: {killedRun.Output}");

        // At once: no "already running" for five minutes.
        var rerun = await RunAsync(killed, IngestArguments(clean.Repository));
        Assert.True(rerun.ExitCode == 0, $"The re-run failed ({rerun.ExitCode}): {rerun.Output}");
        Assert.Equal(clean.Figures, await DoraAsync(killed));
    }

    public void Dispose() => DeleteAll(_roots);

    private static void DeleteAll(IEnumerable<string> folders)
    {
        foreach (var folder in folders)
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // A temp folder left behind is harmless.
            }
        }
    }

    private static string[] IngestArguments(LongHistory repository) =>
        ["ingest", "git", repository.Path, "--service", LongHistory.Service, "--repository", LongHistory.RepositoryName, "--tag-pattern", "v*"];

    private static async Task<string> DoraAsync(string root)
    {
        var dora = await RunAsync(root, ["dora", "--from", "2011-01-01", "--to", "2026-12-01", "--format", "json"]);
        Assert.True(dora.ExitCode == 0, $"dora failed ({dora.ExitCode}): {dora.Output}");
        return dora.StandardOutput;
    }

    private string NewRoot()
    {
        var root = Directory.CreateTempSubdirectory("analytics-killed-ingest-").FullName;
        _roots.Add(root);
        return root;
    }

    private sealed record ProcessResult(int ExitCode, bool Killed, string StandardOutput, string Output);

    /// <summary>Runs the executable on its own store under <paramref name="dataRoot"/>; kills it when a line containing <paramref name="killAtLine"/> appears (after <paramref name="killAfter"/>), or after <paramref name="killAfter"/> alone.</summary>
    private static async Task<ProcessResult> RunAsync(string dataRoot, string[] arguments, string? killAtLine = null, TimeSpan killAfter = default)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Executable);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["XDG_DATA_HOME"] = dataRoot;
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        // The runner's stages, in its log lines on standard error, for the kill points.
        start.Environment["Logging__LogLevel__Analytics.Ingestors.Runs"] = "Information";
        using var process = Process.Start(start) ?? throw new InvalidOperationException("analytics did not start.");
        var standardOutput = new StringBuilder();
        var all = new StringBuilder();
        var stageSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is null)
            {
                return;
            }
            lock (all)
            {
                standardOutput.AppendLine(line.Data);
                all.AppendLine(line.Data);
            }
        };
        process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is null)
            {
                return;
            }
            lock (all)
            {
                all.AppendLine(line.Data);
            }
            if (killAtLine is not null && line.Data.Contains(killAtLine, StringComparison.Ordinal))
            {
                stageSeen.TrySetResult();
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var killed = false;
        var exited = process.WaitForExitAsync();
        if (killAtLine is not null || killAfter > TimeSpan.Zero)
        {
            var trigger = killAtLine is null ? Task.Delay(killAfter) : stageSeen.Task.ContinueWith(_ => Task.Delay(killAfter)).Unwrap();
            if (await Task.WhenAny(trigger, exited) == trigger && !process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                killed = true;
            }
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            lock (all)
            {
                throw new TimeoutException($"analytics {string.Join(' ', arguments)} did not end within 3 minutes; its output: {all}");
            }
        }
        process.WaitForExit(); // drains the redirected streams
        lock (all)
        {
            return new ProcessResult(process.ExitCode, killed, standardOutput.ToString(), all.ToString());
        }
    }
}
