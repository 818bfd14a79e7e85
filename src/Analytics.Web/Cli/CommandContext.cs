using Spectre.Console;

namespace Analytics.Web.Cli;

/// <summary>
/// A command the running app runs for a CLI on the same machine (<see cref="HandOver.CommandChannelServer"/>): the app's
/// services instead of a host of the command's own, the caller's working directory and the caller's console. Set for
/// the command's asynchronous flow only; null in a command that runs in its own process. <paramref name="LogLevel"/> is the
/// caller's <c>--log-level</c>: the command's log lines from that level go to <paramref name="Error"/> (<see cref="CommandLog"/>).
/// </summary>
internal sealed record CommandContext(IServiceProvider Services, string WorkingDirectory, IAnsiConsole Console, TextWriter Out, TextWriter Error, LogLevel LogLevel)
{
    private static readonly AsyncLocal<CommandContext?> CurrentValue = new();

    public static CommandContext? Current => CurrentValue.Value;

    /// <summary>Runs <paramref name="command"/> with <paramref name="context"/> current (the value reverts when this returns).</summary>
    public static async Task<int> RunAsync(CommandContext context, Func<Task<int>> command)
    {
        CurrentValue.Value = context;
        return await command();
    }

    /// <summary>A path the user typed, resolved against their working directory (the app's is another).</summary>
    public static string FullPath(string path) => Path.GetFullPath(path, Current?.WorkingDirectory ?? Environment.CurrentDirectory);
}
