using Analytics.Ingestors.Backstage;
using Analytics.Ingestors.Tests.GitHub;
using Analytics.Ingestors.Tests.Runs;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Ingestors.Tests.Backstage;

/// <summary>
/// A Backstage source named "portal" reading a real <see cref="BackstageBackend"/>, wired as the app wires it
/// (<see cref="IngestTestHost"/>'s store and catalog, <c>AddBackstageIngestion</c>), with <see cref="FakeClock"/> as the
/// time a sync dates its changes by (it starts at the real time, as Backstage stamps its tasks with it).
/// </summary>
public sealed class BackstageScenario : IAsyncDisposable
{
    public const string SourceName = "portal";

    public static readonly DateTimeOffset HistoryStart = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly ServiceProvider _services;

    private BackstageScenario(IngestTestHost host, BackstageBackend backstage, FakeClock clock)
    {
        (Host, Backstage, Clock) = (host, backstage, clock);
        var services = new ServiceCollection().AddSingleton(host.Configuration);
        host.AddServicesTo(services, host.Configuration);
        services.AddBackstageIngestion();
        services.AddSingleton<TimeProvider>(clock);
        _services = services.BuildServiceProvider();
    }

    public IngestTestHost Host { get; }

    public BackstageBackend Backstage { get; }

    public FakeClock Clock { get; }

    public static async Task<BackstageScenario> CreateAsync(string catalogYaml, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var backstage = await BackstageBackend.StartAsync(catalogYaml);
        var configuration = new Dictionary<string, string?>
        {
            ["Kind"] = "backstage",
            ["BaseUrl"] = backstage.BaseUrl,
            ["Token"] = BackstageBackend.Token,
            ["HistoryStart"] = "2025-01-01",
            ["RequestTimeout"] = "00:00:20",
            ["MaxRetries"] = "1",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }
        var host = await IngestTestHost.CreateAsync(configuration.ToDictionary(pair => $"{IngestSources.Section}:{SourceName}:{pair.Key}", pair => pair.Value));
        return new BackstageScenario(host, backstage, new FakeClock(WholeSecond(DateTimeOffset.UtcNow)));
    }

    /// <summary>The catalog keeps milliseconds; a whole second compares equal after the round trip.</summary>
    private static DateTimeOffset WholeSecond(DateTimeOffset time) => new(time.UtcTicks - time.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    public BackstageIngestSource Source() => (BackstageIngestSource)Get<IngestSources>().Create(SourceName);

    public Task<IngestRunOutcome> RunAsync(BackstageIngestSource source) => Get<IngestRunner>().RunAsync(source);

    /// <summary>The catalog's ranges of <paramref name="service"/>'s owners, oldest first: "team from–to" (to "open").</summary>
    public Task<List<string>> OwnershipsAsync(string service) => Host.WithCatalogAsync(async db =>
        (await db.ServiceOwnerships.Where(o => o.Service.Slug == service).Select(o => new { Team = o.Team.Slug, o.ValidFrom, o.ValidTo }).ToListAsync())
            .OrderBy(o => o.ValidFrom).Select(o => $"{o.Team} {o.ValidFrom:O}–{(o.ValidTo is { } to ? to.ToString("O") : "open")}").ToList());

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await Backstage.DisposeAsync();
        await Host.DisposeAsync();
    }

    /// <summary>
    /// Two teams (payments, platform), ana in payments and ben in platform, the golden-path template node-service
    /// (version 2.1) and a template whose only step fails, and the checkout service (acme/checkout, created from
    /// node-service) owned by <paramref name="checkoutOwner"/>; <paramref name="more"/> is appended as further documents.
    /// </summary>
    public static string Catalog(string checkoutOwner = "group:default/payments", string more = "") => $$"""
        apiVersion: backstage.io/v1alpha1
        kind: Group
        metadata: { name: payments }
        spec: { type: team, profile: { displayName: Payments }, children: [] }
        ---
        apiVersion: backstage.io/v1alpha1
        kind: Group
        metadata: { name: platform, title: Platform team }
        spec: { type: team, children: [] }
        ---
        apiVersion: backstage.io/v1alpha1
        kind: User
        metadata: { name: ana, annotations: { github.com/user-login: ana-lima } }
        spec: { profile: { displayName: Ana Lima, email: ana@acme.test }, memberOf: [payments] }
        ---
        apiVersion: backstage.io/v1alpha1
        kind: User
        metadata: { name: ben }
        spec: { profile: { displayName: Ben Okafor }, memberOf: [platform] }
        ---
        apiVersion: scaffolder.backstage.io/v1beta3
        kind: Template
        metadata:
          name: node-service
          title: Node service
          tags: [golden-path]
          annotations: { backstage.io/template-version: "2.1" }
        spec:
          owner: group:default/platform
          type: service
          steps: [{ id: log, name: Log, action: debug:log, input: { message: hello } }]
        ---
        apiVersion: scaffolder.backstage.io/v1beta3
        kind: Template
        metadata: { name: broken }
        spec:
          owner: group:default/platform
          type: service
          steps: [{ id: fetch, name: Fetch, action: fetch:plain, input: { url: ./does-not-exist } }]
        ---
        apiVersion: backstage.io/v1alpha1
        kind: Component
        metadata:
          name: checkout
          title: Checkout
          annotations: { github.com/project-slug: acme/checkout, backstage.io/source-template: template:default/node-service }
        spec: { type: service, lifecycle: production, owner: {{checkoutOwner}} }
        {{more}}
        """;
}
