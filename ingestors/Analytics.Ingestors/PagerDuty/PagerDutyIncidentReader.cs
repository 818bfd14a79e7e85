using System.Text.Json;
using Analytics.Ingestors.Csv;
using Analytics.Ingestors.Sources;

namespace Analytics.Ingestors.PagerDuty;

/// <summary>Where a PagerDuty source got to (cursor <c>incidents</c>).</summary>
/// <param name="Through">Incidents created before this were listed.</param>
/// <param name="Watched">
/// Incidents read again at every run (by id, or in the listing of open incidents) until they are resolved and stored (open ones, and ones refused last time),
/// with the fingerprint of the row last written ("" when refused) and the deployment their change events named.
/// </param>
internal sealed record PagerDutyCursor(DateTimeOffset Through, Dictionary<string, WatchedIncident> Watched);

internal sealed record WatchedIncident(string Fingerprint, string? CausedBy);

/// <summary>
/// A PagerDuty source's incidents. PagerDuty lists incidents by creation time only (<c>since</c>/<c>until</c>), sends no
/// ETags and has no "updated since": so each run lists the incidents created since the last run (in windows of at
/// most 30 days, PagerDuty's longest range being months) and reads the incidents still open at the last run again,
/// until they are resolved: one by id, two or more through one listing of the open incidents (one request per 100).
/// A row is written only when it differs from the one last written, so an unchanged re-sync writes nothing and costs
/// one request, plus one per 100 open incidents (none without open incidents).
/// </summary>
internal sealed class PagerDutyIncidentReader(PagerDutySourceSettings settings, PagerDutyApi api, SourceRun run, TimeProvider clock)
{
    public const string Resource = "incidents";

    internal static readonly TimeSpan FirstRunHistory = TimeSpan.FromDays(90);

    private static readonly TimeSpan Window = TimeSpan.FromDays(30);

    private static readonly RowTable Incidents = new(IncidentEvent.Table, IncidentEvent.Columns);

    private readonly Dictionary<string, int> _unmapped = new(StringComparer.Ordinal);
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private Dictionary<string, WatchedIncident> _watched = [];
    private bool _changeEvents = settings.ChangeEvents;

    public async Task ReadAsync(CancellationToken cancellationToken)
    {
        var cursor = (await run.Cursors.ReadAsync<PagerDutyCursor>(Resource, cancellationToken)).State;
        var now = clock.GetUtcNow();
        now = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
        _watched = new Dictionary<string, WatchedIncident>(cursor?.Watched ?? [], StringComparer.Ordinal);
        var previouslyWatched = _watched.Keys.ToList();

        for (var from = cursor?.Through ?? settings.Since ?? now - FirstRunHistory; from < now; from += Window)
        {
            var until = from + Window < now ? from + Window : now;
            await Pager.ReadAsync(api.IncidentPagesAsync(from, until, cancellationToken), async page =>
            {
                await StoreAsync(page.Items, cancellationToken);
                return true;
            });
        }
        await ReadOpenAsync(previouslyWatched.Where(id => !_seen.Contains(id)).ToHashSet(StringComparer.Ordinal), cancellationToken);
        foreach (var id in previouslyWatched.Where(id => !_seen.Contains(id)))
        {
            if (await api.IncidentAsync(id, cancellationToken) is { } incident)
            {
                await StoreAsync([incident], cancellationToken);
            }
            else
            {
                // Gone from PagerDuty (deleted with its service): nothing more will change it.
                _watched.Remove(id);
            }
        }
        if (_unmapped.Count > 0)
        {
            run.Warn($"{_unmapped.Values.Sum()} PagerDuty incident(s) of services not in {settings.Name}'s Services were not stored: "
                + string.Join(", ", _unmapped.OrderBy(u => u.Key, StringComparer.Ordinal).Select(u => $"{u.Key} ×{u.Value}")) + ".");
        }
        run.Cursors.Advance(Resource, new PagerDutyCursor(now, _watched));
    }

    /// <summary>
    /// With two or more incidents to read again, lists the open incidents instead (one request per page where by id it
    /// is one each) and stores those among <paramref name="watched"/>; the ones it does not find (resolved since, or
    /// refused and resolved) are read by id after. It stops once it found them all, or after as many pages as half of
    /// them, so it never costs more than half again what reading them by id would.
    /// </summary>
    private async Task ReadOpenAsync(HashSet<string> watched, CancellationToken cancellationToken)
    {
        if (watched.Count < 2)
        {
            return;
        }
        var (pages, missing) = (0, watched.Count);
        await Pager.ReadAsync(api.OpenIncidentPagesAsync(cancellationToken), async page =>
        {
            var found = page.Items.Where(incident => PulledRecords.Text(incident, "id") is { } id && watched.Contains(id)).ToList();
            await StoreAsync(found, cancellationToken);
            missing -= found.Count;
            return missing > 0 && ++pages < (watched.Count + 1) / 2;
        });
    }

    private async Task StoreAsync(IReadOnlyList<JsonElement> incidents, CancellationToken cancellationToken)
    {
        var rows = new List<object?[]>();
        foreach (var incident in incidents)
        {
            if (await RowOfAsync(incident, cancellationToken) is { } row)
            {
                rows.Add(row);
            }
        }
        await run.Rows.WriteAsync(Incidents, rows, cancellationToken);
    }

    /// <summary>The row to write for <paramref name="incident"/>; null when it is unchanged, not mapped or refused (a warning names it).</summary>
    private async Task<object?[]?> RowOfAsync(JsonElement incident, CancellationToken cancellationToken)
    {
        var id = PulledRecords.Text(incident, "id");
        if (id is null)
        {
            run.Warn("A PagerDuty incident without an id was not stored.");
            return null;
        }
        _seen.Add(id);
        if (PagerDutyRows.ServiceOf(settings, incident) is not { } service)
        {
            var name = PagerDutyRows.ServiceName(incident);
            _unmapped[name] = _unmapped.GetValueOrDefault(name) + 1;
            _watched.Remove(id);
            return null;
        }
        var previous = _watched.GetValueOrDefault(id);
        var causedBy = previous is null ? await CausedByAsync(id, cancellationToken) : previous.CausedBy;
        var (parsed, problem) = PagerDutyRows.Incident(settings, incident, service, causedBy, clock.GetUtcNow());
        if (parsed is null)
        {
            // Reported on the run; read again by id next time, so a fix in PagerDuty (or in the settings) lands.
            run.Warn(problem!);
            _watched[id] = new WatchedIncident("", causedBy);
            return null;
        }
        var row = parsed.ToRow(settings.Name);
        var fingerprint = PulledRecords.Fingerprint(row);
        if (PagerDutyRows.IsResolved(incident))
        {
            _watched.Remove(id);
        }
        else
        {
            _watched[id] = new WatchedIncident(fingerprint, causedBy);
        }
        return previous?.Fingerprint == fingerprint ? null : row;
    }

    private async Task<string?> CausedByAsync(string id, CancellationToken cancellationToken)
    {
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
