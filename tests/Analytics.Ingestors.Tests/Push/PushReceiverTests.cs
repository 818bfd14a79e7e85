using System.Text;
using Analytics.Ingestors.Push;
using Analytics.Ingestors.Tests.Runs;

namespace Analytics.Ingestors.Tests.Push;

/// <summary>
/// The push service without HTTP: what it makes of a token and a body, and what it stores and records. The HTTP
/// answers to each outcome are tested with the endpoints in Analytics.Web.Tests (Api/PushApiTests).
/// </summary>
public sealed class PushReceiverTests : IAsyncLifetime
{
    private const string Token = "ci-token-5b0e8f3a9c1d47e2b6a8f0c3d5e7a9b1";
    private readonly StoreOutage _outage = new();
    private IngestTestHost _host = null!;

    public async Task InitializeAsync() => _host = await IngestTestHost.CreateAsync(
        new Dictionary<string, string?> { ["Analytics:Push:Sources:github-actions:Token"] = Token }, _outage.Wrap);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private Task<PushOutcome> ReceiveAsync(string json, string? authorization = "Bearer " + Token) =>
        _host.Get<PushReceiver>().ReceiveAsync(authorization, new MemoryStream(Encoding.UTF8.GetBytes(json)), PushedEvents.Deployments, CancellationToken.None);

    private static string Deployment(string id, string status) =>
        $$"""{"deployment_id":"{{id}}","service":"payments-api","environment":"production","status":"{{status}}","started_at":"2026-04-14T09:00:00Z","finished_at":"2026-04-14T09:10:00Z"}""";

    private Task<IReadOnlyList<IngestRun>> RunsAsync() => _host.Get<IngestRunLog>().RecentRunsAsync("github-actions", 10);

    [Fact]
    public async Task Without_a_known_token_nothing_is_read_stored_or_recorded_and_the_outcome_tells_a_missing_token_from_a_wrong_one()
    {
        Assert.Equal(new PushOutcome.Unauthorized(TokenMissing: true, "anonymous", "no bearer token"), await ReceiveAsync(Deployment("d-1", "success"), authorization: null));
        Assert.Equal(new PushOutcome.Unauthorized(TokenMissing: true, "anonymous", "no bearer token"), await ReceiveAsync(Deployment("d-1", "success"), authorization: ""));
        Assert.Equal(new PushOutcome.Unauthorized(TokenMissing: false, "anonymous", "no such key"), await ReceiveAsync(Deployment("d-1", "success"), authorization: "Bearer " + Token + "x"));

        Assert.Equal(0, await _host.CountAsync("deployments"));
        Assert.Empty(await RunsAsync());
    }

    [Fact]
    public async Task An_invalid_body_is_refused_whole_with_its_problems_keyed_by_field_and_the_refused_run_is_recorded()
    {
        var outcome = await ReceiveAsync($"[{Deployment("d-1", "success")}, {Deployment("d-2", "succeeded")}]");

        var invalid = Assert.IsType<PushOutcome.Invalid>(outcome);
        Assert.Equal(["[1].status"], invalid.Errors.Keys);
        Assert.StartsWith("The deployments were not stored: [1].status '", invalid.Summary);
        Assert.Equal(0, await _host.CountAsync("deployments"));
        Assert.Equal(IngestRunStatus.Failed, Assert.Single(await RunsAsync()).Status);
    }

    [Fact]
    public async Task Valid_events_are_stored_by_one_succeeded_run_and_an_unreachable_store_is_a_failed_run_storing_nothing()
    {
        var accepted = Assert.IsType<PushOutcome.Accepted>(await ReceiveAsync($"[{Deployment("d-1", "success")}, {Deployment("d-2", "failure")}]"));

        var run = Assert.Single(await RunsAsync());
        Assert.Equal(new PushAccepted("github-actions", run.Id, 2), accepted.Answer);
        Assert.Equal(IngestRunStatus.Succeeded, run.Status);

        _outage.IsDown = true;
        var unavailable = Assert.IsType<PushOutcome.StoreUnavailable>(await ReceiveAsync(Deployment("d-3", "success")));
        _outage.IsDown = false;

        var failed = (await RunsAsync())[0];
        Assert.Equal((failed.Id, IngestRunStatus.Failed), (unavailable.RunId, failed.Status));
        Assert.Equal(2, await _host.CountAsync("deployments FINAL"));
    }
}
