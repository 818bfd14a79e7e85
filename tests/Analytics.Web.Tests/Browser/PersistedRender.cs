using System.Collections.Concurrent;
using System.Diagnostics;
using Analytics.Storage.ClickHouse;
using static Analytics.Web.Tests.Browser.DashboardPages;

namespace Analytics.Web.Tests.Browser;

/// <summary>
/// Whether a page's interactive render shows the figures persisted by its prerender instead of querying again: a whole
/// browser load (prerender and the circuit's render) makes the same figure queries (SQL files) as the prerender alone.
/// </summary>
public static class PersistedRender
{
    /// <summary>
    /// Opens <paramref name="path"/> in the browser, waits until the circuit shows the figures, and asserts the load made
    /// no figure query (SQL file) besides those of an HTTP GET of the same page (counted just before, caches warmed by a first GET).
    /// Returns the open session for further checks.
    /// </summary>
    public static async Task<BrowserSession> AssertTheCircuitDoesNotQueryAgainAsync(BrowserFixture browser, AnalyticsAppFixture app, string path)
    {
        var relative = path.TrimStart('/');
        await app.Http.GetStringAsync(relative);
        IReadOnlyList<string> prerender;
        var database = app.Services.GetRequiredService<IClickHouseStore>().Database;
        using (var calls = new StoreCalls(database))
        {
            await app.Http.GetStringAsync(relative);
            prerender = calls.Files;
        }
        Assert.True(prerender.Count > 0, $"{path}: its prerender made no ClickHouse call; the test would prove nothing");

        using var load = new StoreCalls(database);
        var session = await OpenAsync(browser, app, path);
        // Named by SQL file, sorted: a failure says which calls the circuit made again.
        Assert.Equal(prerender, load.Files);
        return session;
    }

    /// <summary>
    /// The figures' ClickHouse calls (InstrumentedStore's spans with a SQL file) stopped while it is alive, on this app's
    /// database only: the listener hears every store of the process, and other test collections' hosts run meanwhile.
    /// </summary>
    private sealed class StoreCalls : IDisposable
    {
        /// <summary>InstrumentedStore's names for SQL not from a file under sql/clickhouse/.</summary>
        private static readonly HashSet<string> NotFigures = ["query", "statement", "insert"];

        private readonly ConcurrentQueue<string> _calls = new();
        private readonly ActivityListener _listener;

        public StoreCalls(string database)
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name == InstrumentedStore.Name,
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
                // The figures' calls, each named by its SQL file; untagged ones ("query", "statement") are catalog and notes
                // reads and writes (the team page's annotation editor reads its list again in the circuit), not figures.
                ActivityStopped = activity =>
                {
                    if (activity.GetTagItem("analytics.query") is string file && !NotFigures.Contains(file)
                        && activity.GetTagItem("db.namespace") as string == database)
                    {
                        _calls.Enqueue(file);
                    }
                },
            };
            ActivitySource.AddActivityListener(_listener);
        }

        /// <summary>The calls' SQL files, sorted.</summary>
        public IReadOnlyList<string> Files => [.. _calls.Order(StringComparer.Ordinal)];

        public void Dispose() => _listener.Dispose();
    }
}
