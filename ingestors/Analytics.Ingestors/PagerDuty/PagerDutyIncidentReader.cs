using System.Runtime.CompilerServices;
using System.Text.Json;
using Analytics.Ingestors.Csv;
using Analytics.Ingestors.Incidents;
using Analytics.Ingestors.Sources;

namespace Analytics.Ingestors.PagerDuty;

/// <summary>
/// A PagerDuty source's incidents, read by the shared <see cref="WatchedIncidentReader"/> (cursor <c>incidents</c>).
/// PagerDuty lists incidents by creation time only (<c>since</c>/<c>until</c>), sends no ETags and has no "updated
/// since": so it gives the shared reader the listing <c>GET /incidents?since=…&amp;until=…</c> by creation time, in
/// windows of at most 30 days (PagerDuty's longest range being months; each window a request), the listing of the open
/// incidents (one request per <c>PageSize</c>) and one by id. New incidents' related change events name the deployment
/// that caused them (one request each, not repeated while the incident stays open).
/// </summary>
internal sealed class PagerDutyIncidentReader(PagerDutySourceSettings settings, PagerDutyApi api, SourceRun run) : IWatchedIncidentVendor
{
    private static readonly TimeSpan Window = TimeSpan.FromDays(30);

    private bool _changeEvents = settings.ChangeEvents;

    public string Vendor => "PagerDuty";

    public int PageSize => settings.PageSize;

    public TimeSpan? ListingWindow => Window;

    public async IAsyncEnumerable<SourcePage<JsonElement>> CreatedPagesAsync(DateTimeOffset since, DateTimeOffset until, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var from = since; from < until; from += Window)
        {
            await foreach (var page in api.IncidentPagesAsync(from, from + Window < until ? from + Window : until, cancellationToken))
            {
                yield return page;
            }
        }
    }

    public IAsyncEnumerable<SourcePage<JsonElement>> OpenPagesAsync(CancellationToken cancellationToken) => api.OpenIncidentPagesAsync(cancellationToken);

    public Task<JsonElement?> IncidentAsync(string id, CancellationToken cancellationToken) => api.IncidentAsync(id, cancellationToken);

    public string? Id(JsonElement incident) => PulledRecords.Text(incident, "id");

    public DateTimeOffset? CreatedAt(JsonElement incident) => PagerDutyRows.CreatedAt(incident);

    public bool IsResolved(JsonElement incident) => PagerDutyRows.IsResolved(incident);

    public Task<string?> ServiceOfAsync(JsonElement incident, CancellationToken cancellationToken) => Task.FromResult(PagerDutyRows.ServiceOf(settings, incident));

    public Task<string> ServiceNameAsync(JsonElement incident, CancellationToken cancellationToken) => Task.FromResult(PagerDutyRows.ServiceName(incident));

    public (IncidentEvent? Incident, string? Problem) Parse(JsonElement incident, string service, string? causedBy, DateTimeOffset now) =>
        PagerDutyRows.Incident(settings, incident, service, causedBy, now);

    /// <summary>An incident seen before keeps the deployment read then: its change events are read once, when it is first seen.</summary>
    public async Task<string?> CausedByAsync(string id, JsonElement incident, WatchedIncident? previous, CancellationToken cancellationToken)
    {
        if (previous is not null)
        {
            return previous.CausedBy;
        }
        if (!_changeEvents)
        {
            return null;
        }
        try
        {
            return PagerDutyRows.CausedBy(await api.RelatedChangeEventsAsync(id, cancellationToken));
        }
        catch (SourceHttpException error) when ((int?)error.StatusCode is 402 or 403)
        {
            // The account's plan or the key's role lacks change events: incidents are still stored, without their cause.
            _changeEvents = false;
            run.Warn($"{error.Message} Incidents are stored without the deployment that caused them (set ChangeEvents to false to stop asking).");
            return null;
        }
    }
}
