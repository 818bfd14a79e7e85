using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Analytics.Web.Tests.Hosting;

/// <summary>Keeps the app's log in memory, so a test can show it on failure and check that nothing was logged as an error.</summary>
public sealed class RecordingLoggerProvider : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();
    private long _sequence;

    public IReadOnlyList<LogEntry> Entries => [.. _entries];

    /// <summary>A position in the log; entries after it are <see cref="Since"/> it.</summary>
    public long Mark => Interlocked.Read(ref _sequence);

    public IReadOnlyList<LogEntry> Since(long mark) => [.. _entries.Where(entry => entry.Sequence > mark)];

    public static IReadOnlyList<LogEntry> Errors(IEnumerable<LogEntry> entries) => [.. entries.Where(entry => entry.Level >= LogLevel.Error)];

    public string Describe(IEnumerable<LogEntry> entries) =>
        string.Join(Environment.NewLine, entries.Select(entry => $"  {entry.Time:HH:mm:ss.fff} {entry.Level} {entry.Category}: {entry.Message}{(entry.Exception is null ? "" : Environment.NewLine + "    " + entry.Exception)}"));

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    /// <param name="Fields">The message template's named values (<c>{Source}</c> → "ci"), as a structured log sink sees them.</param>
    public sealed record LogEntry(long Sequence, DateTimeOffset Time, LogLevel Level, string Category, string Message, Exception? Exception)
    {
        public IReadOnlyDictionary<string, object?> Fields { get; init; } = new Dictionary<string, object?>();
    }

    private sealed class Logger(RecordingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }
            var fields = state is IEnumerable<KeyValuePair<string, object?>> pairs ? pairs.GroupBy(pair => pair.Key).ToDictionary(group => group.Key, group => group.First().Value) : [];
            provider._entries.Enqueue(new LogEntry(Interlocked.Increment(ref provider._sequence), DateTimeOffset.UtcNow, logLevel, category, formatter(state, exception), exception) { Fields = fields });
        }
    }
}
