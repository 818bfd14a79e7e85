using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Analytics.Web.Queries;

namespace Analytics.Web.Tests.Hosting;

/// <summary>Counts the team page's queries of the store for one team (TeamPageQueries' analytics.team_page.loads) while it lives.</summary>
public sealed class TeamPageLoadCounter : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<DateTimeOffset> _loads = new();

    public TeamPageLoadCounter(string team)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == TeamPageQueries.MeterName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "team" && (string?)tag.Value == team)
                {
                    for (var i = 0; i < value; i++)
                    {
                        _loads.Enqueue(DateTimeOffset.UtcNow);
                    }
                }
            }
        });
        _listener.Start();
    }

    public int Count => _loads.Count;

    public void Dispose() => _listener.Dispose();
}
