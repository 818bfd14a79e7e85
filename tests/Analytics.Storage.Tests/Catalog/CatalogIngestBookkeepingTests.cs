using Microsoft.EntityFrameworkCore;
using static Analytics.Storage.Tests.Catalog.CatalogTestDatabase;

namespace Analytics.Storage.Tests.Catalog;

public class CatalogIngestBookkeepingTests : IAsyncLifetime
{
    private CatalogTestDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _database = await CreateMigratedAsync();
        await _database.Runs.EnsureSourceAsync("github-acme", "github");
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    [Fact]
    public async Task EnsureSource_ReturnsTheExistingSource()
    {
        var again = await _database.Runs.EnsureSourceAsync("github-acme", "csv");

        Assert.Equal("github", again.Kind);
        Assert.Equal(1, await _database.WithContextAsync(db => db.Sources.CountAsync()));
    }

    [Fact]
    public async Task Run_RoundTripsStartFinishAndRowCounts()
    {
        _database.Clock.Now = Utc(2024, 3, 1, 10, 0);
        var runId = await _database.Runs.RecordRunStartedAsync("github-acme");

        var started = Assert.Single(await _database.Runs.RecentRunsAsync("github-acme", take: 10));
        Assert.Equal(runId, started.Id);
        Assert.Equal(IngestRunStatus.Running, started.Status);
        Assert.Equal(Utc(2024, 3, 1, 10, 0), started.StartedAt);
        Assert.Null(started.FinishedAt);

        _database.Clock.Now = Utc(2024, 3, 1, 10, 5);
        await _database.Runs.RecordRunFinishedAsync(runId, IngestRunStatus.Succeeded, new Dictionary<string, long> { ["commits"] = 120, ["pull_requests"] = 7 }, error: null);

        var finished = Assert.Single(await _database.Runs.RecentRunsAsync("github-acme", take: 10));
        Assert.Equal(IngestRunStatus.Succeeded, finished.Status);
        Assert.Equal(Utc(2024, 3, 1, 10, 5), finished.FinishedAt);
        Assert.Equal(new Dictionary<string, long> { ["commits"] = 120, ["pull_requests"] = 7 }, finished.ReadRowsPerTable());
        Assert.Null(finished.Error);
    }

    [Fact]
    public async Task FailedRun_KeepsItsError()
    {
        var runId = await _database.Runs.RecordRunStartedAsync("github-acme");

        await _database.Runs.RecordRunFinishedAsync(runId, IngestRunStatus.Failed, new Dictionary<string, long>(), "GitHub returned 502");

        var run = Assert.Single(await _database.Runs.RecentRunsAsync("github-acme", take: 1));
        Assert.Equal(IngestRunStatus.Failed, run.Status);
        Assert.Equal("GitHub returned 502", run.Error);
    }

    [Fact]
    public async Task RecentRuns_AreNewestFirstByStartTime_AndLimited()
    {
        // Inserted out of time order, so ordering by id would give a different answer.
        _database.Clock.Now = Utc(2024, 3, 2);
        var middle = await _database.Runs.RecordRunStartedAsync("github-acme");
        _database.Clock.Now = Utc(2024, 3, 1);
        var oldest = await _database.Runs.RecordRunStartedAsync("github-acme");
        _database.Clock.Now = Utc(2024, 3, 3);
        var newest = await _database.Runs.RecordRunStartedAsync("github-acme");

        var all = await _database.Runs.RecentRunsAsync("github-acme", take: 10);
        var latestTwo = await _database.Runs.RecentRunsAsync("github-acme", take: 2);

        Assert.Equal([newest, middle, oldest], all.Select(r => r.Id));
        Assert.Equal([newest, middle], latestTwo.Select(r => r.Id));
    }

    [Fact]
    public async Task RecentRuns_OnlyIncludeTheNamedSource()
    {
        await _database.Runs.EnsureSourceAsync("csv-incidents", "csv");
        await _database.Runs.RecordRunStartedAsync("csv-incidents");

        Assert.Empty(await _database.Runs.RecentRunsAsync("github-acme", take: 10));
    }

    [Fact]
    public async Task FinishingARunTwice_IsRejected()
    {
        var runId = await _database.Runs.RecordRunStartedAsync("github-acme");
        await _database.Runs.RecordRunFinishedAsync(runId, IngestRunStatus.Succeeded, new Dictionary<string, long>(), null);

        await Assert.ThrowsAsync<InvalidOperationException>(
            () => _database.Runs.RecordRunFinishedAsync(runId, IngestRunStatus.Failed, new Dictionary<string, long>(), "late"));
    }

    [Fact]
    public async Task FinishingWithRunningStatus_IsRejected()
    {
        var runId = await _database.Runs.RecordRunStartedAsync("github-acme");

        var error = await Assert.ThrowsAsync<ArgumentException>(
            () => _database.Runs.RecordRunFinishedAsync(runId, IngestRunStatus.Running, new Dictionary<string, long>(), null));

        Assert.Equal("status", error.ParamName);
    }

    [Fact]
    public async Task RunForAnUnknownSource_IsRejected()
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => _database.Runs.RecordRunStartedAsync("nope"));

        Assert.Contains("nope", error.Message);
    }

    [Fact]
    public async Task Cursor_IsNullUntilSaved()
    {
        Assert.Null(await _database.Cursors.GetCursorAsync("github-acme", "acme/api:pulls"));
    }

    [Fact]
    public async Task Cursor_SaveThenOverwrite_KeepsOneRowWithTheLatestValue()
    {
        _database.Clock.Now = Utc(2024, 3, 1);
        await _database.Cursors.SaveCursorAsync("github-acme", "acme/api:pulls", "2024-02-29T23:00:00Z", "\"etag-1\"");

        var first = await _database.Cursors.GetCursorAsync("github-acme", "acme/api:pulls");
        Assert.Equal("2024-02-29T23:00:00Z", first?.Value);
        Assert.Equal("\"etag-1\"", first?.ETag);
        Assert.Equal(Utc(2024, 3, 1), first?.UpdatedAt);

        _database.Clock.Now = Utc(2024, 3, 2);
        await _database.Cursors.SaveCursorAsync("github-acme", "acme/api:pulls", "2024-03-01T23:00:00Z", etag: null);

        var second = await _database.Cursors.GetCursorAsync("github-acme", "acme/api:pulls");
        Assert.Equal("2024-03-01T23:00:00Z", second?.Value);
        Assert.Null(second?.ETag);
        Assert.Equal(Utc(2024, 3, 2), second?.UpdatedAt);
        Assert.Equal(1, await _database.WithContextAsync(db => db.SourceCursors.CountAsync()));
    }

    [Fact]
    public async Task Cursors_AreKeptPerResource()
    {
        await _database.Cursors.SaveCursorAsync("github-acme", "acme/api:pulls", "pulls-cursor", null);
        await _database.Cursors.SaveCursorAsync("github-acme", "acme/api:deployments", "deployments-cursor", null);

        Assert.Equal("pulls-cursor", (await _database.Cursors.GetCursorAsync("github-acme", "acme/api:pulls"))?.Value);
        Assert.Equal("deployments-cursor", (await _database.Cursors.GetCursorAsync("github-acme", "acme/api:deployments"))?.Value);
    }
}
