using Analytics.Ingestors.GitHub;
using Analytics.Simulators.GitHub;
using Analytics.Ingestors.Tests.Runs;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Ingestors.Tests.GitHub;

/// <summary>
/// A GitHub source named "acme" reading the fake server, wired as the app wires it: <see cref="IngestTestHost"/>'s
/// store and catalog, <c>AddGitHubIngestion</c>, the configured sources, and <see cref="FakeClock"/> as the time
/// provider (Polly's waits and the fake's rate-limit window run on it).
/// </summary>
public sealed class GitHubScenario : IAsyncDisposable
{
    public const string SourceName = "acme";

    /// <summary>Looks like a real token, so a leak would be found by searching for it.</summary>
    public const string Token = "ghp_T0kenThatMustNeverBeLogged9f8e7d6c5b4a";

    private readonly ServiceProvider _services;

    private GitHubScenario(IngestTestHost host, FakeGitHubServer gitHub, FakeClock clock)
    {
        (Host, GitHub, Clock) = (host, gitHub, clock);
        var services = new ServiceCollection().AddSingleton(host.Configuration);
        host.AddServicesTo(services, host.Configuration);
        services.AddGitHubIngestion(host.Configuration);
        services.AddSingleton<TimeProvider>(clock);
        _services = services.BuildServiceProvider();
    }

    public IngestTestHost Host { get; }

    public FakeGitHubServer GitHub { get; }

    public FakeClock Clock { get; }

    public static readonly DateTimeOffset Start = new(2026, 3, 2, 18, 0, 0, TimeSpan.Zero);

    /// <param name="organisation">What the fake serves; <see cref="AcmeOrganisation"/> when null.</param>
    /// <param name="settings">Source settings on top of the defaults (key under Analytics:Sources:acme; null removes).</param>
    public static async Task<GitHubScenario> CreateAsync(
        FakeOrganisation? organisation = null, IReadOnlyDictionary<string, string?>? settings = null, Func<IClickHouseStore, IClickHouseStore>? wrapStore = null)
    {
        var clock = new FakeClock(Start);
        var gitHub = await FakeGitHubServer.StartAsync(clock, Token, organisation ?? AcmeOrganisation());
        var configuration = new Dictionary<string, string?>
        {
            ["Kind"] = "github",
            ["BaseUrl"] = gitHub.BaseUrl,
            ["Token"] = Token,
            ["Organizations"] = "acme",
            ["ReleasesAsDeployments"] = "true",
            ["Workflows:0:Workflow"] = "deploy.yml",
            ["Workflows:0:Environment"] = "production",
            ["Workflows:0:Branch"] = "main",
            ["IncidentLabels"] = "incident",
            // The tests below count REST requests exactly; GraphQL's are counted by GitHubGraphQlTests (settings "Api" = "graphql").
            ["Api"] = "rest",
            // Long enough that a slow answer on a loaded machine is never retried: tests count requests exactly.
            ["RequestTimeout"] = "00:00:30",
            ["MaxRetries"] = "3",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }
        var host = await IngestTestHost.CreateAsync(
            configuration.ToDictionary(pair => $"{IngestSources.Section}:{SourceName}:{pair.Key}", pair => pair.Value), wrapStore);
        return new GitHubScenario(host, gitHub, clock);
    }

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    /// <summary>The configured source, built as the scheduler builds it.</summary>
    public GitHubIngestSource Source() => (GitHubIngestSource)Get<IngestSources>().Create(SourceName);

    public Task<IngestRunOutcome> RunAsync(CancellationToken cancellationToken = default) => RunAsync(Source(), cancellationToken);

    public Task<IngestRunOutcome> RunAsync(GitHubIngestSource source, CancellationToken cancellationToken = default) =>
        Get<IngestRunner>().RunAsync(source, cancellationToken);

    public async Task<IReadOnlyList<SourceCursor>> CursorsAsync()
    {
        await using var db = await Host.Catalog.CreateDbContextAsync();
        return await db.SourceCursors.AsNoTracking().Where(c => c.Source.Name == SourceName).OrderBy(c => c.Resource).ToListAsync();
    }

    /// <summary>Every stored row of the event tables (FINAL, without ingested_at), one line each, sorted.</summary>
    public Task<IReadOnlyList<string>> SnapshotAsync() => Snapshot.OfAsync(Host.EngineStore);

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await GitHub.DisposeAsync();
        await Host.DisposeAsync();
    }

    public static DateTimeOffset At(int hour, int minute = 0) => new(2026, 3, 2, hour, minute, 0, TimeSpan.Zero);

    /// <summary>The full sha the fake gives a short name ("c1").</summary>
    public static string Sha(string name) => FakeRepository.Pad(name);

    /// <summary>
    /// acme/shop and acme/billing, small enough to check every row by hand:
    /// <code>
    /// shop main:  c1 (09:00) ← c2 (12:00, merge of PR #1: parents c1, f1) ← c3 (15:00)
    ///   PR #1 "Add cart" by ben: f1 (10:00, parent c1); opened 10:30, merged 12:00 as c2. Reviews: ben's own (10:40),
    ///         ci-bot[bot] (10:45), ana APPROVED (11:00), ana's pending draft. First review = ana's, 11:00.
    ///   PR #2 "Bump lodash" by dependabot[bot] (a Bot): d1 (13:00, parent c2); open.
    ///   Deployments: 1001 c2 production: in_progress 12:11, success 12:20, inactive 16:00 (replaced) → success at 12:20;
    ///                1002 c3 production: failure 15:15; 1003 c3 staging: in_progress 15:21 (still going).
    ///   Releases: v1.0.0 (tag on c2, target "main") published 12:30; a draft and a pre-release are not deployments.
    ///   deploy.yml runs on main: 71 c2 success 12:05–12:15; 72 c3 failure 15:05–15:09; 73 c3 in progress since 15:30;
    ///              run 74 on branch "topic" is not a deployment (Branch = main).
    ///   Issues labelled incident: #10 "Checkout down" sev2, 15:16–16:30, body names deployment 1002;
    ///              #11 "Slow search", open since 17:00, no severity label (→ sev3), names no deployment;
    ///              #12 a bug (not an incident); #13 a pull request carrying the label (skipped).
    /// billing trunk: b1 (08:00); nothing else, and no deploy.yml (only ci.yml).
    /// </code>
    /// </summary>
    public static FakeOrganisation AcmeOrganisation()
    {
        var acme = new FakeOrganisation("acme");
        var shop = acme.Repository("shop");
        var ana = new FakeUser("ana");
        var ben = new FakeUser("ben");
        shop.Commit("main", "c1", At(9), "Initial commit");
        shop.Commit("cart", "f1", At(10), "Add cart\n\nWith a basket icon.", "Ben Okafor", "ben@acme.test", "c1");
        shop.Commit("main", "c2", At(12), "Merge pull request #1 from acme/cart", "Ana Lima", "ana@acme.test", "c1", "f1");
        shop.Commit("main", "c3", At(15), "Fix typo", "Ana Lima", "ana@acme.test", "c2");
        shop.Commit("deps", "d1", At(13), "Bump lodash from 4.17.20 to 4.17.21", "dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com", "c2");

        var cart = new FakePull { Number = 1, Title = "Add cart", Author = ben, CreatedAt = At(10, 30), UpdatedAt = At(12), MergedAt = At(12), ClosedAt = At(12), MergeCommitSha = FakeRepository.Pad("c2") };
        cart.CommitShas.Add("f1");
        cart.Reviews.Add(new FakeReview(501, ben, "COMMENTED", At(10, 40)));
        cart.Reviews.Add(new FakeReview(502, new FakeUser("ci-bot[bot]", IsBot: true), "COMMENTED", At(10, 45)));
        cart.Reviews.Add(new FakeReview(503, ana, "APPROVED", At(11)));
        cart.Reviews.Add(new FakeReview(504, ana, "PENDING", null));
        var bump = new FakePull { Number = 2, Title = "Bump lodash", Author = new FakeUser("dependabot[bot]", IsBot: true), CreatedAt = At(13), UpdatedAt = At(13), MergeCommitSha = FakeRepository.Pad("e9") };
        bump.CommitShas.Add("d1");
        shop.Pulls.AddRange([cart, bump]);

        var d1001 = new FakeDeployment { Id = 1001, Sha = FakeRepository.Pad("c2"), Environment = "production", CreatedAt = At(12, 10) };
        d1001.Statuses.AddRange([new FakeDeploymentStatus(1, "in_progress", At(12, 11)), new FakeDeploymentStatus(2, "success", At(12, 20)), new FakeDeploymentStatus(5, "inactive", At(16))]);
        var d1002 = new FakeDeployment { Id = 1002, Sha = FakeRepository.Pad("c3"), Environment = "production", CreatedAt = At(15, 10) };
        d1002.Statuses.Add(new FakeDeploymentStatus(3, "failure", At(15, 15)));
        var d1003 = new FakeDeployment { Id = 1003, Sha = FakeRepository.Pad("c3"), Environment = "staging", CreatedAt = At(15, 20) };
        d1003.Statuses.Add(new FakeDeploymentStatus(4, "in_progress", At(15, 21)));
        shop.Deployments.AddRange([d1001, d1002, d1003]);

        shop.Tags["v1.0.0"] = "c2";
        shop.Releases.Add(new FakeRelease(801, "v1.0.0", "main", At(12, 25), At(12, 30)));
        shop.Releases.Add(new FakeRelease(802, "v1.1.0", "main", At(16), null, Draft: true));
        shop.Releases.Add(new FakeRelease(803, "v1.1.0-rc1", "main", At(16, 5), At(16, 5), Prerelease: true));

        var deploy = new FakeWorkflow { Id = 161335, Name = "Deploy", Path = ".github/workflows/deploy.yml" };
        deploy.Runs.Add(new FakeRun { Id = 71, Branch = "main", HeadSha = "c2", CreatedAt = At(12, 5), UpdatedAt = At(12, 15) });
        deploy.Runs.Add(new FakeRun { Id = 72, Branch = "main", HeadSha = "c3", CreatedAt = At(15, 5), UpdatedAt = At(15, 9), Conclusion = "failure" });
        deploy.Runs.Add(new FakeRun { Id = 73, Branch = "main", HeadSha = "c3", CreatedAt = At(15, 30), UpdatedAt = At(15, 31), Status = "in_progress", Conclusion = null });
        deploy.Runs.Add(new FakeRun { Id = 74, Branch = "topic", HeadSha = "d1", CreatedAt = At(13, 5), UpdatedAt = At(13, 9) });
        shop.Workflows.Add(deploy);
        shop.Workflows.Add(new FakeWorkflow { Id = 269289, Name = "CI", Path = ".github/workflows/ci.yml" });

        var down = new FakeIssue { Number = 10, Title = "Checkout down", Body = "Checkout fails with 500.\r\nCaused by deployment: 1002.", CreatedAt = At(15, 16), UpdatedAt = At(16, 30), ClosedAt = At(16, 30) };
        down.Labels.AddRange(["incident", "sev2"]);
        var slow = new FakeIssue { Number = 11, Title = "Slow search", Body = "Since the deployment failed? Not sure.", CreatedAt = At(17), UpdatedAt = At(17) };
        slow.Labels.Add("incident");
        var bug = new FakeIssue { Number = 12, Title = "Typo on the home page", CreatedAt = At(14), UpdatedAt = At(14) };
        bug.Labels.Add("bug");
        var pullWithLabel = new FakeIssue { Number = 13, Title = "Hotfix checkout", CreatedAt = At(15, 40), UpdatedAt = At(15, 40), IsPullRequest = true };
        pullWithLabel.Labels.Add("incident");
        shop.Issues.AddRange([down, slow, bug, pullWithLabel]);

        var billing = acme.Repository("billing", "trunk");
        billing.Commit("trunk", "b1", At(8), "Invoices", "Chi Eze", "chi@acme.test");
        billing.Workflows.Add(new FakeWorkflow { Id = 269290, Name = "CI", Path = ".github/workflows/ci.yml" });
        return acme;
    }
}
