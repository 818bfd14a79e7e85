using Analytics.Core.Dora;
using Analytics.Ingestors.Git;
using Analytics.Ingestors.Linking;
using Analytics.Ingestors.Tests.Linking;
using Analytics.Storage.Metrics;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

using Analytics.Testing;

namespace Analytics.Ingestors.Tests.Git;

/// <summary>
/// A history longer than ClickHouse's default limit of 100 partitions per INSERT block goes in whole, through the
/// ingest runner as <c>analytics ingest git</c> runs it: monthly partitions made this fail with TOO_MANY_PARTS.
/// </summary>
public sealed class LongHistoryIngestTests : IAsyncLifetime
{
    private readonly LongHistory _history = LongHistory.Create();
    private DerivedTablesStore _store = default!;
    private TestCatalog _catalog = default!;

    public async Task InitializeAsync()
    {
        _store = await EngineDatabase.CreateMigratedAsync("long_history");
        _catalog = await TestCatalog.CreateAsync();
        await new CatalogMirrorSync(_catalog.Get<CatalogMirrorExport>(), _store).SyncAsync();
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        await _catalog.DisposeAsync();
        _history.Dispose();
    }

    [Fact]
    public async Task Fifteen_years_of_history_are_stored_whole_and_their_deployments_counted()
    {
        // The oracle is plain git: every commit reachable from main (the tags are all on main).
        var expectedCommits = long.Parse(_history.Git("rev-list", "--count", "main").Trim());
        var months = _history.Git("log", "main", "--format=%cd", "--date=format-local:%Y-%m")
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Distinct().Count();
        Assert.True(months > 100, $"the history spans {months} months; it must span more than 100 to prove anything");

        var ingestor = new GitRepositoryIngestor(_store, new DeploymentLinker(_store, Options.Create(new MetricOptions())));
        var request = new GitIngestRequest(_history.Path, LongHistory.Service, LongHistory.RepositoryName, "main", TagPattern.Parse(TagPattern.Default));
        var run = await new IngestRunner(_catalog.Get<IngestRunLog>(), _catalog.Get<IngestCursors>(), _store, NullLogger<IngestRunner>.Instance).RunAsync(new GitIngestSource(ingestor, request));

        Assert.True(run.Succeeded, run.Error);
        var stored = await _store.QueryAsync<CountRow>(
            "SELECT count() AS rows FROM commits FINAL WHERE repository = {repository:String}",
            QueryParameters.From(("repository", LongHistory.RepositoryName)));
        Assert.Equal(expectedCommits, (long)Assert.Single(stored).Rows);

        // The derived tables were rebuilt from all of it: every tag is a production deployment, every commit shipped.
        var dora = await new DoraQueries(_store, new SqlFiles(), Options.Create(new MetricOptions()))
            .SummariesAsync(new DoraRequest(LongHistory.FirstMonth, LongHistory.FirstMonth.AddMonths(LongHistory.Months + 1)));
        Assert.Equal(_history.Tags, dora.Organisation.DeploymentFrequency.Deployments);
        Assert.Equal(expectedCommits, dora.Organisation.LeadTime.Changes);
    }

    private sealed record CountRow(ulong Rows);
}
