using System.Text.Json;
using Analytics.Ingestors.Csv;
using Analytics.Ingestors.Sources;

namespace Analytics.Ingestors.Jira;

/// <summary>Where a Jira resource got to: the newest <c>updated</c> read, and the issues read at or after that time less the overlap (key → its <c>updated</c> ticks).</summary>
internal sealed record JiraCursor(DateTimeOffset Updated, Dictionary<string, long> Read);

/// <summary>
/// A Jira source's resources (cursors <c>incidents</c> and <c>requests</c>) read incrementally: the issues each one's
/// JQL finds that were updated since its cursor, oldest first (<c>updated &gt;= "…" ORDER BY updated ASC</c>). JQL takes
/// minutes in the token owner's time zone, so a search reaches a day further back than the cursor; issues already read
/// with the same <c>updated</c>, and issues older than that day (a zone ahead of UTC returns some), are skipped, so an
/// unchanged re-sync writes nothing.
/// <para>
/// When the two resources' windows start within a day of each other (always, unless an issue was refused), both are read
/// by one search, <c>((A) OR (B)) AND updated &gt;= "&lt;the older start&gt;"</c>: an unchanged re-sync costs one request
/// (more only when over a page of issues changed within the day). Each returned issue goes to the resource(s) whose
/// clauses select it (<see cref="JiraSelection.Selects"/>; one selected by both is read by both, as two searches would),
/// and each resource keeps its own cursor: it skips what is older than its own window, and moves to the newest issue the
/// search returned (the search returns every issue of either resource up to that one). Further apart, each resource
/// is read by its own search (two requests). A refused issue holds only its own resource's cursor back to its time:
/// that resource reads it again at every run until it is stored, in the shared search while it is within a day of the
/// other's window, by a search of its own after that.
/// </para>
/// </summary>
internal sealed class JiraIssueReader(JiraApi api, SourceRun run, TimeProvider clock, DateTimeOffset? since)
{
    internal static readonly TimeSpan Overlap = TimeSpan.FromDays(1);

    internal static readonly TimeSpan FirstRunHistory = TimeSpan.FromDays(90);

    public async Task ReadAsync(IReadOnlyList<JiraResource> resources, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var reads = new List<ResourceRead>();
        foreach (var resource in resources)
        {
            var state = (await run.Cursors.ReadAsync<JiraCursor>(resource.Name, cancellationToken)).State;
            reads.Add(new ResourceRead(resource, state, state is null ? since ?? now - FirstRunHistory : state.Updated - Overlap, run));
        }
        var searches = reads.Count == 2 && (reads[0].From - reads[1].From).Duration() <= Overlap ? [reads] : reads.Select(read => new List<ResourceRead> { read }).ToList();
        foreach (var search in searches)
        {
            await SearchAsync(search, now, cancellationToken);
        }
        foreach (var read in reads)
        {
            read.Finish();
        }
    }

    private async Task SearchAsync(IReadOnlyList<ResourceRead> reads, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var shared = reads.Count > 1;
        // Parenthesised whatever JQL's precedence (AND binds tighter than OR): each resource's clauses, then the window.
        var selection = shared ? $"({string.Join(" OR ", reads.Select(r => $"({r.Resource.Selection.Jql})"))})" : reads[0].Resource.Selection.Jql;
        var from = reads.Min(r => r.From);
        var jql = $"{selection} AND updated >= \"{from.UtcDateTime:yyyy-MM-dd HH:mm}\" ORDER BY updated ASC";
        var fields = reads.SelectMany(r => r.Resource.Fields).Distinct(StringComparer.Ordinal).ToList();
        DateTimeOffset? newest = null;
        await Pager.ReadAsync(api.SearchAsync(jql, fields, reads.Any(r => r.Resource.Changelog), cancellationToken), async page =>
        {
            foreach (var read in reads)
            {
                var rows = page.Items.Where(issue => !shared || read.Resource.Selection.Selects(issue)).Select(issue => read.Take(issue, now)).OfType<object?[]>().ToList();
                await run.Rows.WriteAsync(read.Resource.Table, rows, cancellationToken);
            }
            foreach (var issue in page.Items)
            {
                var updated = Updated(issue, now);
                newest = newest is { } n && n > updated ? n : updated;
            }
            return true;
        });
        foreach (var read in reads)
        {
            read.SearchedThrough(newest);
        }
    }

    private static DateTimeOffset Updated(JsonElement issue, DateTimeOffset now) =>
        JiraRows.Instant(PulledRecords.Text(PulledRecords.Object(issue, "fields"), "updated")) ?? now;

    /// <summary>One resource's part of a run: its window, what it read, what it refused, where its cursor goes.</summary>
    private sealed class ResourceRead(JiraResource resource, JiraCursor? state, DateTimeOffset from, SourceRun run)
    {
        private readonly Dictionary<string, long> _read = new(state?.Read ?? [], StringComparer.Ordinal);
        private readonly SortedDictionary<string, int> _unmapped = new(StringComparer.Ordinal);
        private DateTimeOffset? _newest = state?.Updated, _earliestRefused;

        public JiraResource Resource => resource;

        /// <summary>The window's start, to the minute as the JQL says it.</summary>
        public DateTimeOffset From { get; } = new(from.UtcTicks - from.UtcTicks % TimeSpan.TicksPerMinute, TimeSpan.Zero);

        /// <summary>The row to write for <paramref name="issue"/>; null when it is older than the window, already read, not mapped or refused (a warning names it).</summary>
        public object?[]? Take(JsonElement issue, DateTimeOffset now)
        {
            var key = PulledRecords.Text(issue, "key") ?? "";
            var updated = Updated(issue, now);
            if (updated < From || (_read.TryGetValue(key, out var ticks) && ticks == updated.UtcTicks))
            {
                return null;
            }
            var mapped = resource.Map(issue, now);
            if (mapped.Problem is { } problem)
            {
                run.Warn(problem);
                _read.Remove(key);
                _earliestRefused = _earliestRefused is { } e && e < updated ? e : updated;
                return null;
            }
            if (mapped.Unmapped is { } name)
            {
                _unmapped[name] = _unmapped.GetValueOrDefault(name) + 1;
            }
            _read[key] = updated.UtcTicks;
            _newest = _newest is { } n && n > updated ? n : updated;
            return mapped.Row;
        }

        /// <summary>The search this resource took part in returned every issue it selects up to <paramref name="newest"/>.</summary>
        public void SearchedThrough(DateTimeOffset? newest)
        {
            if (newest is { } searched && (_newest is null || _newest < searched))
            {
                _newest = searched;
            }
        }

        public void Finish()
        {
            if (_unmapped.Count > 0)
            {
                run.Warn($"{_unmapped.Values.Sum()} Jira {resource.Name} not stored, their {string.Join(", ", _unmapped.Select(u => $"{u.Key} ×{u.Value}"))} mapped to nothing in the settings.");
            }
            if ((_earliestRefused is { } refused && (_newest is null || refused < _newest) ? refused : _newest) is { } cursor)
            {
                var keep = (cursor - Overlap - TimeSpan.FromMinutes(1)).UtcTicks;
                run.Cursors.Advance(resource.Name, new JiraCursor(cursor, _read.Where(r => r.Value >= keep).ToDictionary(r => r.Key, r => r.Value, StringComparer.Ordinal)));
            }
        }
    }
}
