using System.Text.Json;
using Analytics.Ingestors.Csv;
using Analytics.Ingestors.Runs;
using Analytics.Ingestors.Sources;
using Analytics.Storage.ClickHouse;
using Microsoft.Extensions.Logging;

namespace Analytics.Ingestors.Incidents;

/// <summary>Where an incident source (PagerDuty, Opsgenie) got to (cursor <c>incidents</c>).</summary>
/// <param name="Through">Incidents created before this were listed.</param>
/// <param name="Watched">
/// Incidents read again at every run until they are resolved and stored (open ones, and ones refused last time), with
/// the fingerprint of the row last written ("" when refused), the deployment the vendor said caused them and their
/// creation time.
/// </param>
/// <param name="Listed">
/// How many incidents the vendor listed created from the oldest watched incident's creation up to <see cref="Through"/>
/// (0 when none is watched); null when not known (an older incident is watched than the last listing covered).
/// </param>
internal sealed record IncidentCursor(DateTimeOffset Through, Dictionary<string, WatchedIncident> Watched, int? Listed = null);

internal sealed record WatchedIncident(string Fingerprint, string? CausedBy, DateTimeOffset? Created = null);

/// <summary>
/// What a vendor whose incidents are listed by creation time (PagerDuty, Opsgenie) gives <see cref="WatchedIncidentReader"/>:
/// its listings and its incident objects' fields. Every incident is a JSON object as the vendor sent it.
/// </summary>
internal interface IWatchedIncidentVendor
{
    /// <summary>How messages name the vendor, e.g. "PagerDuty".</summary>
    string Vendor { get; }

    /// <summary>How many incidents one request of <see cref="CreatedPagesAsync"/> returns at most.</summary>
    int PageSize { get; }

    /// <summary>
    /// The longest creation-time range <see cref="CreatedPagesAsync"/> reads in one request (PagerDuty: 30 days, a
    /// request each); null when any range is one search.
    /// </summary>
    TimeSpan? ListingWindow { get; }

    /// <summary>The incidents created in [<paramref name="since"/>, <paramref name="until"/>), oldest first.</summary>
    IAsyncEnumerable<SourcePage<JsonElement>> CreatedPagesAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken);

    /// <summary>The incidents open now, whenever created, oldest first (one request a page where by id it is one each).</summary>
    IAsyncEnumerable<SourcePage<JsonElement>> OpenPagesAsync(CancellationToken cancellationToken);

    /// <summary>One incident by id; null when the vendor no longer has it (404).</summary>
    Task<JsonElement?> IncidentAsync(string id, CancellationToken cancellationToken);

    string? Id(JsonElement incident);

    /// <summary>The incident's creation time, what <see cref="CreatedPagesAsync"/> filters on; null when missing or not a time.</summary>
    DateTimeOffset? CreatedAt(JsonElement incident);

    bool IsResolved(JsonElement incident);

    /// <summary>The incident's catalog service; null when its vendor service is not mapped.</summary>
    Task<string?> ServiceOfAsync(JsonElement incident, CancellationToken cancellationToken);

    /// <summary>How a message names the incident's vendor service, e.g. "'Mail' (PMAIL)".</summary>
    Task<string> ServiceNameAsync(JsonElement incident, CancellationToken cancellationToken);

    /// <summary>The deployment that caused the incident; <paramref name="previous"/> is what the last run stored for it (null when first seen).</summary>
    Task<string?> CausedByAsync(string id, JsonElement incident, WatchedIncident? previous, CancellationToken cancellationToken);

    /// <summary>The incident as an incidents record, or why it is refused (naming the incident, the field and the reason).</summary>
    (IncidentEvent? Incident, string? Problem) Parse(JsonElement incident, string service, string? causedBy, DateTimeOffset now);
}

/// <summary>
/// The incidents of a vendor that lists them by creation time only and sends no ETags (PagerDuty, Opsgenie): each run
/// lists the incidents created since the last run and reads the incidents watched at the last run (open, or refused)
/// again, until they are resolved and stored.
/// <para>
/// When the last run knows that fewer than a page of incidents were created from the oldest watched incident's creation
/// on (<see cref="IncidentCursor.Listed"/>), and that is within the vendor's <see cref="IWatchedIncidentVendor.ListingWindow"/>,
/// one listing from that creation time to now gives both the new incidents and the watched ones in their state now: an
/// unchanged re-sync costs one request, the least such a vendor allows (none is free). The incidents in it created
/// before the last run and not watched (resolved and stored, or of services not mapped) are skipped, as a listing from
/// the last run would not have had them. Otherwise (a busy window, a watched incident older than the listing window or
/// than the last run's listing, a cursor from before this rule) the listing starts at the last run and the watched
/// incidents are read again apart: one by id, two or more through one listing of the open incidents (one request per
/// page) — two requests.
/// </para>
/// A row is written only when it differs from the one last written, so an unchanged re-sync writes nothing.
/// </summary>
internal sealed class WatchedIncidentReader(IWatchedIncidentVendor vendor, string sourceName, DateTimeOffset? since, SourceRun run, TimeProvider clock)
{
    public const string Resource = "incidents";

    /// <summary>How far back the first run reads when the source sets no <c>Since</c>.</summary>
    internal static readonly TimeSpan FirstRunHistory = TimeSpan.FromDays(90);

    private static readonly RowTable Incidents = new(IncidentEvent.Table, IncidentEvent.Columns);

    private readonly Dictionary<string, int> _unmapped = new(StringComparer.Ordinal);
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private Dictionary<string, WatchedIncident> _watched = [];

    /// <summary>
    /// One run of an incident source (PagerDuty, Opsgenie): its incidents read on a new <see cref="SourceRun"/> through
    /// the vendor <paramref name="vendor"/> makes for it, the requests sent logged, and any failure a
    /// <see cref="SourceIngestException"/> with <paramref name="secret"/> masked and no inner exception.
    /// </summary>
    public static async Task<IngestResult> RunAsync(
        IngestContext context, IClickHouseStore store, TimeProvider clock, string sourceName, DateTimeOffset? since,
        Func<SourceRun, IWatchedIncidentVendor> vendor, Func<long> requests, string secret, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            var run = new SourceRun(context, store);
            var reader = vendor(run);
            await new WatchedIncidentReader(reader, sourceName, since, run, clock).ReadAsync(cancellationToken);
            logger.LogInformation("{Vendor} source {Source}: {Requests} requests.", reader.Vendor, sourceName, requests());
            return run.Result();
        }
        catch (Exception error)
        {
            throw SourceIngestException.From(error, cancellationToken, secret);
        }
    }

    public async Task ReadAsync(CancellationToken cancellationToken)
    {
        var cursor = (await run.Cursors.ReadAsync<IncidentCursor>(Resource, cancellationToken)).State;
        var now = clock.GetUtcNow();
        now = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
        _watched = new Dictionary<string, WatchedIncident>(cursor?.Watched ?? [], StringComparer.Ordinal);
        var previouslyWatched = _watched.Keys.ToList();
        var through = cursor?.Through ?? since ?? now - FirstRunHistory;
        var oldestWatched = OldestWatched();
        // One listing for the new and the watched incidents when it is known to be short (see the class's remarks).
        var together = oldestWatched is { } oldest && oldest < through && cursor?.Listed is { } listed && listed < vendor.PageSize
            && (vendor.ListingWindow is not { } window || now - oldest <= window);
        var listedFrom = together ? oldestWatched!.Value : through;
        var created = new List<DateTimeOffset>();

        if (listedFrom < now)
        {
            await Pager.ReadAsync(vendor.CreatedPagesAsync(listedFrom, now, cancellationToken), async page =>
            {
                var fresh = new List<JsonElement>();
                foreach (var incident in page.Items)
                {
                    var at = vendor.CreatedAt(incident);
                    created.AddRange(at is { } c ? [c] : []);
                    if (at is null || at >= through || (vendor.Id(incident) is { } id && _watched.ContainsKey(id)))
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
            if (await vendor.IncidentAsync(id, cancellationToken) is { } incident)
            {
                await StoreAsync([incident], cancellationToken);
            }
            else
            {
                // Gone from the vendor (deleted, or with its service): nothing more will change it.
                _watched.Remove(id);
            }
        }
        if (_unmapped.Count > 0)
        {
            run.Warn($"{_unmapped.Values.Sum()} {vendor.Vendor} incident(s) of services not in {sourceName}'s Services were not stored: "
                + string.Join(", ", _unmapped.OrderBy(u => u.Key, StringComparer.Ordinal).Select(u => $"{u.Key} ×{u.Value}")) + ".");
        }
        var oldestNow = _watched.Count == 0 ? now : OldestWatched();
        run.Cursors.Advance(Resource, new IncidentCursor(now, _watched, oldestNow >= listedFrom ? created.Count(c => c >= oldestNow) : null));
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
        await Pager.ReadAsync(vendor.OpenPagesAsync(cancellationToken), async page =>
        {
            var found = page.Items.Where(incident => vendor.Id(incident) is { } id && watched.Contains(id)).ToList();
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
        var id = vendor.Id(incident);
        if (id is null)
        {
            run.Warn($"A {vendor.Vendor} incident without an id was not stored.");
            return null;
        }
        _seen.Add(id);
        if (await vendor.ServiceOfAsync(incident, cancellationToken) is not { } service)
        {
            var name = await vendor.ServiceNameAsync(incident, cancellationToken);
            _unmapped[name] = _unmapped.GetValueOrDefault(name) + 1;
            _watched.Remove(id);
            return null;
        }
        var previous = _watched.GetValueOrDefault(id);
        var causedBy = await vendor.CausedByAsync(id, incident, previous, cancellationToken);
        var (parsed, problem) = vendor.Parse(incident, service, causedBy, clock.GetUtcNow());
        if (parsed is null)
        {
            // Reported on the run; read again next time, so a fix at the vendor (or in the settings) lands.
            run.Warn(problem!);
            _watched[id] = new WatchedIncident("", causedBy, vendor.CreatedAt(incident));
            return null;
        }
        var row = parsed.ToRow(sourceName);
        var fingerprint = PulledRecords.Fingerprint(row);
        if (vendor.IsResolved(incident))
        {
            _watched.Remove(id);
        }
        else
        {
            _watched[id] = new WatchedIncident(fingerprint, causedBy, vendor.CreatedAt(incident));
        }
        return previous?.Fingerprint == fingerprint ? null : row;
    }
}
