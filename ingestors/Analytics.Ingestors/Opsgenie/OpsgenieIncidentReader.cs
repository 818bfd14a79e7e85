using System.Text.Json;
using Analytics.Ingestors.Csv;
using Analytics.Ingestors.Incidents;
using Analytics.Ingestors.Sources;

namespace Analytics.Ingestors.Opsgenie;

/// <summary>
/// An Opsgenie source's incidents, read by the shared <see cref="WatchedIncidentReader"/> (cursor <c>incidents</c>).
/// Opsgenie's search does not offer the incidents updated since a time, and sends no ETags: so it gives the shared
/// reader the search by <c>createdAt</c> (one search whatever the range, each incident as it is now, so an unchanged
/// re-sync from the oldest open incident's creation is one request), the search <c>status: open</c> (per 100) and one by id.
/// The account's services (id → name) are listed once per run, and only when an incident's impacted service is not
/// mapped by id (the Service API counts in Opsgenie's Configuration domain, not the Incident one).
/// </summary>
internal sealed class OpsgenieIncidentReader(OpsgenieSourceSettings settings, OpsgenieApi api) : IWatchedIncidentVendor
{
    private IReadOnlyDictionary<string, string>? _names;

    public string Vendor => "Opsgenie";

    public int PageSize => settings.PageSize;

    /// <summary>None: one search <c>createdAt &gt;= … AND createdAt &lt; …</c> takes any range.</summary>
    public TimeSpan? ListingWindow => null;

    public IAsyncEnumerable<SourcePage<JsonElement>> CreatedPagesAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken) =>
        api.IncidentPagesAsync(since, until, cancellationToken);

    public IAsyncEnumerable<SourcePage<JsonElement>> OpenPagesAsync(CancellationToken cancellationToken) => api.OpenIncidentPagesAsync(cancellationToken);

    public Task<JsonElement?> IncidentAsync(string id, CancellationToken cancellationToken) => api.IncidentAsync(id, cancellationToken);

    public string? Id(JsonElement incident) => PulledRecords.Text(incident, "id");

    public DateTimeOffset? CreatedAt(JsonElement incident) => OpsgenieRows.CreatedAt(incident);

    public bool IsResolved(JsonElement incident) => OpsgenieRows.IsResolved(incident);

    public async Task<string?> ServiceOfAsync(JsonElement incident, CancellationToken cancellationToken) =>
        OpsgenieRows.ServiceOf(settings, incident, null)
        ?? (OpsgenieRows.ImpactedServices(incident).Count == 0 ? null : OpsgenieRows.ServiceOf(settings, incident, await NamesAsync(cancellationToken)));

    public async Task<string> ServiceNameAsync(JsonElement incident, CancellationToken cancellationToken) =>
        OpsgenieRows.ServiceName(incident, OpsgenieRows.ImpactedServices(incident).Count == 0 ? null : await NamesAsync(cancellationToken));

    /// <summary>Read from the incident itself each time (its <c>extraProperties</c>): no request, and a later edit lands.</summary>
    public Task<string?> CausedByAsync(string id, JsonElement incident, WatchedIncident? previous, CancellationToken cancellationToken) =>
        Task.FromResult(OpsgenieRows.CausedBy(incident));

    public (IncidentEvent? Incident, string? Problem) Parse(JsonElement incident, string service, string? causedBy, DateTimeOffset now) =>
        OpsgenieRows.Incident(settings, incident, service, now);

    private async Task<IReadOnlyDictionary<string, string>> NamesAsync(CancellationToken cancellationToken) =>
        _names ??= await api.ServicesAsync(cancellationToken);
}
