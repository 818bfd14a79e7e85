namespace Analytics.Ingestors.Tests.GitHub;

/// <summary>
/// A clock that never sleeps: a timer asked for moves the time forward by its due time and fires at once. Polly's
/// backoff and the rate-limit waits run on it, so a test "waits" an hour in no time, and <see cref="Waited"/> says
/// how long the code under test would have waited. The fake GitHub server reads the same clock, so its rate-limit
/// window resets when the client has waited for it.
/// </summary>
public sealed class FakeClock(DateTimeOffset start) : TimeProvider
{
    private long _utcTicks = start.UtcTicks;
    private long _waitedTicks;

    public override DateTimeOffset GetUtcNow() => new(Interlocked.Read(ref _utcTicks), TimeSpan.Zero);

    /// <summary>The time all timers together moved the clock forward.</summary>
    public TimeSpan Waited => TimeSpan.FromTicks(Interlocked.Read(ref _waitedTicks));

    /// <summary>The waits asked for, in order.</summary>
    public List<TimeSpan> Waits { get; } = [];

    public void Advance(TimeSpan by) => Interlocked.Add(ref _utcTicks, by.Ticks);

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        new FiringTimer(this, callback, state, dueTime);

    private void Wait(TimeSpan dueTime)
    {
        lock (Waits)
        {
            Waits.Add(dueTime);
        }
        Interlocked.Add(ref _waitedTicks, dueTime.Ticks);
        Advance(dueTime);
    }

    /// <summary>Fires once, on the thread pool (never inline: the caller may not have stored the timer yet).</summary>
    private sealed class FiringTimer : ITimer
    {
        private readonly FakeClock _clock;
        private readonly TimerCallback _callback;
        private readonly object? _state;
        private int _disposed;

        public FiringTimer(FakeClock clock, TimerCallback callback, object? state, TimeSpan dueTime)
        {
            (_clock, _callback, _state) = (clock, callback, state);
            Change(dueTime, Timeout.InfiniteTimeSpan);
        }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            if (dueTime == Timeout.InfiniteTimeSpan || Volatile.Read(ref _disposed) == 1)
            {
                return true;
            }
            _clock.Wait(dueTime < TimeSpan.Zero ? TimeSpan.Zero : dueTime);
            ThreadPool.QueueUserWorkItem(_ =>
            {
                if (Volatile.Read(ref _disposed) == 0)
                {
                    _callback(_state);
                }
            });
            return true;
        }

        public void Dispose() => Interlocked.Exchange(ref _disposed, 1);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
