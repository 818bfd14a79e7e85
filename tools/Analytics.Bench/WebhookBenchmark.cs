using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text.Json;
using Analytics.Ingestors.Runs;
using Analytics.Simulators.GitHub;
using Analytics.Storage.ClickHouse;
using Analytics.Web.Api;

namespace Analytics.Bench;

/// <summary>
/// How soon a GitHub webhook delivery changes the figures (issue 18: within 2 s). The shipped app runs on Kestrel
/// (127.0.0.1, in this process) over the embedded engine, with a GitHub source that has a webhook secret and reads the
/// GitHub simulator, as <c>GitHubWebhookApiTests</c> sets it up; optionally over a loaded demo organisation, because
/// the derived tables are rebuilt after each delivery (by the next query) and the rebuild grows with the store. Each round merges a pull
/// request and deploys the merge to production, delivering, signed, the push, the closed pull request, the deployment
/// while it has no status yet and then its success status; timed from sending the status until GET /api/dora
/// (the default period, as a dashboard asks) counts one more deployment.
/// </summary>
/// <param name="scale">A demo organisation (tiny, s, l) loaded first, or null for an empty store as in the test.</param>
public sealed class WebhookBenchmark(int rounds, string? scale, string workPath)
{
    private const string SourceName = "bench-webhooks";
    private const string Organisation = "acme";

    // Yesterday (UTC): inside /api/dora's default period, which ends at today's midnight.
    private readonly DateTimeOffset _day = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero).AddDays(-1);

    // Throwaway credentials: the simulator only checks that the app sends the token, the app that deliveries carry the secret's signature.
    private readonly string _token = $"ghp_{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(18))}";
    private readonly string _secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));

    // Rounds spread over yesterday (from 01:00, within 20 hours), at least a minute apart for up to 1,000 rounds.
    private readonly TimeSpan _spacing = TimeSpan.FromHours(20) / (rounds + 1);
    private readonly int _rounds = rounds;

    public async Task<WebhookBenchmarkReport> RunAsync(IProgress<string> progress, CancellationToken cancellationToken)
    {
        var acme = new FakeOrganisation(Organisation);
        var shop = acme.Repository("shop");
        shop.Commit("main", "c0", _day, "Initial commit");
        await using var gitHub = await FakeGitHubServer.StartAsync(TimeProvider.System, _token, acme);
        gitHub.WebhookExamples = FakeWebhookExamples.LoadInstalled();
        gitHub.RateLimit = int.MaxValue;

        var section = $"{IngestSources.Section}:{SourceName}";
        KeyValuePair<string, string?>[] demo = scale is null ? [] :
            [new("Analytics:Demo:LoadWhenEmpty", "true"), new("Analytics:Demo:Scale", scale), new("Analytics:Demo:Seed", "42")];
        await using var app = BenchmarkHost.BuildWebApp(workPath, "bench_webhooks", port: 0,
        [
            new($"{section}:Kind", "github"),
            new($"{section}:BaseUrl", gitHub.BaseUrl),
            new($"{section}:Token", _token),
            new($"{section}:Organizations", Organisation),
            new($"{section}:WebhookSecret", _secret),
            // The benchmark polls /api/dora without pause; the per-client limit (600 a minute) would answer 429.
            new("Analytics:RateLimits:Api:PermitLimit", "1000000"),
            .. demo,
        ]);
        progress.Report(scale is null ? "starting the app on an empty store…" : $"starting the app: loading the {scale} demo organisation…");
        await app.StartAsync(cancellationToken);
        using var http = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
        using var profile = new WebhookProfile(new Uri(gitHub.BaseUrl).Port);
        var round = new Round(this, gitHub, shop, http, profile, app.Services.GetRequiredService<DerivedTablesStore>(), cancellationToken);

        // One untimed round first: the first delivery and query pay for JIT and the first refresh's plans.
        progress.Report("warm-up round…");
        await round.RunAsync(0);
        var timings = new List<RoundTiming>();
        for (var i = 1; i <= _rounds; i++)
        {
            timings.Add(await round.RunAsync(i));
            progress.Report($"round {i}/{_rounds}: delivery answered in {timings[^1].StatusResponse.TotalMilliseconds:N0} ms, figure changed after {timings[^1].Visible.TotalMilliseconds:N0} ms");
        }

        progress.Report("redelivering the last deployment_status…");
        var store = app.Services.GetRequiredService<IClickHouseStore>();
        var before = await CountsAsync(store, round);
        var redelivery = Stopwatch.StartNew();
        var outcome = await round.PostAsync(round.LastStatus!);
        redelivery.Stop();
        var after = await CountsAsync(store, round);
        await app.StopAsync(cancellationToken);
        return new WebhookBenchmarkReport(scale ?? "none (empty store, as the test)", timings, outcome, redelivery.Elapsed, before, after);
    }

    /// <summary>Raw rows (no FINAL: a second write would show before any merge), applied deliveries, and the figure.</summary>
    private static async Task<RowCounts> CountsAsync(IClickHouseStore store, Round round)
    {
        async Task<long> Count(string table) => (await store.QueryAsync<CountRow>($"SELECT count() AS n FROM {table}")).Single().N;
        return new RowCounts(await Count("deployments"), await Count("pull_requests"), await Count("github_webhook_deliveries"), await round.DeploymentsAsync());
    }

    private sealed record CountRow(long N);

    /// <summary>One round's deliveries against the simulator's repository, whose main branch grows by one merge a round.</summary>
    private sealed class Round(
        WebhookBenchmark bench, FakeGitHubServer gitHub, FakeRepository shop, HttpClient http, WebhookProfile profile, DerivedTablesStore derived,
        CancellationToken cancellationToken)
    {
        private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);
        private string _head = "c0";

        public FakeWebhookDelivery? LastStatus { get; private set; }

        public async Task<RoundTiming> RunAsync(int number)
        {
            // Each event of the round 10 s after the one before.
            var at = bench._day.AddHours(1) + number * bench._spacing;
            var (feature, merge) = ($"f{number:x6}", $"e{number:x6}");
            shop.Commit($"change-{number}", feature, at, $"Change {number}", "Ben Okafor", "ben@acme.test", _head);
            var pull = new FakePull { Number = number + 1, Title = $"Change {number}", Author = new FakeUser("ben"), CreatedAt = at.AddSeconds(10), UpdatedAt = at.AddSeconds(10) };
            pull.CommitShas.Add(feature);
            shop.Pulls.Add(pull);
            shop.Commit("main", merge, at.AddSeconds(20), $"Merge pull request #{pull.Number} from acme/change-{number}", "Ana Lima", "ana@acme.test", _head, feature);
            (pull.MergedAt, pull.ClosedAt, pull.UpdatedAt, pull.MergeCommitSha) = (at.AddSeconds(20), at.AddSeconds(20), at.AddSeconds(20), FakeRepository.Pad(merge));
            var responses = new List<TimeSpan>
            {
                await DeliverAsync(gitHub.PushDelivery(shop, "main", _head, merge)),
                await DeliverAsync(gitHub.PullRequestDelivery(shop, pull, "closed")),
            };
            _head = merge;

            // GitHub sends `deployment` when it is created, before any status: then the figure must not count it yet,
            // or the timing below would measure nothing.
            var deployment = new FakeDeployment { Id = 1000 + number, Sha = FakeRepository.Pad(merge), Environment = "production", CreatedAt = at.AddSeconds(30) };
            shop.Deployments.Add(deployment);
            responses.Add(await DeliverAsync(gitHub.DeploymentDelivery(shop, deployment)));
            var before = await DeploymentsAsync();
            var status = new FakeDeploymentStatus(number + 1, "success", at.AddSeconds(40));
            deployment.Statuses.Add(status);
            LastStatus = gitHub.DeploymentStatusDelivery(shop, deployment, status);

            profile.Take();
            var refreshedBefore = derived.LastRefresh;
            var clock = Stopwatch.StartNew();
            var response = await DeliverAsync(LastStatus);
            responses.Add(response);
            var spans = profile.Take();
            var refreshedInDelivery = derived.LastRefresh;
            // No pause between reads: the figure's delay is then measured to within one read of /api/dora.
            while (await DeploymentsAsync() == before)
            {
                if (clock.Elapsed > Limit)
                {
                    throw new TimeoutException($"Round {number}: /api/dora did not count deployment {deployment.Id} within {Limit.TotalSeconds} s.");
                }
            }
            var visible = clock.Elapsed;
            var refreshedAfter = derived.LastRefresh;
            var deliveryProfile = new DeliveryProfile(
                spans, ReferenceEquals(refreshedInDelivery, refreshedBefore) ? null : refreshedInDelivery,
                ReferenceEquals(refreshedAfter, refreshedInDelivery) ? null : refreshedAfter);
            // The same read once more, nothing written since: what reading the figure itself costs.
            var read = Stopwatch.StartNew();
            await DeploymentsAsync();
            return new RoundTiming(response, visible, responses, read.Elapsed) { Profile = deliveryProfile };
        }

        /// <summary>Posts <paramref name="delivery"/> and checks that it was applied; returns its response time.</summary>
        private async Task<TimeSpan> DeliverAsync(FakeWebhookDelivery delivery)
        {
            var clock = Stopwatch.StartNew();
            var outcome = await PostAsync(delivery);
            var elapsed = clock.Elapsed;
            return outcome == "applied" ? elapsed
                : throw new InvalidOperationException($"The {delivery.Event} delivery {delivery.DeliveryId} was answered '{outcome}', not 'applied'.");
        }

        /// <summary>Posts a delivery as GitHub does (its headers, signed with the source's secret); returns the answer's outcome.</summary>
        public async Task<string> PostAsync(FakeWebhookDelivery delivery)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, GitHubWebhookApi.Path) { Content = new ByteArrayContent(delivery.Body) };
            request.Content.Headers.ContentType = new("application/json");
            foreach (var (name, value) in delivery.Headers(bench._secret))
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
            using var response = await http.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            return response.IsSuccessStatusCode ? JsonDocument.Parse(body).RootElement.GetProperty("outcome").GetString()!
                : throw new InvalidOperationException($"The {delivery.Event} delivery was answered {(int)response.StatusCode}: {body}");
        }

        /// <summary>The organisation's deployments in /api/dora's default period: the figure a dashboard shows.</summary>
        public async Task<long> DeploymentsAsync()
        {
            var dora = await http.GetFromJsonAsync<JsonElement>("/api/dora", cancellationToken);
            return dora.GetProperty("organisation").GetProperty("deploymentFrequency").GetProperty("deployments").GetInt64();
        }
    }
}

/// <param name="StatusResponse">The deployment_status delivery, from sending it until its answer.</param>
/// <param name="Visible">From sending the deployment_status delivery until /api/dora counts the deployment.</param>
/// <param name="Responses">Every delivery of the round (push, pull_request, deployment, deployment_status).</param>
/// <param name="Read">GET /api/dora once the figure changed, with nothing written since.</param>
public sealed record RoundTiming(TimeSpan StatusResponse, TimeSpan Visible, IReadOnlyList<TimeSpan> Responses, TimeSpan Read)
{
    /// <summary>Where the deployment_status delivery's time went (<see cref="WebhookProfile"/>).</summary>
    public DeliveryProfile? Profile { get; init; }
}

/// <param name="DoraDeployments">The organisation's deployments as GET /api/dora counts them.</param>
public sealed record RowCounts(long Deployments, long PullRequests, long Deliveries, long DoraDeployments);

/// <param name="RedeliveryOutcome">The answer's outcome to the last deployment_status sent again (same delivery id).</param>
public sealed record WebhookBenchmarkReport(
    string Store, IReadOnlyList<RoundTiming> Rounds, string RedeliveryOutcome, TimeSpan Redelivery, RowCounts BeforeRedelivery, RowCounts AfterRedelivery)
{
    public static readonly TimeSpan Target = TimeSpan.FromSeconds(2);

    /// <summary>The figures as Markdown, for docs/benchmarks.md, with the machine and date they are from.</summary>
    public IEnumerable<string> MarkdownLines()
    {
        static string Ms(double value) => value.ToString("N0", CultureInfo.InvariantCulture);
        string Row(string what, IEnumerable<TimeSpan> times)
        {
            var sorted = times.Select(time => time.TotalMilliseconds).Order().ToList();
            return $"| {what} | {sorted.Count} | {Ms(PageBenchmark.Percentile(sorted, 0.5))} | {Ms(PageBenchmark.Percentile(sorted, 0.95))} | {Ms(sorted[^1])} |";
        }
        yield return $"{DateTime.UtcNow:yyyy-MM-dd}, {Environment.ProcessorCount} cores ({Machine("/proc/cpuinfo", "model name")}), " +
            $"{Math.Round(double.Parse(Machine("/proc/meminfo", "MemTotal").Split(' ')[0], CultureInfo.InvariantCulture) / 1024 / 1024)} GiB RAM, " +
            $"{RuntimeInformation.FrameworkDescription}, load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]} at the end; store: {Store}";
        yield return "";
        yield return "| measured | samples | p50 (ms) | p95 (ms) | max (ms) |";
        yield return "|---|---:|---:|---:|---:|";
        yield return Row("`deployment_status` delivery sent → its answer (`applied`)", Rounds.Select(r => r.StatusResponse));
        yield return Row("`deployment_status` delivery sent → `GET /api/dora` counts the deployment", Rounds.Select(r => r.Visible));
        yield return Row("`GET /api/dora` alone, nothing written since the last read", Rounds.Select(r => r.Read));
        yield return Row("every delivery of a round (push, pull_request, deployment, deployment_status) → its answer", Rounds.SelectMany(r => r.Responses));
        yield return "";
        foreach (var line in DeliveryProfile.MarkdownLines(Rounds.Select(r => r.Profile).OfType<DeliveryProfile>().ToList()))
        {
            yield return line;
        }
        yield return "";
        var slowest = Rounds.Max(r => r.Visible);
        yield return $"Target: the figure follows within {Target.TotalSeconds:0} s → {(slowest <= Target ? "met by every round" : $"NOT met: the slowest round took {slowest.TotalSeconds:0.00} s")}.";
        yield return $"Redelivery of the last deployment_status (same X-GitHub-Delivery): answered `{RedeliveryOutcome}` in {Ms(Redelivery.TotalMilliseconds)} ms; " +
            $"rows in deployments {BeforeRedelivery.Deployments} → {AfterRedelivery.Deployments}, pull_requests {BeforeRedelivery.PullRequests} → {AfterRedelivery.PullRequests}, " +
            $"github_webhook_deliveries {BeforeRedelivery.Deliveries} → {AfterRedelivery.Deliveries}; /api/dora deployments {BeforeRedelivery.DoraDeployments} → {AfterRedelivery.DoraDeployments}.";
    }

    /// <summary>A field of a /proc file ("model name", "MemTotal"): what the figures were measured on.</summary>
    private static string Machine(string file, string field) =>
        File.ReadLines(file).FirstOrDefault(line => line.StartsWith(field, StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown";
}
