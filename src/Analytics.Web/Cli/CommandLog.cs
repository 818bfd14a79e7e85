using System.CommandLine;
using System.CommandLine.Parsing;
using Analytics.Web.Cli.HandOver;

namespace Analytics.Web.Cli;

/// <summary>
/// A CLI command's log lines (ingest progress, warnings) on its caller's standard error, one line each
/// (<c>warn: …</c>), from the level the caller asked for (<c>--log-level</c>, default Warning) — the same whether the
/// command runs in its own process or is handed to the serving app (docs/operations.md#commands-while-the-app-runs).
/// </summary>
internal static class CommandLog
{
    public const string OptionName = "--log-level";

    /// <summary>On every command (recursive), so it can stand anywhere on the line and reaches the app with the arguments.</summary>
    public static Option<LogLevel> CreateOption() => new(OptionName)
    {
        Description = "The lowest level of the command's log lines shown on standard error: Trace, Debug, Information, Warning (default), Error, Critical or None.",
        Recursive = true,
        DefaultValueFactory = _ => LogLevel.Warning,
    };

    /// <summary>The level <paramref name="parsed"/> asks for (the default when the command line does not parse: it is not run).</summary>
    public static LogLevel Level(ParseResult parsed) => parsed.Errors.Count == 0 ? parsed.GetValue<LogLevel>(OptionName) : LogLevel.Warning;

    /// <summary>The level <paramref name="parsed"/> names explicitly, or null when left to its default.</summary>
    public static LogLevel? ExplicitLevel(ParseResult parsed) =>
        parsed.GetResult(OptionName) is OptionResult { Implicit: false } ? Level(parsed) : null;

    /// <summary>
    /// In the serving app: each handed-over command's lines to its own caller, told apart by the command's
    /// <see cref="CommandContext"/> (an AsyncLocal, so a page load or another command running meanwhile is not
    /// forwarded). The app's <c>Logging:LogLevel</c> filters apply first: a caller sees nothing the app does not log.
    /// The channel's own lines (a command started, ended, failed) are the operator's and stay in the app's log.
    /// </summary>
    public static ILoggerProvider ForHandedOverCommands() => new Provider((category, level) =>
        CommandContext.Current is { } command && level >= command.LogLevel && category != ChannelCategory ? command.Error : null);

    /// <summary>In a command's own process: every line the host's filters let through, to this process's standard error.</summary>
    public static ILoggerProvider ForThisProcess() => new Provider((_, _) => Console.Error);

    private static readonly string ChannelCategory = typeof(CommandChannelServer).FullName!;

    /// <summary>Where a line of <c>category</c> at <c>level</c> goes now, or null for nowhere.</summary>
    private delegate TextWriter? Route(string category, LogLevel level);

    private sealed class Provider(Route route) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, route);

        public void Dispose()
        {
        }
    }

    private sealed class Logger(string category, Route route) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && route(category, logLevel) is not null;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.None || route(category, logLevel) is not { } writer)
            {
                return;
            }
            var line = $"{Label(logLevel)}: {formatter(state, exception)}";
            if (exception is not null)
            {
                // The type and first line only: the full detail with its stack trace is in the app's log, not on a user's terminal.
                line += $" ({exception.GetType().Name}: {exception.Message.Split('\n', 2)[0].Trim()})";
            }
            // One write per line, so lines from several threads of the command never interleave.
            writer.Write(line + Environment.NewLine);
        }

        private static string Label(LogLevel level) => level switch
        {
            LogLevel.Trace => "trce",
            LogLevel.Debug => "dbug",
            LogLevel.Information => "info",
            LogLevel.Warning => "warn",
            LogLevel.Error => "fail",
            _ => "crit",
        };
    }
}
