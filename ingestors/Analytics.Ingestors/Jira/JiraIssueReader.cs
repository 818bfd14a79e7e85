using System.Text.Json;
using Analytics.Ingestors.Csv;
using Analytics.Ingestors.Sources;

namespace Analytics.Ingestors.Jira;

/// <summary>Where a Jira resource got to: the newest <c>updated</c> read, and the issues read at or after that time less the overlap (key → its <c>updated</c> ticks).</summary>
internal sealed record JiraCursor(DateTimeOffset Updated, Dictionary<string, long> Read);

/// <summary>
/// One Jira search read incrementally (cursor <c>incidents</c> or <c>requests</c>): the issues its JQL finds that were
/// updated since the last run's newest, oldest first (<c>updated &gt;= "…" ORDER BY updated ASC</c>). JQL takes minutes in
/// the token owner's time zone, so the search reaches a day further back than the cursor; issues already read with the
/// same <c>updated</c> are skipped, so an unchanged re-sync writes nothing and costs one search request (more only when
/// over a page of issues changed within the day). A refused issue holds the cursor back to its time: it is read again
/// at every run until it is stored.
/// </summary>
internal sealed class JiraIssueReader(
    JiraApi api, SourceRun run, TimeProvider clock, DateTimeOffset? since, string resource, string jql, IReadOnlyList<string> fields, bool changelog,
    RowTable table, Func<JsonElement, DateTimeOffset, JiraRow> map)
{
    internal static readonly TimeSpan Overlap = TimeSpan.FromDays(1);

    internal static readonly TimeSpan FirstRunHistory = TimeSpan.FromDays(90);

    public async Task ReadAsync(CancellationToken cancellationToken)
    {
        var state = (await run.Cursors.ReadAsync<JiraCursor>(resource, cancellationToken)).State;
        var now = clock.GetUtcNow();
        var from = state is null ? since ?? now - FirstRunHistory : state.Updated - Overlap;
        var read = new Dictionary<string, long>(state?.Read ?? [], StringComparer.Ordinal);
        DateTimeOffset? newest = state?.Updated, earliestRefused = null;
        var unmapped = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var search = $"{jql} AND updated >= \"{from.UtcDateTime:yyyy-MM-dd HH:mm}\" ORDER BY updated ASC";
        await Pager.ReadAsync(api.SearchAsync(search, fields, changelog, cancellationToken), async page =>
        {
            var rows = new List<object?[]>();
            foreach (var issue in page.Items)
            {
                var key = PulledRecords.Text(issue, "key") ?? "";
                var updated = JiraRows.Instant(PulledRecords.Text(PulledRecords.Object(issue, "fields"), "updated")) ?? now;
                if (read.TryGetValue(key, out var ticks) && ticks == updated.UtcTicks)
                {
                    continue;
                }
                var mapped = map(issue, now);
                if (mapped.Problem is { } problem)
                {
                    run.Warn(problem);
                    read.Remove(key);
                    earliestRefused = earliestRefused is { } e && e < updated ? e : updated;
                    continue;
                }
                if (mapped.Unmapped is { } name)
                {
                    unmapped[name] = unmapped.GetValueOrDefault(name) + 1;
                }
                else
                {
                    rows.Add(mapped.Row!);
                }
                read[key] = updated.UtcTicks;
                newest = newest is { } n && n > updated ? n : updated;
            }
            await run.Rows.WriteAsync(table, rows, cancellationToken);
            return true;
        });
        if (unmapped.Count > 0)
        {
            run.Warn($"{unmapped.Values.Sum()} Jira {resource} not stored, their {string.Join(", ", unmapped.Select(u => $"{u.Key} ×{u.Value}"))} mapped to nothing in the settings.");
        }
        if ((earliestRefused is { } refused && (newest is null || refused < newest) ? refused : newest) is { } cursor)
        {
            var keep = (cursor - Overlap - TimeSpan.FromMinutes(1)).UtcTicks;
            run.Cursors.Advance(resource, new JiraCursor(cursor, read.Where(r => r.Value >= keep).ToDictionary(r => r.Key, r => r.Value, StringComparer.Ordinal)));
        }
    }
}
