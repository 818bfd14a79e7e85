using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Analytics.Core.Calendar;
using Analytics.Core.Dora;
using Analytics.Ingestors.Demo;
using Analytics.Storage.ClickHouse;
using Analytics.Storage.Metrics;
using Microsoft.Extensions.Options;
using MySqlConnector;

namespace Analytics.Bench.DevLake;

/// <summary>
/// Side by side with Apache DevLake (issue 14): the same generated organisation in our embedded engine and, mapped as
/// DevLake's pipeline would (<see cref="DevLakeMapping"/>), in DevLake's domain tables on MariaDB; each DORA figure of
/// DevLake's own dashboard (DevLake/queries/*.sql, macros expanded by <see cref="GrafanaMacros"/> for one project per
/// team over Grafana's default last 6 months) against the product's query for the same figure, team and period
/// (sql/clickhouse/queries/dora/*.sql with the parameters <see cref="DoraQueries.SummaryParameters"/> gives the API).
/// A pair's time is one sweep over every team (one query per team, as the dashboards render per team): a warm-up
/// sweep, then <c>repeats</c> timed sweeps, p50 (every team, or the first <c>teamLimit</c> by name). Goal: ours at
/// least 10 × faster per figure.
/// </summary>
public sealed class DevLakeBenchmark(DemoScale scale, int seed, DateTimeOffset end, string dataPath, string? mariaDb, int repeats, TimeSpan timeout, int? teamLimit = null)
{
    /// <summary>A DORA figure both ways: DevLake's panel queries (run one after another) and our query files, or an action of ours.</summary>
    private sealed record Pair(string Figure, string DevLakePanels, string[] DevLakeQueries, string DoraReport, string Ours,
        Func<DoraRequest, Task> RunOurs);

    public async Task<DevLakeReport> RunAsync(IProgress<string> progress, CancellationToken cancellationToken)
    {
        await using var loaded = await GeneratedOrganisationStore.LoadAsync(scale, seed, end, dataPath, progress, cancellationToken);
        var store = loaded.Store;
        progress.Report("reading the organisation back for DevLake's tables…");
        var org = await ExportAsync(store, cancellationToken);
        var mapWatch = Stopwatch.StartNew();
        var data = DevLakeMapping.Map(org);
        mapWatch.Stop();

        await using var server = await MariaDbServer.StartAsync(mariaDb, progress, cancellationToken);
        await using var connection = await server.OpenAsync(cancellationToken);
        progress.Report("loading DevLake's domain tables into MariaDB…");
        var loadWatch = Stopwatch.StartNew();
        var devLakeRows = await LoadAsync(connection, data, end, cancellationToken);
        loadWatch.Stop();
        await ExecuteAsync(connection, $"SET SESSION max_statement_time = {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)}", cancellationToken);

        var to = end;
        var from = end.AddMonths(-6); // DORA.json's default time range: now-6M to now
        // Every team, or the first teamLimit by name (at L a sweep of all 200 teams through DevLake's queries takes hours).
        var teams = SweptTeams(org.ServiceOwners.Values, teamLimit);
        var options = Options.Create(new MetricOptions());
        var queries = new DoraQueries(store, loaded.SqlFiles, options);
        DoraRequest RequestFor(string team) => new(from, to, team) { LeadTimeUnit = LeadTimeUnit.PullRequest };

        Func<DoraRequest, Task> OurFile(string name) =>
            request => store.QueryAsync<Dictionary<string, JsonElement>>(loaded.SqlFiles.Query(name), queries.SummaryParameters(request), cancellationToken);
        var leadTimeFile = DoraQueries.LeadTimeQuery(LeadTimeUnit.PullRequest);
        var pairs = new List<Pair>
        {
            new("Deployment frequency", "11 (stat)", ["deployment_frequency"], "2023", "dora/deployment_frequency.sql", OurFile("dora/deployment_frequency")),
            new("Lead time for changes", "12 (stat)", ["lead_time"], "2023", $"{leadTimeFile}.sql", OurFile(leadTimeFile)),
            new("Change failure rate", "14 (stat)", ["change_failure_rate"], "2023", "dora/change_failure_rate.sql", OurFile("dora/change_failure_rate")),
            new("Failed deployment recovery time (2023)", "17 (stat), report 2023", ["recovery_time"], "2023", "dora/restore_time.sql", OurFile("dora/restore_time")),
            new("Time to restore service (2021)", "17 (stat), report 2021", ["recovery_time"], "2021", "dora/recovery_time.sql", OurFile("dora/recovery_time")),
            new("The four keys of a team (the team's DORA card)", "11 + 12 + 14 + 17 (stats, 2023)", ["deployment_frequency", "lead_time", "change_failure_rate", "recovery_time"], "2023",
                "`DoraQueries.SummariesAsync` (/api/teams/{team}/dora: every figure file + teams)", request => queries.SummariesAsync(request, cancellationToken)),
            new("Monthly series (the four bar charts)", "2 + 6 + 5 + 9 (bar charts, 2023)", ["monthly_deployments", "monthly_lead_time", "monthly_change_failure_rate", "monthly_recovery_time"], "2023",
                "dora/series.sql (`DoraQueries.SeriesAsync`, by month)", request => queries.SeriesAsync(request, Granularity.Month, cancellationToken)),
        };

        var timings = new List<DevLakePairTiming>();
        var devLakeValues = new Dictionary<(string Figure, string Team), string>();
        foreach (var pair in pairs)
        {
            progress.Report($"{pair.Figure}: DevLake on MariaDB…");
            var devLake = await TimeSweepsAsync(async () =>
            {
                foreach (var team in teams)
                {
                    foreach (var file in pair.DevLakeQueries)
                    {
                        var value = await RunDevLakeAsync(connection, Expand(file, from, to, team, pair.DoraReport), cancellationToken);
                        if (value.TimedOut)
                        {
                            return false;
                        }
                        devLakeValues.TryAdd((pair.Figure, team), value.FirstValue ?? "");
                    }
                }
                return true;
            });
            progress.Report($"{pair.Figure}: ours on the embedded engine…");
            var ours = await TimeSweepsAsync(async () =>
            {
                foreach (var team in teams)
                {
                    await pair.RunOurs(RequestFor(team));
                }
                return true;
            });
            timings.Add(new DevLakePairTiming(pair.Figure, pair.DevLakePanels, pair.Ours, teams.Count, devLake.P50, devLake.TimedOut, ours.P50));
        }

        progress.Report("our figures for the comparison of values…");
        var ourFigures = new Dictionary<string, DoraSummary>();
        foreach (var team in teams)
        {
            ourFigures[team] = (await queries.SummariesAsync(RequestFor(team), cancellationToken)).Teams.Single(summary => summary.Team == team);
        }
        var values = teams.Select(team => new DevLakeTeamValues(team,
                [.. pairs.Take(5).Select(pair => (devLakeValues.GetValueOrDefault((pair.Figure, team)) ?? "(timed out)", Ours(pair.Figure, ourFigures[team])))]))
            .ToList();

        using var process = Process.GetCurrentProcess();
        return new DevLakeReport(scale, seed, org.ServiceOwners.Values.Distinct().Count(), from, to, loaded.Organisation.Rows ?? 0, devLakeRows, server.Version ?? "", loadWatch.Elapsed + mapWatch.Elapsed,
            repeats, timeout, timings, [.. pairs.Take(5).Select(pair => pair.Figure)], values, File.ReadAllText("/proc/loadavg").Trim());
    }

    /// <summary>A figure of ours written as DevLake's stat panel writes it (its unit, one decimal), tier left out.</summary>
    private static string Ours(string figure, DoraSummary summary) => figure switch
    {
        "Deployment frequency" => summary.DeploymentFrequency.MedianDeploymentDaysPerWeek is { } days
            ? $"{days.ToString("0.#", CultureInfo.InvariantCulture)} deployment days per week" : "no sample",
        "Lead time for changes" => Hours(summary.LeadTime.Median),
        "Change failure rate" => summary.ChangeFailureRate.Rate is { } rate ? $"{(rate * 100).ToString("0.0", CultureInfo.InvariantCulture)}%" : "no sample",
        "Failed deployment recovery time (2023)" => Hours(summary.RecoveryTime.RestoreMedian),
        "Time to restore service (2021)" => Hours(summary.RecoveryTime.Median),
        _ => throw new ArgumentOutOfRangeException(nameof(figure), figure, "no value comparison for this figure"),
    };

    private static string Hours(TimeSpan? value) => value is { } time ? time.TotalHours.ToString("0.0", CultureInfo.InvariantCulture) : "no sample";

    /// <summary>A DevLake dashboard query as Grafana sends it for one project (the team) and the period.</summary>
    public static string Expand(string file, DateTimeOffset from, DateTimeOffset to, string project, string doraReport) =>
        GrafanaMacros.Expand(Resource($"queries.{file}.sql"), from, to, new Dictionary<string, GrafanaMacros.Variable>
        {
            ["project"] = new([project], Multi: true),
            ["dora_report"] = new([doraReport], Multi: false),
            ["title_value"] = new([doraReport == "2023" ? "Failed Deployment Recovery Time" : "Median Time to Restore Service"], Multi: false),
        });

    /// <summary>The teams a sweep covers: every team owning a service at the end of the data, by name, or the first <paramref name="limit"/>.</summary>
    public static List<string> SweptTeams(IEnumerable<string> owners, int? limit) =>
        owners.Distinct().Order(StringComparer.Ordinal).Take(limit ?? int.MaxValue).ToList();

    /// <summary>A file under DevLake/ embedded in the bench (the schema, the dashboard's queries).</summary>
    public static string Resource(string name)
    {
        var assembly = typeof(DevLakeBenchmark).Assembly;
        using var stream = assembly.GetManifestResourceStream($"Analytics.Bench.DevLake.{name}")
            ?? throw new InvalidOperationException($"The bench carries no DevLake/{name.Replace("queries.", "queries/", StringComparison.Ordinal)}.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private async Task<(TimeSpan P50, bool TimedOut)> TimeSweepsAsync(Func<Task<bool>> sweep)
    {
        var warmUp = Stopwatch.StartNew();
        if (!await sweep())
        {
            // Stopped at the statement limit: the warm-up's time is a lower bound and repeating it would only wait again.
            return (warmUp.Elapsed, true);
        }
        var times = new List<TimeSpan>();
        for (var i = 0; i < repeats; i++)
        {
            var watch = Stopwatch.StartNew();
            await sweep();
            times.Add(watch.Elapsed);
        }
        return (times.Order().ElementAt(times.Count / 2), false);
    }

    /// <summary>Runs a query to its last row; the first column of the first row is the stat panel's value.</summary>
    private static async Task<(string? FirstValue, bool TimedOut)> RunDevLakeAsync(MySqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        try
        {
            await using var command = new MySqlCommand(sql, connection);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            string? first = null;
            while (await reader.ReadAsync(cancellationToken))
            {
                first ??= reader.IsDBNull(0) ? "" : Convert.ToString(reader.GetValue(0), CultureInfo.InvariantCulture);
            }
            return (first, false);
        }
        catch (MySqlException error) when (error.Number == 1969) // ER_STATEMENT_TIMEOUT: max_statement_time reached
        {
            return (null, true);
        }
    }

    /// <summary>The rows DevLake's tables are made from, read from our store (deduplicated, as every reader).</summary>
    public static async Task<OurOrganisation> ExportAsync(IClickHouseStore store, CancellationToken cancellationToken)
    {
        // DevLake's project mapping has no history: each service goes to the team owning it last.
        var owners = await store.QueryAsync<OwnerRow>(
            "SELECT service, argMax(team, valid_from) AS team FROM catalog_service_ownership GROUP BY service", cancellationToken: cancellationToken);
        var deployments = await store.QueryAsync<DeploymentRow>("""
            SELECT deployment_id AS id, service, environment, repository, sha, toBool(status = 'success') AS success,
                   toBool(environment IN (SELECT DISTINCT environment FROM production_deployments)) AS production,
                   started_at, assumeNotNull(finished_at) AS finished_at
            FROM deployments FINAL
            WHERE finished_at IS NOT NULL
            """, cancellationToken: cancellationToken);
        var pullRequests = await store.QueryAsync<PullRequestRow>(
            "SELECT repository, number, opened_at, merged_at, merge_sha, first_commit_at FROM pull_requests FINAL", cancellationToken: cancellationToken);
        // Only the shipments of merge commits: DevLake's lead time looks a pull request's merge commit up in the deployments' commit diffs.
        var shipped = await store.QueryAsync<ShippedRow>("""
            SELECT deployment_id, sha FROM deployment_commits FINAL
            WHERE sha IN (SELECT merge_sha FROM pull_requests FINAL WHERE merged_at IS NOT NULL AND merge_sha != '')
            """, cancellationToken: cancellationToken);
        var incidents = await store.QueryAsync<IncidentRow>(
            "SELECT incident_id AS id, service, started_at, resolved_at FROM incidents FINAL", cancellationToken: cancellationToken);
        return new OurOrganisation(
            owners.ToDictionary(o => o.Service, o => o.Team, StringComparer.Ordinal),
            [.. deployments.Select(d => new OurDeployment(d.Id, d.Service, d.Environment, d.Repository, d.Sha, d.Success, d.Production, d.StartedAt.UtcDateTime, d.FinishedAt.UtcDateTime))],
            [.. pullRequests.Select(p => new OurPullRequest(p.Repository, p.Number, p.OpenedAt.UtcDateTime, p.MergedAt?.UtcDateTime, p.MergeSha, p.FirstCommitAt?.UtcDateTime))],
            [.. shipped.Select(s => new OurShippedCommit(s.DeploymentId, s.Sha))],
            [.. incidents.Select(i => new OurIncident(i.Id, i.Service, i.StartedAt.UtcDateTime, i.ResolvedAt?.UtcDateTime))]);
    }

    /// <summary>Creates DevLake's tables (DevLake/schema.sql) afresh and fills them; returns the rows written.</summary>
    private static async Task<long> LoadAsync(MySqlConnection connection, DevLakeData data, DateTimeOffset end, CancellationToken cancellationToken)
    {
        foreach (var table in new[] { "cicd_deployment_commits", "pull_requests", "project_pr_metrics", "incidents", "project_incident_deployment_relationships", "project_mapping", "calendar_months" })
        {
            await ExecuteAsync(connection, $"DROP TABLE IF EXISTS {table}", cancellationToken);
        }
        foreach (var statement in Resource("schema.sql").Split(';').Select(StripComments).Where(s => s.Length > 0))
        {
            await ExecuteAsync(connection, statement, cancellationToken);
        }
        var rows = 0L;
        rows += await InsertAsync(connection, "project_mapping", ["project_name", "`table`", "row_id"],
            data.ProjectMapping.Select(m => new object?[] { m.ProjectName, m.Table, m.RowId }), cancellationToken);
        rows += await InsertAsync(connection, "cicd_deployment_commits",
            ["id", "cicd_scope_id", "cicd_deployment_id", "result", "status", "environment", "created_date", "started_date", "finished_date", "commit_sha", "repo_id", "repo_url", "prev_success_deployment_commit_id"],
            data.DeploymentCommits.Select(d => new object?[] { d.Id, d.CicdScopeId, d.CicdDeploymentId, d.Result, "DONE", d.Environment, d.StartedDate, d.StartedDate, d.FinishedDate, d.CommitSha, d.RepoUrl, d.RepoUrl, d.PrevSuccessDeploymentCommitId }),
            cancellationToken);
        rows += await InsertAsync(connection, "pull_requests", ["id", "base_repo_id", "head_repo_id", "status", "pull_request_key", "created_date", "merged_date", "merge_commit_sha"],
            data.PullRequests.Select(p => new object?[] { p.Id, p.BaseRepoId, p.BaseRepoId, p.MergedDate is null ? "OPEN" : "MERGED", p.Key, p.CreatedDate, p.MergedDate, p.MergeCommitSha }),
            cancellationToken);
        rows += await InsertAsync(connection, "project_pr_metrics",
            ["id", "project_name", "pr_coding_time", "deployment_commit_id", "pr_deploy_time", "pr_cycle_time", "first_commit_authored_date", "pr_created_date", "pr_merged_date", "pr_deployed_date"],
            data.PrMetrics.Select(m => new object?[] { m.Id, m.ProjectName, m.PrCodingTime, m.DeploymentCommitId ?? "", m.PrDeployTime, m.PrCycleTime, m.FirstCommitAuthoredDate, m.CreatedDate, m.MergedDate, m.DeployedDate }),
            cancellationToken);
        rows += await InsertAsync(connection, "incidents", ["id", "incident_key", "status", "created_date", "resolution_date", "lead_time_minutes", "`table`", "scope_id"],
            data.Incidents.Select(i => new object?[] { i.Id, i.Id, i.ResolutionDate is null ? "IN_PROGRESS" : "DONE", i.CreatedDate, i.ResolutionDate, i.LeadTimeMinutes, i.Table, i.ScopeId }),
            cancellationToken);
        rows += await InsertAsync(connection, "project_incident_deployment_relationships", ["id", "project_name", "deployment_id"],
            data.IncidentDeployments.Select(r => new object?[] { r.Id, r.ProjectName, r.DeploymentId }), cancellationToken);
        // DevLake's migration 20230511 fills two years back and ten ahead of its install; the data's whole span here.
        var first = new DateTime(end.Year, end.Month, 1, 0, 0, 0, DateTimeKind.Utc).AddYears(-3);
        rows += await InsertAsync(connection, "calendar_months", ["month", "month_timestamp"],
            Enumerable.Range(0, 12 * 4).Select(i => first.AddMonths(i)).Select(m => new object?[] { m.ToString("yy/MM", CultureInfo.InvariantCulture), m }), cancellationToken);
        foreach (var table in new[] { "cicd_deployment_commits", "pull_requests", "project_pr_metrics", "incidents", "project_incident_deployment_relationships", "project_mapping" })
        {
            await ExecuteAsync(connection, $"ANALYZE TABLE {table}", cancellationToken);
        }
        return rows;
    }

    private static string StripComments(string sql) =>
        string.Join('\n', sql.Split('\n').Where(line => !line.TrimStart().StartsWith("--", StringComparison.Ordinal))).Trim();

    private static async Task<long> InsertAsync(MySqlConnection connection, string table, string[] columns, IEnumerable<object?[]> rows, CancellationToken cancellationToken)
    {
        const int batch = 500;
        var written = 0L;
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        foreach (var chunk in rows.Chunk(batch))
        {
            var sql = new StringBuilder($"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ");
            await using var command = new MySqlCommand { Connection = connection, Transaction = transaction };
            for (var r = 0; r < chunk.Length; r++)
            {
                sql.Append(r == 0 ? "(" : ", (");
                for (var c = 0; c < columns.Length; c++)
                {
                    var name = $"@p{r}_{c}";
                    sql.Append(c == 0 ? name : ", " + name);
                    command.Parameters.AddWithValue(name, chunk[r][c] ?? DBNull.Value);
                }
                sql.Append(')');
            }
            command.CommandText = sql.ToString();
            written += await command.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return written;
    }

    private static async Task ExecuteAsync(MySqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            // ANALYZE TABLE answers with a status row; read it to the end.
        }
    }

    private sealed record OwnerRow(string Service, string Team);

    private sealed record DeploymentRow(string Id, string Service, string Environment, string Repository, string Sha, bool Success, bool Production,
        DateTimeOffset StartedAt, DateTimeOffset FinishedAt);

    private sealed record PullRequestRow(string Repository, long Number, DateTimeOffset OpenedAt, DateTimeOffset? MergedAt, string MergeSha, DateTimeOffset? FirstCommitAt);

    private sealed record ShippedRow(string DeploymentId, string Sha);

    private sealed record IncidentRow(string Id, string Service, DateTimeOffset StartedAt, DateTimeOffset? ResolvedAt);
}

/// <param name="DevLake">p50 of a sweep over every team; with <paramref name="DevLakeTimedOut"/> the warm-up sweep, stopped at the statement limit (a lower bound).</param>
public sealed record DevLakePairTiming(string Figure, string DevLakePanels, string Ours, int Teams, TimeSpan DevLake, bool DevLakeTimedOut, TimeSpan OursTime)
{
    public double Ratio => DevLake.TotalSeconds / Math.Max(OursTime.TotalSeconds, 1e-9);
}

/// <param name="Values">Per figure of <see cref="DevLakeReport.ComparedFigures"/>: DevLake's stat panel value, ours written alike.</param>
public sealed record DevLakeTeamValues(string Team, IReadOnlyList<(string DevLake, string Ours)> Values);

/// <param name="AllTeams">The organisation's teams (the sweeps may cover only the first few).</param>
public sealed record DevLakeReport(DemoScale Scale, int Seed, int AllTeams, DateTimeOffset From, DateTimeOffset To, long OurRows, long DevLakeRows, string MariaDbVersion,
    TimeSpan DevLakeLoad, int Repeats, TimeSpan Timeout, IReadOnlyList<DevLakePairTiming> Timings, IReadOnlyList<string> ComparedFigures,
    IReadOnlyList<DevLakeTeamValues> Values, string LoadAverage)
{
    public IEnumerable<string> MarkdownLines()
    {
        static string Ms(TimeSpan time) => time.TotalMilliseconds.ToString("N0", CultureInfo.InvariantCulture);
        yield return $"Scale {Scale.Teams} teams, {Scale.Services} services, {Scale.Months} months, seed {Seed}, period {From:yyyy-MM-dd} to {To:yyyy-MM-dd} (DORA.json's default, now-6M), {Timings.FirstOrDefault()?.Teams} of {AllTeams} teams swept (a team = a DevLake project); " +
                     $"our store {OurRows:N0} rows, DevLake's tables {DevLakeRows:N0} rows (mapped and loaded in {DevLakeLoad.TotalSeconds:0.0} s), MariaDB {MariaDbVersion}; " +
                     $"{Environment.ProcessorCount} cores, load average at the end {LoadAverage}; warm-up + {Repeats} sweeps, p50; MariaDB statement limit {Timeout.TotalSeconds:0} s.";
        yield return "";
        yield return "| figure (every team, one query per team) | DevLake DORA.json panel (MariaDB) | ours (embedded engine) | DevLake p50 (ms) | ours p50 (ms) | DevLake ÷ ours | ≥ 10× |";
        yield return "|---|---|---|---:|---:|---:|---|";
        foreach (var t in Timings)
        {
            var devLake = t.DevLakeTimedOut ? $"> {Ms(t.DevLake)} (stopped)" : Ms(t.DevLake);
            var ratio = (t.DevLakeTimedOut ? "> " : "") + t.Ratio.ToString("0.0", CultureInfo.InvariantCulture);
            yield return $"| {t.Figure} | {t.DevLakePanels} | {t.Ours} | {devLake} | {Ms(t.OursTime)} | {ratio} | {(t.Ratio >= 10 ? "yes" : "**no**")} |";
        }
        yield return "";
        yield return $"| team | {string.Join(" | ", ComparedFigures.Select(f => $"{f}: DevLake / ours"))} |";
        yield return $"|---|{string.Concat(ComparedFigures.Select(_ => "---|"))}";
        foreach (var row in Values)
        {
            yield return $"| {row.Team} | {string.Join(" | ", row.Values.Select(v => $"{v.DevLake} / {v.Ours}"))} |";
        }
    }
}
