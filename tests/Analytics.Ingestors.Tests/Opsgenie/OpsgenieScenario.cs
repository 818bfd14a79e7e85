using Analytics.Ingestors.Opsgenie;
using Analytics.Ingestors.Tests.GitHub;
using Analytics.Ingestors.Tests.PagerDuty;
using Analytics.Ingestors.Tests.Runs;
using Analytics.Simulators.Opsgenie;

namespace Analytics.Ingestors.Tests.Opsgenie;

/// <summary>
/// An Opsgenie source named "ops" reading the simulated Opsgenie, wired as the app wires it (the test host's store and
/// catalog, <c>AddOpsgenieIngestion</c>), on a <see cref="FakeClock"/> the simulator's rate-limit window also reads. The
/// catalog and deployments are the documented samples, as for PagerDuty.
/// </summary>
public sealed class OpsgenieScenario : IAsyncDisposable
{
    public const string SourceName = "ops";

    public const string ApiKey = "0f3b2c1a-Genie-KeyThatMustNeverBeLogged";

    public const string Payments = "5e3c0f0a-0000-4000-8000-00000000pay1";

    public const string Checkout = "5e3c0f0a-0000-4000-8000-00000000chk1";

    public const string Mail = "5e3c0f0a-0000-4000-8000-00000000mail";

    private readonly ServiceProvider _services;

    private OpsgenieScenario(IngestTestHost host, FakeOpsgenieServer opsgenie, FakeClock clock)
    {
        (Host, Opsgenie, Clock) = (host, opsgenie, clock);
        var services = new ServiceCollection().AddSingleton(host.Configuration);
        host.AddServicesTo(services, host.Configuration);
        services.AddOpsgenieIngestion();
        services.AddSingleton<TimeProvider>(clock);
        _services = services.BuildServiceProvider();
    }

    public IngestTestHost Host { get; }

    public FakeOpsgenieServer Opsgenie { get; }

    public FakeClock Clock { get; }

    public static async Task<OpsgenieScenario> CreateAsync(IReadOnlyDictionary<string, string?>? settings = null, string apiKey = ApiKey)
    {
        var clock = new FakeClock(PagerDutyScenario.Start);
        var opsgenie = await FakeOpsgenieServer.StartAsync(clock, ApiKey);
        opsgenie.Services.AddRange([new(Payments, "Payments API"), new(Checkout, "Checkout web"), new(Mail, "Mail")]);
        var configuration = new Dictionary<string, string?>
        {
            ["Kind"] = "opsgenie",
            ["BaseUrl"] = opsgenie.BaseUrl,
            ["ApiKey"] = apiKey,
            [$"Services:{Payments}"] = "payments-api",
            ["Services:Checkout web"] = "checkout-web",
            ["SeverityByPriority:P1"] = "sev1",
            ["SeverityByPriority:P3"] = "sev2",
            ["SeverityByPriority:P4"] = "sev4",
            ["Since"] = "2026-04-01",
            ["RequestTimeout"] = "00:00:05",
            ["MaxRetries"] = "3",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }
        var host = await IngestTestHost.CreateAsync(configuration.ToDictionary(p => $"{IngestSources.Section}:{SourceName}:{p.Key}", p => p.Value));
        await PagerDutyScenario.ImportSampleCatalogAsync(host);
        return new OpsgenieScenario(host, opsgenie, clock);
    }

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    public OpsgenieIngestSource Source() => (OpsgenieIngestSource)Get<IngestSources>().Create(SourceName);

    public Task<IngestRunOutcome> RunAsync() => Get<IngestRunner>().RunAsync(Source());

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await Opsgenie.DisposeAsync();
        await Host.DisposeAsync();
    }

    /// <summary>
    /// The incidents the tests serve, the same as <see cref="PagerDutyScenario.Incidents"/> (around the samples'
    /// deployments gh-run-9001, 14 April 09:20, and gh-run-9002, 15 April 12:09 UTC):
    /// <code>
    /// a1 #101 Payments API (by id) P1 → sev1       14 Apr 10:02–11:45, closed   extraProperties deployment_id gh-run-9001
    /// c3 #103 Payments API (by id) P3 → sev2       15 Apr 12:20–15:40, resolved
    /// b2 #102 Checkout web (by name) P4 → sev4     16 Apr 07:30, still open
    /// d4 #104 Mail, no mapping: not stored         16 Apr 08:00–08:10
    /// </code>
    /// </summary>
    public static IReadOnlyList<FakeOpsgenieIncident> Incidents()
    {
        var cards = new FakeOpsgenieIncident
        {
            Id = "a1", TinyId = "101", Message = "Card payments failing", ServiceIds = [Payments], Priority = "P1",
            CreatedAt = PagerDutyScenario.At(14, 10, 2), ResolvedAt = PagerDutyScenario.At(14, 11, 45), Closed = true,
        };
        cards.ExtraProperties["deployment_id"] = "gh-run-9001";
        return
        [
            cards,
            new FakeOpsgenieIncident { Id = "c3", TinyId = "103", Message = "Refunds erroring", ServiceIds = [Payments], CreatedAt = PagerDutyScenario.At(15, 12, 20), ResolvedAt = PagerDutyScenario.At(15, 15, 40) },
            new FakeOpsgenieIncident { Id = "b2", TinyId = "102", Message = "Slow basket page", ServiceIds = [Checkout], Priority = "P4", CreatedAt = PagerDutyScenario.At(16, 7, 30) },
            new FakeOpsgenieIncident { Id = "d4", TinyId = "104", Message = "Mail queue", ServiceIds = [Mail], CreatedAt = PagerDutyScenario.At(16, 8, 0), ResolvedAt = PagerDutyScenario.At(16, 8, 10) },
        ];
    }

    /// <summary>The same incidents as the CSV import takes them (docs/ingestion.md, incidents columns).</summary>
    public const string IncidentsCsv = """
        incident_id,service,severity,title,started_at,resolved_at,caused_by_deployment_id,url
        opsgenie-a1,payments-api,sev1,Card payments failing,2026-04-14T10:02:00Z,2026-04-14T11:45:00Z,gh-run-9001,
        opsgenie-c3,payments-api,sev2,Refunds erroring,2026-04-15T12:20:00Z,2026-04-15T15:40:00Z,,
        opsgenie-b2,checkout-web,sev4,Slow basket page,2026-04-16T07:30:00Z,,,
        """;
}
