using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Analytics.Core.Calendar;
using Analytics.Core.Dora;
using Analytics.Ingestors.Demo;
using Analytics.Storage.ClickHouse;
using Analytics.Storage.Metrics;
using Microsoft.Extensions.Options;

namespace Analytics.Bench.DevLake;

/// <summary>
/// Our side of the DevLake comparison alone (<c>devlake-ours</c>), per team, no MariaDB: the engine's fixed cost per
/// query through the store (<c>SELECT 1</c>, and a trivial read of one team's rows), then each figure's file as
/// <see cref="DevLakeBenchmark"/> runs it, with what the engine read for it (its ProfileEvents counters SelectedParts,
/// SelectedMarks, SelectedRows, SelectedBytes, summed over the swept teams) and, for the first team, the primary-key
/// selection of each table read (<c>EXPLAIN indexes = 1</c>). With a baseline SQL catalogue (e.g. main's
/// sql/clickhouse) each file is also timed from there, interleaved in the same sweeps, and every team's rows must be
/// identical both ways.
/// </summary>
/// <param name="explore">A folder of further .sql files to time per team with the figures' parameters (series parameters when the name holds "series"); null = none.</param>
/// <param name="explainTo">A folder to write each query's whole EXPLAIN indexes = 1 (first team) into; null = none.</param>
public sealed class OurQueriesProfile(DemoScale scale, int seed, DateTimeOffset end, string dataPath, int repeats, int? teamLimit, string? baselineRoot,
    string? explore = null, string? explainTo = null)
{
    /// <summary>One query: its name in the table, the SQL text (from a catalogue) and its parameters for a team.</summary>
    private sealed record Probe(string Name, Func<SqlFiles, string> Sql, Func<string, QueryParameters?> Parameters);

    public async Task<IReadOnlyList<string>> RunAsync(IProgress<string> progress, CancellationToken cancellationToken)
    {
        await using var loaded = await GeneratedOrganisationStore.LoadAsync(scale, seed, end, dataPath, progress, cancellationToken);
        var store = loaded.Store;
        var owners = await store.QueryAsync<OwnerRow>(
            "SELECT service, argMax(team, valid_from) AS team FROM catalog_service_ownership GROUP BY service", cancellationToken: cancellationToken);
        var teams = DevLakeBenchmark.SweptTeams(owners.Select(o => o.Team), teamLimit);
        var baseline = baselineRoot is null ? null : new SqlFiles(baselineRoot);
        var queries = new DoraQueries(store, loaded.SqlFiles, Options.Create(new MetricOptions()));
        var from = end.AddMonths(-6);
        DoraRequest RequestFor(string team) => new(from, end, team) { LeadTimeUnit = LeadTimeUnit.PullRequest };
        Probe FromFile(string name) => new($"{name}.sql", files => files.Query(name), team => queries.SummaryParameters(RequestFor(team)));
        var probes = new List<Probe>
        {
            new("floor: SELECT 1", _ => "SELECT 1 AS one", _ => null),
            new("floor: one team's production deployments, count()", _ => "SELECT count() AS n FROM production_deployments WHERE team = {team:String}",
                team => QueryParameters.From(("team", team))),
            FromFile("dora/deployment_frequency"),
            FromFile(DoraQueries.LeadTimeQuery(LeadTimeUnit.PullRequest)),
            FromFile("dora/change_failure_rate"),
            FromFile("dora/restore_time"),
            FromFile("dora/recovery_time"),
            FromFile("dora/teams"),
            new("dora/series.sql (by month)", files => files.Query("dora/series"), team => queries.SeriesParameters(RequestFor(team), Granularity.Month)),
        };
        if (explore is not null)
        {
            foreach (var path in Directory.EnumerateFiles(explore, "*.sql").Order(StringComparer.Ordinal))
            {
                var text = File.ReadAllText(path);
                var series = Path.GetFileName(path).Contains("series", StringComparison.Ordinal);
                probes.Add(new($"explore: {Path.GetFileName(path)}", _ => text,
                    team => series ? queries.SeriesParameters(RequestFor(team), Granularity.Month) : queries.SummaryParameters(RequestFor(team))));
            }
        }

        var lines = new List<string>
        {
            $"Scale {scale.Teams} teams, {scale.Months} months, seed {seed}, period {from:yyyy-MM-dd} to {end:yyyy-MM-dd}, {teams.Count} teams swept ({string.Join(", ", teams)}); " +
            $"{Environment.ProcessorCount} cores, warm-up + {repeats} sweeps, p50 per team; load average at the start {LoadAverage()}.",
            "",
            baseline is null
                ? "| query | ms per team (p50) | parts | marks | rows read | bytes read | first team: tables read, parts and granules selected by the primary key |"
                : "| query | baseline ms per team (p50) | ms per team (p50) | baseline ÷ this | parts | marks | rows read | bytes read | first team: tables read, parts and granules selected by the primary key |",
            baseline is null ? "|---|---:|---:|---:|---:|---:|---|" : "|---|---:|---:|---:|---:|---:|---:|---:|---|",
        };
        foreach (var probe in probes)
        {
            progress.Report($"{probe.Name}…");
            var current = probe.Sql(loaded.SqlFiles);
            // Explored files have no counterpart in the baseline.
            var before = baseline is null || probe.Name.StartsWith("explore: ", StringComparison.Ordinal) ? null : probe.Sql(baseline);
            if (before is not null)
            {
                foreach (var team in teams)
                {
                    var mine = await RowsAsync(store, current, probe.Parameters(team), cancellationToken);
                    var theirs = await RowsAsync(store, before, probe.Parameters(team), cancellationToken);
                    if (mine != theirs)
                    {
                        throw new InvalidOperationException($"{probe.Name} for team {team}: the rows differ from the baseline's.\nthis:     {mine}\nbaseline: {theirs}");
                    }
                }
            }
            var (time, baseTime) = await TimeAsync(store, teams, current, before, probe.Parameters, cancellationToken);
            var read = new Counters(0, 0, 0, 0);
            foreach (var team in teams)
            {
                read += await ReadForAsync(store, current, probe.Parameters(team), cancellationToken);
            }
            var plan = await PlanAsync(store, current, probe.Parameters(teams[0]), cancellationToken);
            if (explainTo is not null)
            {
                Directory.CreateDirectory(explainTo);
                await File.WriteAllLinesAsync(Path.Combine(explainTo, string.Concat(probe.Name.Select(c => char.IsLetterOrDigit(c) ? c : '_')) + ".txt"), plan, cancellationToken);
            }
            var explain = Summarise(plan);
            static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture);
            var counts = $"{read.Parts:N0} | {read.Marks:N0} | {read.Rows:N0} | {read.Bytes:N0}";
            lines.Add(baseTime is { } b
                ? $"| {probe.Name} | {Ms(b)} | {Ms(time)} | {(b.TotalMilliseconds / Math.Max(time.TotalMilliseconds, 1e-6)).ToString("0.0", CultureInfo.InvariantCulture)} | {counts} | {explain} |"
                : $"| {probe.Name} | {Ms(time)} | {counts} | {explain} |");
        }
        lines.Add("");
        lines.Add($"Counters summed over the {teams.Count} teams, one run each. Load average at the end {LoadAverage()}.");
        return lines;
    }

    /// <summary>A warm-up sweep, then <c>repeats</c> sweeps over the teams; p50 of a sweep ÷ teams. With a baseline, A and B alternate inside each sweep.</summary>
    private async Task<(TimeSpan Time, TimeSpan? Baseline)> TimeAsync(IClickHouseStore store, IReadOnlyList<string> teams, string sql, string? baseline,
        Func<string, QueryParameters?> parameters, CancellationToken cancellationToken)
    {
        var times = new List<TimeSpan>();
        var baseTimes = new List<TimeSpan>();
        for (var sweep = 0; sweep <= repeats; sweep++)
        {
            var mine = TimeSpan.Zero;
            var theirs = TimeSpan.Zero;
            foreach (var (team, i) in teams.Select((team, i) => (team, i)))
            {
                // Alternate which goes first, so neither always runs on the other's warm caches.
                var baselineFirst = baseline is not null && (sweep + i) % 2 == 1;
                if (baselineFirst)
                {
                    theirs += await OnceAsync(store, baseline!, parameters(team), cancellationToken);
                }
                mine += await OnceAsync(store, sql, parameters(team), cancellationToken);
                if (baseline is not null && !baselineFirst)
                {
                    theirs += await OnceAsync(store, baseline, parameters(team), cancellationToken);
                }
            }
            if (sweep > 0)
            {
                times.Add(mine / teams.Count);
                baseTimes.Add(theirs / teams.Count);
            }
        }
        return (Median(times), baseline is null ? null : Median(baseTimes));
    }

    private static TimeSpan Median(List<TimeSpan> times) => times.Order().ElementAt(times.Count / 2);

    private static async Task<TimeSpan> OnceAsync(IClickHouseStore store, string sql, QueryParameters? parameters, CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        await store.QueryAsync<Dictionary<string, JsonElement>>(sql, parameters, cancellationToken);
        return watch.Elapsed;
    }

    private static async Task<string> RowsAsync(IClickHouseStore store, string sql, QueryParameters? parameters, CancellationToken cancellationToken) =>
        JsonSerializer.Serialize(await store.QueryAsync<Dictionary<string, JsonElement>>(sql, parameters, cancellationToken));

    private sealed record Counters(long Parts, long Marks, long Rows, long Bytes)
    {
        public static Counters operator +(Counters a, Counters b) => new(a.Parts + b.Parts, a.Marks + b.Marks, a.Rows + b.Rows, a.Bytes + b.Bytes);

        public static Counters operator -(Counters a, Counters b) => new(a.Parts - b.Parts, a.Marks - b.Marks, a.Rows - b.Rows, a.Bytes - b.Bytes);
    }

    /// <summary>
    /// What one run of the query read from MergeTree tables: the difference of the engine's ProfileEvents counters around
    /// it (system.events; the embedded engine keeps no system.query_log). The least of three runs, so a store check that
    /// happens to run in between does not count.
    /// </summary>
    private static async Task<Counters> ReadForAsync(IClickHouseStore store, string sql, QueryParameters? parameters, CancellationToken cancellationToken)
    {
        Counters? least = null;
        for (var i = 0; i < 3; i++)
        {
            var before = await EventsAsync(store, cancellationToken);
            await store.QueryAsync<Dictionary<string, JsonElement>>(sql, parameters, cancellationToken);
            var read = await EventsAsync(store, cancellationToken) - before;
            least = least is null || read.Rows < least.Rows ? read : least;
        }
        return least!;
    }

    private static async Task<Counters> EventsAsync(IClickHouseStore store, CancellationToken cancellationToken)
    {
        var row = (await store.QueryAsync<EventsRow>("""
            SELECT sumIf(value, event = 'SelectedParts') AS parts, sumIf(value, event = 'SelectedMarks') AS marks,
                   sumIf(value, event = 'SelectedRows') AS rows, sumIf(value, event = 'SelectedBytes') AS bytes
            FROM system.events
            """, cancellationToken: cancellationToken)).Single();
        return new Counters(row.Parts, row.Marks, row.Rows, row.Bytes);
    }

    /// <summary>Each MergeTree read of the plan: table, then the parts and granules left after the primary key (and partition) selection.</summary>
    private static async Task<List<string>> PlanAsync(IClickHouseStore store, string sql, QueryParameters? parameters, CancellationToken cancellationToken) =>
        (await store.QueryAsync<ExplainRow>("EXPLAIN indexes = 1\n" + sql, parameters, cancellationToken)).Select(row => row.Explain).ToList();

    private static string Summarise(IEnumerable<string> plan)
    {
        var reads = new List<string>();
        string? table = null;
        string? selected = null;
        foreach (var line in plan.Select(line => line.Trim()))
        {
            if (line.StartsWith("ReadFromMergeTree", StringComparison.Ordinal))
            {
                Flush();
                var open = line.IndexOf('(', StringComparison.Ordinal);
                table = open < 0 ? line : line[(open + 1)..].TrimEnd(')').Split('.').Last();
            }
            else if (table is not null && (line.StartsWith("Parts:", StringComparison.Ordinal) || line.StartsWith("Granules:", StringComparison.Ordinal)))
            {
                // The last Parts/Granules pair of a read is after every index applied.
                selected = line.StartsWith("Parts:", StringComparison.Ordinal) ? line["Parts: ".Length..] : $"{selected?.Split(' ')[0]} parts, {line["Granules: ".Length..]} granules";
            }
        }
        Flush();
        return reads.Count == 0 ? "—" : string.Join("; ", reads);

        void Flush()
        {
            if (table is not null)
            {
                reads.Add($"{table} {selected ?? "(no index use shown)"}");
            }
            table = null;
            selected = null;
        }
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    private sealed record OwnerRow(string Service, string Team);

    private sealed record EventsRow(long Parts, long Marks, long Rows, long Bytes);

    private sealed record ExplainRow(string Explain);
}
