using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Analytics.Ingestors;
using Analytics.Ingestors.Push;
using Analytics.Storage;
using Analytics.Storage.Catalog;
using Analytics.Storage.ClickHouse;
using Analytics.Web.Api;
using Analytics.Web.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Analytics.Web.Tests.Api;

/// <summary>
/// The push endpoints over real Kestrel on a free loopback port, with the app's store, catalog and ingestion services
/// behind them: a database of its own in this process's embedded engine (left there, as the app fixture's is: the engine
/// stays open until the process ends) and a catalog file in a fresh temp folder.
/// </summary>
public sealed class PushApiTests : IAsyncLifetime
{
    private const string CiToken = "ci-token-5b0e8f3a9c1d47e2b6a8f0c3d5e7a9b1";
    private const string PagerToken = "pager-token-0f1e2d3c4b5a69788796a5b4c3d2e1f0";
    private readonly RecordingLoggerProvider _log = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("analytics-push-").FullName;
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    private IClickHouseStore Store => _app.Services.GetRequiredService<IClickHouseStore>();

    private IngestRunLog Runs => _app.Services.GetRequiredService<IngestRunLog>();

    private ApiKeys Keys => _app.Services.GetRequiredService<ApiKeys>();

    private AuditTrail Audit => _app.Services.GetRequiredService<AuditTrail>();

    private static readonly AuditActor Admin = new("admin-user", "127.0.0.1");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(AnalyticsAppFixture.DataPath);
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Analytics:Store:Transport"] = "Embedded",
            ["Analytics:Store:DataPath"] = AnalyticsAppFixture.DataPath,
            ["Analytics:Store:Database"] = $"push_{Guid.NewGuid():N}",
            ["ConnectionStrings:Catalog"] = $"Data Source={Path.Combine(_folder, "catalog.db")}",
            ["Analytics:Push:Sources:github-actions:Token"] = CiToken,
            ["Analytics:Push:Sources:pagerduty:Token"] = PagerToken,
        });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Trace);
        builder.Logging.AddProvider(_log);
        builder.Services.AddAnalyticsStorage(builder.Configuration).AddIngestion(builder.Configuration);
        _app = builder.Build();
        // As the app's start-up does: without the catalog mirror, no environment counts as production.
        await _app.Services.GetRequiredService<StoreStartup>().RunAsync();
        _app.UseDeniedRequestAudit();
        _app.MapPushApi();
        await _app.StartAsync();
        _client = new HttpClient { BaseAddress = new Uri(_app.Urls.Single()) };
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private async Task<long> CountAsync(string tableExpression, string where = "1") =>
        (await Store.QueryAsync<CountRow>($"SELECT count() AS n FROM {tableExpression} WHERE {where}"))[0].N;

    private sealed record CountRow(long N);

    private async Task<HttpResponseMessage> PostAsync(string path, string json, string? token = CiToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return await _client.SendAsync(request);
    }

    private static string Deployment(string id, string status, string? finishedAt = "\"2026-04-14T09:10:00Z\"") =>
        $$"""{"deployment_id":"{{id}}","service":"payments-api","environment":"production","status":"{{status}}","started_at":"2026-04-14T09:00:00Z","finished_at":{{finishedAt ?? "null"}}}""";

    private sealed record StatusRow(string Status, string Source);

    [Fact]
    public async Task A_push_without_a_token_is_refused_with_401_and_a_bearer_challenge()
    {
        var response = await PostAsync("/api/push/deployments", Deployment("d-1", "success"), token: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(0, await CountAsync("deployments"));
    }

    [Fact]
    public async Task A_push_with_a_wrong_token_is_refused_with_401_and_stores_nothing()
    {
        var response = await PostAsync("/api/push/deployments", Deployment("d-1", "success"), token: CiToken + "x");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("is not a valid push key", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, await CountAsync("deployments"));
        Assert.Empty(await Runs.RecentRunsAsync("github-actions", 10));
    }

    [Fact]
    public async Task A_bad_body_is_refused_with_400_problem_details_naming_each_field()
    {
        var response = await PostAsync("/api/push/deployments",
            $"[{Deployment("d-1", "success")}, {Deployment("d-2", "succeeded")}, " +
            """{"deployment_id":"d-3","service":"payments-api","environment":"production","status":"queued","started_at":"2026-04-14T09:00:00"}]""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(400, problem.RootElement.GetProperty("status").GetInt32());
        var errors = problem.RootElement.GetProperty("errors");
        Assert.Equal(["[1].status", "[2].started_at"], errors.EnumerateObject().Select(p => p.Name).ToList());
        Assert.Contains("'succeeded' is not one of", errors.GetProperty("[1].status")[0].GetString());
        Assert.Contains("has no UTC offset", errors.GetProperty("[2].started_at")[0].GetString());
        // All or nothing: the valid first event was not stored either, and the refused push is on record.
        Assert.Equal(0, await CountAsync("deployments"));
        var run = Assert.Single(await Runs.RecentRunsAsync("github-actions", 10));
        Assert.Equal(IngestRunStatus.Failed, run.Status);
        Assert.Contains("[1].status", run.Error);
    }

    [Fact]
    public async Task A_single_event_with_an_unknown_field_and_malformed_json_are_refused_naming_the_field()
    {
        var unknown = await PostAsync("/api/push/incidents",
            """{"incident_id":"INC-1","service":"payments-api","severity":"sev2","startedAt":"2026-04-14T09:00:00Z"}""", PagerToken);
        var malformed = await PostAsync("/api/push/incidents", """{"incident_id":""", PagerToken);

        using var unknownProblem = JsonDocument.Parse(await unknown.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal(["startedAt", "started_at"], unknownProblem.RootElement.GetProperty("errors").EnumerateObject().Select(p => p.Name).ToList());
        using var malformedProblem = JsonDocument.Parse(await malformed.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Contains("is not valid JSON", malformedProblem.RootElement.GetProperty("errors").GetProperty("body")[0].GetString());
    }

    [Fact]
    public async Task Pushing_the_same_event_twice_leaves_one_row_and_a_newer_status_replaces_the_older()
    {
        var first = await PostAsync("/api/push/deployments", Deployment("d-42", "in_progress", finishedAt: null));
        var repeat = await PostAsync("/api/push/deployments", Deployment("d-42", "in_progress", finishedAt: null));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
        Assert.Equal(1, await CountAsync("deployments FINAL", "deployment_id = 'd-42'"));

        var finished = await PostAsync("/api/push/deployments", $"[{Deployment("d-42", "success")}]");

        Assert.Equal(HttpStatusCode.OK, finished.StatusCode);
        var rows = await Store.QueryAsync<StatusRow>("SELECT status, source FROM deployments FINAL WHERE deployment_id = 'd-42'");
        Assert.Equal(new StatusRow("success", "github-actions"), Assert.Single(rows));
        // Readable through the metric views too: a finished production deployment.
        Assert.Equal(1, await CountAsync("production_deployments", "deployment_id = 'd-42'"));
    }

    [Fact]
    public async Task Each_push_is_a_recorded_run_of_its_source_and_no_token_reaches_the_logs()
    {
        var response = await PostAsync("/api/push/incidents",
            """[{"incident_id":"INC-1","service":"payments-api","severity":"sev2","title":"Checkout down","started_at":"2026-04-14T09:00:00Z"},""" +
            """{"incident_id":"INC-2","service":"payments-api","severity":"sev3","started_at":"2026-04-14T10:00:00Z","resolved_at":"2026-04-14T10:30:00Z"}]""",
            PagerToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(2, body.RootElement.GetProperty("accepted").GetInt64());
        var run = Assert.Single(await Runs.RecentRunsAsync("pagerduty", 10));
        Assert.Equal(body.RootElement.GetProperty("runId").GetInt32(), run.Id);
        Assert.Equal((IngestRunStatus.Succeeded, 2L), (run.Status, run.ReadRowsPerTable()["incidents"]));
        Assert.Equal(2, await CountAsync("incidents FINAL", "source = 'pagerduty'"));

        await PostAsync("/api/push/incidents", "{}", CiToken + "-wrong");
        var logs = _log.Entries.Select(entry => $"{entry.Message} {entry.Exception}").ToList();
        Assert.NotEmpty(logs);
        Assert.DoesNotContain(logs, line => line.Contains(PagerToken, StringComparison.Ordinal) || line.Contains(CiToken, StringComparison.Ordinal));
    }

    private async Task<string> PushKeyAsync(string source, string[]? services = null, string[]? kinds = null) =>
        (await Keys.CreateAsync(new ApiKeyRequest($"{source} key", ApiKeys.PushPurpose, Source: source, Services: services, Kinds: kinds), Admin)).Secret;

    private static string Incident(string id) =>
        $$"""{"incident_id":"{{id}}","service":"payments-api","severity":"sev2","started_at":"2026-04-14T09:00:00Z"}""";

    [Fact]
    public async Task Two_keys_of_a_source_work_at_once_and_after_one_is_revoked_the_other_keeps_working_and_the_revoked_one_gets_401()
    {
        var (first, second) = (await PushKeyAsync("jenkins"), await PushKeyAsync("jenkins"));

        Assert.Equal(HttpStatusCode.OK, (await PostAsync("/api/push/deployments", Deployment("j-1", "success"), first)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync("/api/push/deployments", Deployment("j-2", "success"), second)).StatusCode);
        var prefix = ApiKeys.PrefixOf(first)!;
        await Keys.RevokeAsync(prefix, Admin);

        var revoked = await PostAsync("/api/push/deployments", Deployment("j-3", "success"), first);
        Assert.Equal(HttpStatusCode.Unauthorized, revoked.StatusCode);
        Assert.DoesNotContain(prefix, await revoked.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await PostAsync("/api/push/deployments", Deployment("j-4", "success"), second)).StatusCode);
        Assert.Equal(3, await CountAsync("deployments FINAL", "source = 'jenkins'"));

        var denied = Assert.Single((await Audit.PageAsync(new AuditQuery(Action: "request.denied"), 0, 10)).Entries);
        Assert.Equal(($"key {prefix}", "POST /api/push/deployments", $"401: push refused: key {prefix} was revoked", "127.0.0.1"),
            (denied.Actor, denied.Target, denied.Outcome, denied.RemoteAddress));
        Assert.True((await Audit.VerifyAsync()).Intact);
        var logs = string.Join('\n', _log.Entries.Select(entry => $"{entry.Message} {entry.Exception}"));
        Assert.DoesNotContain(first[(prefix.Length + 1)..], logs);
    }

    [Fact]
    public async Task An_expired_key_gets_401_and_an_unknown_one_is_recorded_as_anonymous()
    {
        var key = await PushKeyAsync("jenkins");
        await using (var db = await _app.Services.GetRequiredService<IDbContextFactory<CatalogDbContext>>().CreateDbContextAsync())
        {
            var past = DateTimeOffset.UtcNow.AddMinutes(-1);
            await db.ApiKeys.ExecuteUpdateAsync(set => set.SetProperty(k => k.ExpiresAt, past));
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync("/api/push/deployments", Deployment("j-1", "success"), key)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await PostAsync("/api/push/deployments", Deployment("j-1", "success"), "ak_0123456789." + new string('a', 43))).StatusCode);

        var denied = (await Audit.PageAsync(new AuditQuery(Action: "request.denied"), 0, 10)).Entries;
        Assert.Equal([("anonymous", "401: push refused: no such key"), ($"key {ApiKeys.PrefixOf(key)}", $"401: push refused: key {ApiKeys.PrefixOf(key)} expired")],
            denied.Select(e => (e.Actor, e.Outcome)));
        Assert.Equal(0, await CountAsync("deployments"));
    }

    [Fact]
    public async Task A_key_scoped_to_services_and_kinds_gets_403_outside_them_and_stores_nothing_there()
    {
        var key = await PushKeyAsync("jenkins", services: ["payments-api"], kinds: ["deployments"]);

        var incident = await PostAsync("/api/push/incidents", Incident("INC-1"), key);
        var otherService = await PostAsync("/api/push/deployments",
            $"[{Deployment("j-1", "success")}, {Deployment("j-2", "success").Replace("payments-api", "search-api")}]", key);
        var inScope = await PostAsync("/api/push/deployments", Deployment("j-3", "success"), key);
        var readKey = (await Keys.CreateAsync(new ApiKeyRequest("portal", ApiKeys.ReadPurpose, Role: AnalyticsRoles.Viewer), Admin)).Secret;
        var withReadKey = await PostAsync("/api/push/deployments", Deployment("j-4", "success"), readKey);

        Assert.Equal(HttpStatusCode.Forbidden, incident.StatusCode);
        Assert.Contains("may push deployments only, not incidents", await incident.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Forbidden, otherService.StatusCode);
        Assert.Contains("of payments-api only, not of search-api", await otherService.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, inScope.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, withReadKey.StatusCode);
        Assert.Equal(["j-3"], (await Store.QueryAsync<IdRow>("SELECT deployment_id AS id FROM deployments FINAL")).Select(r => r.Id));
        Assert.Equal(0, await CountAsync("incidents"));
        Assert.Equal(3, (await Audit.PageAsync(new AuditQuery(Action: "request.denied"), 0, 10)).Entries.Count(e => e.Outcome.StartsWith("403: push refused: ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_source_cannot_replace_an_event_another_source_stored_in_either_direction()
    {
        var jenkins = await PushKeyAsync("jenkins");

        Assert.Equal(HttpStatusCode.OK, (await PostAsync("/api/push/deployments", Deployment("shared-1", "in_progress", finishedAt: null), jenkins)).StatusCode);
        var byToken = await PostAsync("/api/push/deployments", Deployment("shared-1", "failure"));
        Assert.Equal(HttpStatusCode.OK, (await PostAsync("/api/push/deployments", Deployment("shared-2", "in_progress", finishedAt: null))).StatusCode);
        var byKey = await PostAsync("/api/push/deployments", $"[{Deployment("own-1", "success")}, {Deployment("shared-2", "failure")}]", jenkins);

        Assert.Equal(HttpStatusCode.BadRequest, byToken.StatusCode);
        Assert.Contains("'shared-1' is already stored by another source", await byToken.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, byKey.StatusCode);
        using var problem = JsonDocument.Parse(await byKey.Content.ReadAsStringAsync());
        Assert.Equal(["[1].deployment_id"], problem.RootElement.GetProperty("errors").EnumerateObject().Select(p => p.Name));
        var rows = await Store.QueryAsync<StatusRow>("SELECT status, source FROM deployments FINAL ORDER BY deployment_id");
        Assert.Equal([new StatusRow("in_progress", "jenkins"), new StatusRow("in_progress", "github-actions")], rows);
    }

    private sealed record IdRow(string Id);

    [Fact]
    public async Task Each_kind_s_JSON_Schema_is_served_as_published_in_docs_and_an_unknown_one_is_404()
    {
        foreach (var kind in PushedEvents.All.Select(e => e.Kind))
        {
            var response = await _client.GetAsync($"/api/push/schemas/{kind}.schema.json");

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/schema+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(await File.ReadAllTextAsync(Path.Combine(Analytics.Testing.RepositoryPaths.Root, "docs", "interchange", $"{kind}.schema.json")),
                await response.Content.ReadAsStringAsync());
        }
        var unknown = await _client.GetAsync("/api/push/schemas/builds.schema.json");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("commits.schema.json", await unknown.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Commits_pull_requests_and_reviews_are_pushed_to_their_endpoints()
    {
        var samples = Path.Combine(Analytics.Testing.RepositoryPaths.Root, "samples", "interchange");
        foreach (var kind in new[] { "commits", "pull-requests", "reviews" })
        {
            var response = await PostAsync($"/api/push/{kind}", await File.ReadAllTextAsync(Path.Combine(samples, $"{kind}.json")));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(5, await CountAsync("commits FINAL"));
        Assert.Equal(2, await CountAsync("pull_requests FINAL"));
        Assert.Equal(3, await CountAsync("pull_request_reviews FINAL"));
    }
}
