using System.Text.Json;
using Analytics.Ingestors.Csv;
using Analytics.Ingestors.Sources;

namespace Analytics.Ingestors.PagerDuty;

/// <summary>Where a PagerDuty source got to (cursor <c>incidents</c>).</summary>
/// <param name="Through">Incidents created before this were listed.</param>
/// <param name="Watched">
/// Incidents read again at every run until they are resolved and stored (open ones, and ones refused last time), with the
/// fingerprint of the row last written ("" when refused), the deployment their change events named and their creation time.
/// </param>
/// <param name="Listed">
/// How many incidents PagerDuty listed created from the oldest watched incident's creation up to <see cref="Through"/>
/// (0 when none is watched); null when not known (an older incident is watched than the last listing covered).
/// </param>
internal sealed record PagerDutyCursor(DateTimeOffset Through, Dictionary<string, WatchedIncident> Watched, int? Listed = null);

internal sealed record WatchedIncident(string Fingerprint, string? CausedBy, DateTimeOffset? Created = null);

/// <summary>
/// A PagerDuty source's incidents. PagerDuty lists incidents by creation time only (<c>since</c>/<c>until</c>), sends no
/// ETags and has no "updated since": so each run lists the incidents created since the last run (in windows of at most
/// 30 days, PagerDuty's longest range being months) and reads the incidents watched at the last run (open, or refused)
/// again, until they are resolved and stored.
/// <para>
/// When the last run knows that fewer than a page of incidents were created from the oldest watched incident's creation
/// on (<see cref="PagerDutyCursor.Listed"/>), and that is within 30 days, one listing from that creation time to now
/// gives both the new incidents and the watched ones in their state now: an unchanged re-sync costs one request, the
/// least PagerDuty allows (none is free). The incidents in it created before the last run and not watched (resolved and
/// stored, or of services not mapped) are skipped, as a listing from the last run would not have had them. Otherwise
/// (a busy window, a watched incident older than 30 days or than the last run's listing, a cursor from before this
/// rule) the listing starts at the last run and the watched incidents are read again apart: one by id, two or more
/// through one listing of the open incidents (one request per 100) — two requests.
/// </para>
/// A row is written only when it differs from the one last written, so an unchanged re-sync writes nothing.
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
        var through = cursor?.Through ?? settings.Since ?? now - FirstRunHistory;
        var oldestWatched = OldestWatched();
        // One listing for the new and the watched incidents when it is known to be short (see the class's remarks).
        var together = oldestWatched is { } oldest && oldest < through && cursor?.Listed is { } listed && listed < settings.PageSize && now - oldest <= Window;
        var listedFrom = together ? oldestWatched!.Value : through;
        var created = new List<DateTimeOffset>();

        for (var from = listedFrom; from < now; from += Window)
        {
            var until = from + Window < now ? from + Window : now;
            await Pager.ReadAsync(api.IncidentPagesAsync(from, until, cancellationToken), async page =>
            {
                var fresh = new List<JsonElement>();
                foreach (var incident in page.Items)
                {
                    var at = PagerDutyRows.CreatedAt(incident);
                    created.AddRange(at is { } c ? [c] : []);
                    if (at is null || at >= through || (PulledRecords.Text(incident, "id") is { } id && _watched.ContainsKey(id)))
                    {
                        fresh.Add(incident);
                    }
                }
                await StoreAsync(fresh, cancellationToken);
                return true;
            });
        }
        if (!together)
        {
            await ReadOpenAsync(previouslyWatched.Where(id => !_seen.Contains(id)).ToHashSet(StringComparer.Ordinal), cancellationToken);
        }
        // Not listed (a listing together misses only incidents deleted or merged since): by id.
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
        var oldestNow = _watched.Count == 0 ? now : OldestWatched();
        run.Cursors.Advance(Resource, new PagerDutyCursor(now, _watched, oldestNow >= listedFrom ? created.Count(c => c >= oldestNow) : null));
    }

    /// <summary>The oldest watched incident's creation; null when none is watched or one's creation is not known.</summary>
    private DateTimeOffset? OldestWatched() =>
        _watched.Count == 0 || _watched.Values.Any(w => w.Created is null) ? null : _watched.Values.Min(w => w.Created);

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
            _watched[id] = new WatchedIncident("", causedBy, PagerDutyRows.CreatedAt(incident));
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
            _watched[id] = new WatchedIncident(fingerprint, causedBy, PagerDutyRows.CreatedAt(incident));
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
