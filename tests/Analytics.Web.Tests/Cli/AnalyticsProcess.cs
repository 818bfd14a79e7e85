using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Analytics.Web.Tests.Cli;

/// <summary>The real <c>analytics</c> executable, on a store of its own under a data root: one command run to its end, or the app serving.</summary>
public static class AnalyticsProcess
{
    private static readonly string Executable = Path.Combine(AppContext.BaseDirectory, "analytics.dll");

    public sealed record Result(int ExitCode, string StandardOutput, string StandardError)
    {
        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{StandardOutput}\n--- stderr\n{StandardError}";
    }

    /// <summary>
    /// How long a run may take: the bound only keeps a hung process from holding the test run (a loaded CI machine took
    /// over 3 minutes to load the tiny demo).
    /// </summary>
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(10);

    /// <summary>Runs <paramref name="arguments"/> to the end with <paramref name="settings"/> as environment variables.</summary>
    public static async Task<Result> RunAsync(string dataRoot, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? settings = null) =>
        await RunAsync(dataRoot, arguments, settings, Bound);

    /// <summary>As <see cref="RunAsync(string, IEnumerable{string}, IReadOnlyDictionary{string, string}?)"/>, stopped after <paramref name="bound"/>.</summary>
    public static async Task<Result> RunAsync(string dataRoot, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? settings, TimeSpan bound)
    {
        using var process = Start(dataRoot, arguments, settings);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(bound);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"analytics {string.Join(' ', arguments)} ran longer than {bound.TotalMinutes} minutes: {await output}{await error}");
        }
        return new Result(process.ExitCode, await output, await error);
    }

    /// <summary>
    /// Runs <paramref name="arguments"/> and kills the process (SIGKILL, as a crash or the OOM killer would) once a line of
    /// its standard error contains <paramref name="killAtLine"/> and <paramref name="killAfter"/> more has passed, or, with
    /// no line given, after <paramref name="killAfter"/>. It may end first: <c>Killed</c> says whether it came to that.
    /// </summary>
    public static async Task<(bool Killed, Result Result)> RunAndKillAsync(
        string dataRoot, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? settings, string? killAtLine, TimeSpan killAfter)
    {
        using var process = Start(dataRoot, arguments, settings);
        var output = new StringBuilder();
        var error = new StringBuilder();
        var lineSeen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var killed = false;
        process.OutputDataReceived += (_, line) =>
        {
            lock (output)
            {
                output.AppendLine(line.Data);
            }
        };
        process.ErrorDataReceived += (_, line) =>
        {
            lock (error)
            {
                error.AppendLine(line.Data);
            }
            if (killAtLine is not null && line.Data?.Contains(killAtLine, StringComparison.Ordinal) == true)
            {
                if (killAfter == TimeSpan.Zero)
                {
                    // At once, on the thread that read the line: a stage can be over in a few hundred milliseconds.
                    Kill(process, ref killed);
                }
                lineSeen.TrySetResult();
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var trigger = killAtLine is null ? Task.Delay(killAfter) : lineSeen.Task.ContinueWith(_ => Task.Delay(killAfter)).Unwrap();
        if (await Task.WhenAny(trigger, process.WaitForExitAsync()) == trigger)
        {
            Kill(process, ref killed);
        }
        using var timeout = new CancellationTokenSource(Bound);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
        }
        process.WaitForExit(); // drains the redirected streams
        lock (output)
        {
            lock (error)
            {
                return (killed, new Result(process.ExitCode, output.ToString(), error.ToString()));
            }
        }
    }

    private static readonly Lock KillGate = new();

    private static void Kill(Process process, ref bool killed)
    {
        lock (KillGate)
        {
            if (!killed && !process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                killed = true;
            }
        }
    }

    /// <summary>
    /// Starts <c>analytics --urls …</c> on a free loopback port, with <paramref name="settings"/> as environment variables, and waits for its "Dashboard:" line.
    /// </summary>
    /// <remarks>
    /// KNOWN START-UP HANG (see EngineMemoryLimitTests): now and then a process hangs before it prints anything. Such a
    /// start is killed after 4 minutes and tried once more; a start that printed something and still did not serve
    /// fails at once, with its output in the message.
    /// </remarks>
    public static async Task<ServingApp> ServeAsync(string dataRoot, IReadOnlyDictionary<string, string>? settings = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (app, output) = await TryServeAsync(dataRoot, settings);
            if (app is not null)
            {
                return app;
            }
            if (attempt == 2 || output.Trim().Length > 0)
            {
                throw new TimeoutException($"The app did not serve within 4 minutes (start {attempt}); its output:\n{output}");
            }
        }
    }

    private static async Task<(ServingApp? App, string Output)> TryServeAsync(string dataRoot, IReadOnlyDictionary<string, string>? settings)
    {
        var url = $"http://127.0.0.1:{FreePort()}";
        var process = Start(dataRoot, ["--urls", url], settings);
        var log = new StringBuilder();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Collect(string? line)
        {
            if (line is null)
            {
                ready.TrySetException(new InvalidOperationException($"The app ended before serving: {log}"));
                return;
            }
            lock (log)
            {
                log.AppendLine(line);
            }
            if (line.StartsWith("Dashboard:", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        }
        process.OutputDataReceived += (_, line) => Collect(line.Data);
        process.ErrorDataReceived += (_, line) =>
        {
            lock (log)
            {
                log.AppendLine(line.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var app = new ServingApp(process, new Uri(url), log);
        try
        {
            await ready.Task.WaitAsync(TimeSpan.FromMinutes(4));
        }
        catch (TimeoutException)
        {
            await app.DisposeAsync();
            lock (log)
            {
                return (null, log.ToString());
            }
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        return (app, "");
    }

    private static Process Start(string dataRoot, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? settings)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Executable);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["XDG_DATA_HOME"] = dataRoot;
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["Analytics__Auth__Mode"] = "Open";
        foreach (var (name, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }
        return Process.Start(start) ?? throw new InvalidOperationException("analytics did not start.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The app serving; disposing stops it (SIGTERM, then a kill after 30 s).</summary>
    public sealed class ServingApp(Process process, Uri url, StringBuilder log) : IAsyncDisposable
    {
        public Uri Url { get; } = url;

        public int ProcessId => process.Id;

        public bool HasExited => process.HasExited;

        public string Log
        {
            get
            {
                lock (log)
                {
                    return log.ToString();
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (!process.HasExited)
            {
                Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])?.WaitForExit();
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                try
                {
                    await process.WaitForExitAsync(grace.Token);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                }
            }
            process.Dispose();
        }
    }
}
