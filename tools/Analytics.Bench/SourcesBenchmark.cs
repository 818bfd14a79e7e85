using System.Globalization;
using System.Security.Cryptography;
using Analytics.Ingestors.Runs;
using Analytics.Simulators.GitHub;
using Analytics.Simulators.GitLab;
using Analytics.Simulators.Jira;
using Analytics.Simulators.Opsgenie;
using Analytics.Simulators.PagerDuty;
using Analytics.Storage;
using Analytics.Storage.ClickHouse;

namespace Analytics.Bench;

/// <summary>
/// What an unchanged re-sync of each pulled source other than GitHub costs (issue 13): for GitLab, Jira Cloud, Jira
/// Data Center, PagerDuty and Opsgenie, a generated organisation served by that vendor's simulator (Kestrel on loopback, the
/// vendor's pages, filters and rate-limit counting) is synced into a fresh store through <see cref="IngestRunner"/>,
/// then synced again unchanged. Requests are counted by the simulator, as the vendor's rate limit counts them.
/// Backstage is not here: its tests sync from a real Backstage backend started from npm, which this tool does not start.
/// </summary>
public sealed class SourcesBenchmark(int projects, int mergeRequestsPerProject, int incidents, int requests, string workPath)
{
    private const string Group = "bench";

    /// <summary>How many of the newest generated incidents are still open (PagerDuty and Jira).</summary>
    public const int OpenIncidents = 10;

    /// <summary>Services the incidents are spread over.</summary>
    private const int Services = 20;

    public async Task<SourcesBenchmarkReport> RunAsync(IProgress<string> progress, CancellationToken cancellationToken)
    {
        // Everything generated ends an hour ago: nothing is "updated" during the runs.
        var end = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero) - TimeSpan.FromHours(1);
        var since = end - TimeSpan.FromDays(200);
        var results = new List<SourceResync>
        {
            await GitLabAsync(end, progress, cancellationToken),
            await JiraAsync(cloud: true, end, since, progress, cancellationToken),
            await JiraAsync(cloud: false, end, since, progress, cancellationToken),
            await PagerDutyAsync(end, since, progress, cancellationToken),
            await OpsgenieAsync(end, since, progress, cancellationToken),
        };
        return new SourcesBenchmarkReport(projects, mergeRequestsPerProject, incidents, requests, results);
    }

    private async Task<SourceResync> GitLabAsync(DateTimeOffset end, IProgress<string> progress, CancellationToken cancellationToken)
    {
        progress.Report($"GitLab: generating {projects:N0} projects × {mergeRequestsPerProject:N0} merge requests…");
        var token = $"glpat-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))}";
        await using var gitLab = await FakeGitLabServer.StartAsync(TimeProvider.System, token, GeneratedOrganisation.Create(Group, projects, mergeRequestsPerProject, end));
        // Requests are counted, never refused: the benchmark measures what a sync spends, not how it waits.
        gitLab.RateLimit = int.MaxValue;
        return await MeasureAsync("GitLab", "gitlab", gitLab.ClearServed, () => gitLab.Served,
            // updated_after: the merge requests' and deployments' cursors.
            path => path.Contains("updated_after=", StringComparison.Ordinal),
            progress, cancellationToken,
            ("Kind", "gitlab"), ("BaseUrl", gitLab.BaseUrl), ("Token", token), ("Groups", Group));
    }

    private async Task<SourceResync> JiraAsync(bool cloud, DateTimeOffset end, DateTimeOffset since, IProgress<string> progress, CancellationToken cancellationToken)
    {
        var name = cloud ? "Jira Cloud" : "Jira Data Center";
        progress.Report($"{name}: generating {incidents:N0} incidents and {requests:N0} service requests…");
        const string email = "bench@acme.test";
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        await using var jira = await FakeJiraServer.StartAsync(TimeProvider.System, cloud, email, token);
        jira.RateLimit = int.MaxValue;
        jira.Issues.AddRange(JiraIssues(end, since));
        List<(string Key, string? Value)> settings =
        [
            ("Kind", "jira"), ("BaseUrl", jira.BaseUrl), ("Flavour", cloud ? "cloud" : "datacenter"), ("Email", cloud ? email : null), ("Token", token),
            ("IncidentProjects", "OPS"), ("IncidentIssueTypes", "Incident"), ("SeverityByPriority:High", "sev2"),
            ("RequestProjects", "HELP"), ("RequestTeams:HELP", "platform"), ("RequestKinds:New environment", "environment"),
            ("Since", since.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        ];
        settings.AddRange(Enumerable.Range(0, Services).Select(s => ($"Services:{Service(s)}", (string?)Service(s))));
        return await MeasureAsync(name, cloud ? "jira-cloud" : "jira-datacenter", jira.ClearServed, () => jira.Served,
            // updated >= "<cursor>": the searches' cursors.
            path => Uri.UnescapeDataString(path.Replace('+', ' ')).Contains("updated >=", StringComparison.Ordinal),
            progress, cancellationToken, [.. settings]);
    }

    private async Task<SourceResync> PagerDutyAsync(DateTimeOffset end, DateTimeOffset since, IProgress<string> progress, CancellationToken cancellationToken)
    {
        progress.Report($"PagerDuty: generating {incidents:N0} incidents…");
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10));
        await using var pagerDuty = await FakePagerDutyServer.StartAsync(TimeProvider.System, token);
        pagerDuty.RateLimit = int.MaxValue;
        pagerDuty.Incidents.AddRange(PagerDutyIncidents(end, since));
        List<(string Key, string? Value)> settings =
        [
            ("Kind", "pagerduty"), ("BaseUrl", pagerDuty.BaseUrl), ("Token", token), ("SeverityByPriority:P1", "sev1"),
            ("Since", since.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        ];
        settings.AddRange(Enumerable.Range(0, Services).Select(s => ($"Services:PSV{s.ToString("D3", CultureInfo.InvariantCulture)}", (string?)Service(s))));
        return await MeasureAsync("PagerDuty", "pagerduty", pagerDuty.ClearServed, () => pagerDuty.Served,
            // since=…&until=…: the creation-time window after the cursor (PagerDuty has no "updated since").
            path => path.StartsWith("/incidents?", StringComparison.Ordinal) && path.Contains("since=", StringComparison.Ordinal),
            progress, cancellationToken, [.. settings]);
    }

    private async Task<SourceResync> OpsgenieAsync(DateTimeOffset end, DateTimeOffset since, IProgress<string> progress, CancellationToken cancellationToken)
    {
        progress.Report($"Opsgenie: generating {incidents:N0} incidents…");
        var apiKey = Guid.NewGuid().ToString();
        await using var opsgenie = await FakeOpsgenieServer.StartAsync(TimeProvider.System, apiKey);
        opsgenie.RateLimit = int.MaxValue;
        opsgenie.Services.AddRange(Enumerable.Range(0, Services).Select(s => new FakeOpsgenieService(OpsgenieServiceId(s), Service(s))));
        opsgenie.Incidents.AddRange(OpsgenieIncidents(end, since));
        List<(string Key, string? Value)> settings =
        [
            ("Kind", "opsgenie"), ("BaseUrl", opsgenie.BaseUrl), ("ApiKey", apiKey), ("Since", since.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
        ];
        // Mapped by service id, as Opsgenie's incidents name them: no Service API request is needed.
        settings.AddRange(Enumerable.Range(0, Services).Select(s => ($"Services:{OpsgenieServiceId(s)}", (string?)Service(s))));
        return await MeasureAsync("Opsgenie", "opsgenie", opsgenie.ClearServed, () => opsgenie.Served,
            // query=createdAt >= …: the creation-time search after the cursor (Opsgenie has no "updated since").
            path => path.StartsWith("/v1/incidents?query=createdAt", StringComparison.Ordinal),
            progress, cancellationToken, [.. settings]);
    }

    /// <summary>A full sync into a fresh database of its own, then an unchanged re-sync, each counted by the simulator.</summary>
    /// <param name="bounded">Whether a request carries the source's cursor as a filter (updated after, created since).</param>
    private async Task<SourceResync> MeasureAsync(
        string vendor, string kind, Action clearServed, Func<IReadOnlyList<ServedRequest>> served, Func<string, bool> bounded,
        IProgress<string> progress, CancellationToken cancellationToken, params (string Key, string? Value)[] settings)
    {
        var sourceName = $"bench-{kind}";
        var section = $"{IngestSources.Section}:{sourceName}";
        using var host = BenchmarkHost.Build(workPath, $"bench_{kind.Replace('-', '_')}",
            [.. settings.Select(setting => new KeyValuePair<string, string?>($"{section}:{setting.Key}", setting.Value))]);
        var services = host.Services;
        await services.GetRequiredService<StoreStartup>().RunAsync(cancellationToken);

        async Task<SourceSyncFigures> SyncAsync()
        {
            clearServed();
            var (outcome, elapsed) = await SourceSync.RunAsync(services, sourceName, vendor, cancellationToken);
            var answered = served();
            return new SourceSyncFigures(
                answered.Count, answered.Count(r => r.Conditional || bounded(r.PathAndQuery)), answered.Count(r => r.Status == 304),
                answered.Sum(r => (long)r.Cost), outcome.RowsPerTable.Values.Sum(), elapsed, outcome.Warnings.Count);
        }

        progress.Report($"{vendor}: full sync…");
        var full = await SyncAsync();
        progress.Report($"{vendor}: full sync: {full.Requests:N0} requests, {full.Rows:N0} rows in {full.Elapsed.TotalSeconds:N1} s; re-sync, unchanged…");
        var again = await SyncAsync();
        await services.GetRequiredService<IClickHouseStore>().DisposeAsync();
        return new SourceResync(vendor, full, again);
    }

    private static string Service(int index) => $"service-{index.ToString("D3", CultureInfo.InvariantCulture)}";

    /// <summary>
    /// <c>incidents</c> incidents in OPS (one component each, a service) and <c>requests</c> service
    /// requests in HELP, evenly from <paramref name="since"/> to <paramref name="end"/>; all resolved but the newest
    /// <see cref="OpenIncidents"/> incidents and the newest tenth of the requests.
    /// </summary>
    private IEnumerable<FakeJiraIssue> JiraIssues(DateTimeOffset end, DateTimeOffset since)
    {
        for (var i = 0; i < incidents; i++)
        {
            var created = since + (end - since) * i / Math.Max(1, incidents) + TimeSpan.FromMinutes(1);
            var open = i >= incidents - OpenIncidents;
            var issue = new FakeJiraIssue
            {
                Key = $"OPS-{i + 1}", Summary = $"Incident {i + 1}", Priority = i % 4 == 0 ? "High" : "Medium", Created = created,
                Status = open ? "Open" : "Resolved", Updated = open ? created : created + TimeSpan.FromMinutes(45), ResolutionDate = open ? null : created + TimeSpan.FromMinutes(45),
            };
            issue.Components.Add(Service(i % Services));
            yield return issue;
        }
        for (var i = 0; i < requests; i++)
        {
            var created = since + (end - since) * i / Math.Max(1, requests) + TimeSpan.FromMinutes(2);
            var open = i >= requests - requests / 10;
            yield return new FakeJiraIssue
            {
                Key = $"HELP-{i + 1}", IssueType = "Service Request", RequestType = i % 3 == 0 ? "New environment" : "DNS record", Summary = $"Request {i + 1}",
                Created = created, Status = open ? "Open" : "Resolved", Updated = open ? created : created + TimeSpan.FromHours(20),
                ResolutionDate = open ? null : created + TimeSpan.FromHours(20),
            };
        }
    }

    /// <summary><c>incidents</c> incidents, evenly from <paramref name="since"/> to <paramref name="end"/>, all resolved but the newest <see cref="OpenIncidents"/>; every fifth names the deployment that caused it in a change event.</summary>
    private IEnumerable<FakePagerDutyIncident> PagerDutyIncidents(DateTimeOffset end, DateTimeOffset since)
    {
        for (var i = 0; i < incidents; i++)
        {
            var created = since + (end - since) * i / Math.Max(1, incidents) + TimeSpan.FromMinutes(1);
            var service = i % Services;
            var incident = new FakePagerDutyIncident
            {
                Id = $"P{i.ToString("D6", CultureInfo.InvariantCulture)}", Number = i + 1, Title = $"Incident {i + 1}", ServiceId = $"PSV{service.ToString("D3", CultureInfo.InvariantCulture)}", ServiceName = Service(service),
                Priority = i % 4 == 0 ? "P1" : null, CreatedAt = created,
                ResolvedAt = i >= incidents - OpenIncidents ? null : created + TimeSpan.FromMinutes(45),
            };
            if (i % 5 == 0)
            {
                incident.ChangeEvents.Add(new FakeChangeEvent($"CE{i.ToString("D6", CultureInfo.InvariantCulture)}", created - TimeSpan.FromMinutes(20), $"Deploy {Service(service)}", $"deploy-{i}"));
            }
            yield return incident;
        }
    }

    private static string OpsgenieServiceId(int index) => $"5e3c0f0a-0000-4000-8000-{index.ToString("D12", CultureInfo.InvariantCulture)}";

    /// <summary>The same incidents as <see cref="PagerDutyIncidents"/>, as Opsgenie holds them (every fifth names its deployment in <c>extraProperties</c>).</summary>
    private IEnumerable<FakeOpsgenieIncident> OpsgenieIncidents(DateTimeOffset end, DateTimeOffset since)
    {
        for (var i = 0; i < incidents; i++)
        {
            var created = since + (end - since) * i / Math.Max(1, incidents) + TimeSpan.FromMinutes(1);
            var incident = new FakeOpsgenieIncident
            {
                Id = $"0a1b2c3d-0000-4000-8000-{i.ToString("D12", CultureInfo.InvariantCulture)}", TinyId = (i + 1).ToString(CultureInfo.InvariantCulture), Message = $"Incident {i + 1}",
                ServiceIds = [OpsgenieServiceId(i % Services)], Priority = i % 4 == 0 ? "P1" : "P3", CreatedAt = created,
                ResolvedAt = i >= incidents - OpenIncidents ? null : created + TimeSpan.FromMinutes(45),
            };
            if (i % 5 == 0)
            {
                incident.ExtraProperties["deployment_id"] = $"deploy-{i}";
            }
            yield return incident;
        }
    }
}

/// <param name="Requests">HTTP requests the simulator answered, errors included.</param>
/// <param name="Bounded">Of those, carrying the source's cursor (If-None-Match, or an updated-after / created-since filter).</param>
/// <param name="NotModified">Of those, answered 304 Not Modified.</param>
/// <param name="RateLimitCost">What the vendor's rate limit counts for them, as the simulator counts it (1 per answered request for all five).</param>
/// <param name="Rows">Rows written to the store (every table).</param>
/// <param name="Warnings">Warnings on the run (unmapped services, refused records): 0 here.</param>
public sealed record SourceSyncFigures(long Requests, long Bounded, long NotModified, long RateLimitCost, long Rows, TimeSpan Elapsed, int Warnings);

public sealed record SourceResync(string Source, SourceSyncFigures Full, SourceSyncFigures Unchanged);

public sealed record SourcesBenchmarkReport(int Projects, int MergeRequestsPerProject, int Incidents, int Requests, IReadOnlyList<SourceResync> Sources)
{
    /// <summary>The figures as a Markdown table, for docs/benchmarks.md.</summary>
    public IEnumerable<string> MarkdownLines()
    {
        static string F(double value) => value.ToString("N0", CultureInfo.InvariantCulture);
        static string S(TimeSpan time) => time.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture);
        yield return $"GitLab: {F(Projects)} projects × {F(MergeRequestsPerProject)} merge requests; Jira: {F(Incidents)} incidents ({SourcesBenchmark.OpenIncidents} open) and {F(Requests)} service requests; PagerDuty: {F(Incidents)} incidents ({SourcesBenchmark.OpenIncidents} open)";
        yield return $"Opsgenie: the same {F(Incidents)} incidents as PagerDuty, mapped by service id";
        yield return "";
        yield return "| source | full: requests | full: rate-limit cost | full: rows | full: time (s) | re-sync: requests | of which cursor-bounded | of which 304 | re-sync: rate-limit cost | re-sync: rows | re-sync: time (s) | warnings |";
        yield return "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|";
        foreach (var (source, full, again) in Sources)
        {
            yield return $"| {source} | {F(full.Requests)} | {F(full.RateLimitCost)} | {F(full.Rows)} | {S(full.Elapsed)} | {F(again.Requests)} | {F(again.Bounded)} | {F(again.NotModified)} | **{F(again.RateLimitCost)}** | {F(again.Rows)} | {S(again.Elapsed)} | {full.Warnings + again.Warnings} |";
        }
    }
}
