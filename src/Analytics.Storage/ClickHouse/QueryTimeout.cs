using System.Globalization;

namespace Analytics.Storage.ClickHouse;

/// <summary>
/// A time limit for the SELECTs (<see cref="IClickHouseStore.QueryAsync{TRow}"/>) started in the current async flow,
/// e.g. while the API answers a request. Both transports pass it to the engine as the <c>max_execution_time</c>
/// setting, so the engine itself stops the query and reports <see cref="ClickHouseException.TimeoutExceeded"/>.
/// </summary>
public static class QueryTimeout
{
    private static readonly AsyncLocal<TimeSpan?> Ambient = new();

    /// <summary>The limit in force here, or null for none.</summary>
    public static TimeSpan? Current => Ambient.Value;

    /// <summary>Sets the limit until the returned scope is disposed.</summary>
    public static IDisposable Use(TimeSpan timeout)
    {
        var previous = Ambient.Value;
        Ambient.Value = timeout;
        return new Scope(previous);
    }

    /// <summary>The value of <c>max_execution_time</c> for <paramref name="timeout"/> (seconds, fractions allowed).</summary>
    public static string Seconds(TimeSpan timeout) => timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);

    private sealed class Scope(TimeSpan? previous) : IDisposable
    {
        public void Dispose() => Ambient.Value = previous;
    }
}
