using Analytics.Core.Calendar;
using System.Diagnostics;
using System.Globalization;
using Analytics.Core.Dora;
using Analytics.Ingestors.Git;
using Analytics.Ingestors.Linking;
using Analytics.Ingestors.Tests.Linking;
using Analytics.Storage.Metrics;
using Analytics.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace Analytics.Ingestors.Tests.Git.RealRepositories;

/// <summary>
/// Real public repositories, ingested as <c>analytics ingest git</c> ingests them (the ingest runner, the real engine, the
/// linker, the derived tables), against <see cref="PlainGitOracle"/>: per-month production deployments, median and p75
/// lead time over the whole history, and rework. docs/benchmarks.md records the repositories and the figures.
/// </summary>
public sealed class RealRepositoryOracleTests(ITestOutputHelper output)
{
    [RealRepositoriesFact]
    public async Task Each_clone_gives_the_plain_git_oracles_deployments_lead_time_and_rework()
    {
        var differences = new List<string>();
        foreach (var repository in RealRepository.FromEnvironment())
        {
            differences.AddRange(await CompareAsync(repository));
        }
        Assert.True(differences.Count == 0, string.Join('\n', differences));
    }

    private async Task<IReadOnlyList<string>> CompareAsync(RealRepository clone)
    {
        var name = clone.Name;
        var service = name.Replace('/', '-');
        var branch = GitProcess.Run(clone.Path, null, "symbolic-ref", "--short", "HEAD").Trim();
        var head = GitProcess.Run(clone.Path, null, "rev-parse", "HEAD").Trim();
        var metrics = new MetricOptions();

        var oracleClock = Stopwatch.StartNew();
        var expected = PlainGitOracle.Compute(clone.Path, service, branch, clone.TagGlob, metrics.FirstDeploymentLookback);
        oracleClock.Stop();
        Assert.True(expected.Deployments.Count > 1, $"{name}: no two tags match {clone.TagGlob}; name the tags with '#<glob>'");

        await using var store = await EngineDatabase.CreateMigratedAsync("real");
        await using var catalog = await TestCatalog.CreateAsync();
        await new CatalogMirrorSync(catalog.Get<CatalogMirrorExport>(), store).SyncAsync();
        await HotfixRulesSync.SyncAsync(store, metrics);
        var ingestor = new GitRepositoryIngestor(store, new DeploymentLinker(store, Options.Create(metrics)));
        var request = new GitIngestRequest(clone.Path, service, name, branch, TagPattern.Parse(clone.TagGlob));

        var ingestClock = Stopwatch.StartNew();
        var run = await new IngestRunner(catalog.Get<IngestRunLog>(), catalog.Get<IngestCursors>(), store, NullLogger<IngestRunner>.Instance)
            .RunAsync(new GitIngestSource(ingestor, request));
        ingestClock.Stop();
        Assert.True(run.Succeeded, $"{name}: {run.Error}");

        // The whole history in one period, months cut in UTC (the default time zone).
        var first = expected.Deployments[0].At.UtcDateTime;
        var last = expected.Deployments[^1].At.UtcDateTime;
        var from = new DateTimeOffset(first.Year, first.Month, 1, 0, 0, 0, TimeSpan.Zero);
        var to = new DateTimeOffset(last.Year, last.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1);
        var queries = new DoraQueries(store, new SqlFiles(), Options.Create(metrics));
        var queryClock = Stopwatch.StartNew();
        var dora = (await queries.SummariesAsync(new DoraRequest(from, to))).Organisation;
        var months = (await queries.SeriesAsync(new DoraRequest(from, to), Granularity.Month)).Where(point => point.Team == DoraQueries.OrganisationKey).ToList();
        queryClock.Stop();

        var differences = new List<string>();
        void Compare<T>(string what, T product, T oracle)
        {
            if (!EqualityComparer<T>.Default.Equals(product, oracle))
            {
                differences.Add($"{name}: {what}: product {product}, oracle {oracle}");
            }
        }
        Compare("deployments", dora.DeploymentFrequency.Deployments, (long)expected.Deployments.Count);
        var monthsDiffering = months.Where(point => point.Deployments != expected.DeploymentsPerMonth.GetValueOrDefault(point.Bucket)).ToList();
        foreach (var point in monthsDiffering)
        {
            differences.Add($"{name}: deployments in {point.Bucket:yyyy-MM}: product {point.Deployments}, oracle {expected.DeploymentsPerMonth.GetValueOrDefault(point.Bucket)}");
        }
        Compare("lead-time changes", dora.LeadTime.Changes, expected.Changes);
        Compare("lead-time excluded", dora.LeadTime.Excluded, expected.Excluded);
        Compare("median lead time (s)", Seconds(dora.LeadTime.Median), Seconds(expected.MedianSeconds));
        Compare("p75 lead time (s)", Seconds(dora.LeadTime.P75), Seconds(expected.P75Seconds));
        Compare("rework deployments", dora.ReworkRate.ReworkDeployments, expected.Rework);
        Compare("rework known kinds", dora.ReworkRate.Deployments, (long)expected.Deployments.Count);
        Compare("rework unknown kinds", dora.ReworkRate.UnknownKind, 0L);
        foreach (var (id, kind) in await ProductKindsAsync(store, service))
        {
            if (expected.Kinds.GetValueOrDefault(id) is { } oracleKind && oracleKind != kind)
            {
                differences.Add($"{name}: kind of {id}: product {kind}, oracle {oracleKind}");
            }
        }

        var kinds = string.Join(", ", expected.Kinds.Values.Where(kind => kind != "normal").CountBy(kind => kind).OrderBy(pair => pair.Key).Select(pair => $"{pair.Value} {pair.Key}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {name} | `{head[..12]}` | {first:yyyy-MM} – {last:yyyy-MM} | {expected.Commits:N0} | {expected.Deployments.Count} (`{clone.TagGlob}`) | "
            + $"{(monthsDiffering.Count == 0 ? "yes" : "no")} ({months.Count} months) | {Duration(dora.LeadTime.Median)} / {Duration(Seconds(expected.MedianSeconds))} | "
            + $"{Duration(dora.LeadTime.P75)} / {Duration(Seconds(expected.P75Seconds))} | {dora.ReworkRate.ReworkDeployments} / {expected.Rework} ({kinds}) | "
            + $"{ingestClock.Elapsed.TotalSeconds:F1} s | oracle {oracleClock.Elapsed.TotalSeconds:F1} s, queries {queryClock.Elapsed.TotalSeconds:F1} s |"));
        foreach (var difference in differences.Take(40))
        {
            output.WriteLine(difference);
        }
        return differences;
    }

    private static async Task<IReadOnlyList<(string Id, string Kind)>> ProductKindsAsync(IClickHouseStore store, string service) =>
        (await store.QueryAsync<KindRow>(
            "SELECT deployment_id, kind FROM production_deployments WHERE service = {service:String} ORDER BY finished_at, deployment_id",
            QueryParameters.From(("service", service))))
        .Select(row => (row.DeploymentId, row.Kind)).ToList();

    private sealed record KindRow(string DeploymentId, string Kind);

    // The product's figures are milliseconds; the oracle's are whole seconds interpolated.
    private static TimeSpan? Seconds(TimeSpan? value) => value is { } v ? TimeSpan.FromSeconds(Math.Round(v.TotalSeconds, 1)) : null;

    private static TimeSpan? Seconds(double? seconds) => seconds is { } s ? TimeSpan.FromSeconds(Math.Round(s, 1)) : null;

    private static string Duration(TimeSpan? value) =>
        value is { } v ? v.TotalDays >= 1 ? $"{v.TotalDays:F1} d" : $"{v.TotalHours:F1} h" : "—";
}
