using Analytics.Ingestors.PagerDuty;
using Analytics.Ingestors.Tests.GitHub;
using Analytics.Ingestors.Tests.Runs;
using Analytics.Simulators.PagerDuty;

namespace Analytics.Ingestors.Tests.PagerDuty;

/// <summary>
/// A PagerDuty source named "ops" reading the simulated PagerDuty, wired as the app wires it (the test host's store and
/// catalog, <c>AddPagerDutyIngestion</c>), on a <see cref="FakeClock"/> the simulator's rate-limit window also reads.
/// The catalog and deployments are the documented samples (samples/csv), imported as the CSV import does.
/// </summary>
public sealed class PagerDutyScenario : IAsyncDisposable
{
    public const string SourceName = "ops";

    public const string Token = "u+PdT0kenThatMustNeverBeLogged7x";

    public static readonly DateTimeOffset Start = new(2026, 4, 20, 9, 0, 0, TimeSpan.Zero);

    private readonly ServiceProvider _services;

    private PagerDutyScenario(IngestTestHost host, FakePagerDutyServer pagerDuty, FakeClock clock)
    {
        (Host, PagerDuty, Clock) = (host, pagerDuty, clock);
        var services = new ServiceCollection().AddSingleton(host.Configuration);
        host.AddServicesTo(services, host.Configuration);
        services.AddPagerDutyIngestion();
        services.AddSingleton<TimeProvider>(clock);
        _services = services.BuildServiceProvider();
    }

    public IngestTestHost Host { get; }

    public FakePagerDutyServer PagerDuty { get; }

    public FakeClock Clock { get; }

    public static async Task<PagerDutyScenario> CreateAsync(IReadOnlyDictionary<string, string?>? settings = null, string token = Token)
    {
        var clock = new FakeClock(Start);
        var pagerDuty = await FakePagerDutyServer.StartAsync(clock, Token);
        var configuration = new Dictionary<string, string?>
        {
            ["Kind"] = "pagerduty",
            ["BaseUrl"] = pagerDuty.BaseUrl,
            ["Token"] = token,
            ["Services:PAY1"] = "payments-api",
            ["Services:Checkout web"] = "checkout-web",
            ["SeverityByPriority:P1"] = "sev1",
            ["Since"] = "2026-04-01",
            ["RequestTimeout"] = "00:00:05",
            ["MaxRetries"] = "3",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }
        var host = await IngestTestHost.CreateAsync(configuration.ToDictionary(p => $"{IngestSources.Section}:{SourceName}:{p.Key}", p => p.Value));
        await ImportSampleCatalogAsync(host);
        return new PagerDutyScenario(host, pagerDuty, clock);
    }

    /// <summary>The samples' teams, services, ownerships and deployments (not their incidents), as `ingest csv` imports them.</summary>
    public static async Task ImportSampleCatalogAsync(IngestTestHost host)
    {
        var importer = host.Get<Analytics.Ingestors.Csv.CsvImporter>();
        foreach (var file in new[] { "teams.csv", "services.csv", "ownerships.csv", "deployments.csv" })
        {
            var report = await importer.ImportAsync(Path.Combine(RepositoryFiles.SamplesCsv, file), null, "samples", skipInvalid: false);
            Assert.False(report.HasErrors, string.Join(Environment.NewLine, report.Errors));
        }
    }

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    public PagerDutyIngestSource Source() => (PagerDutyIngestSource)Get<IngestSources>().Create(SourceName);

    public Task<IngestRunOutcome> RunAsync() => Get<IngestRunner>().RunAsync(Source());

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await PagerDuty.DisposeAsync();
        await Host.DisposeAsync();
    }

    /// <summary>
    /// The incidents the tests serve, around the samples' deployments (gh-run-9001 succeeded on 14 April 09:20,
    /// gh-run-9002 failed on 15 April 12:09 UTC):
    /// <code>
    /// P1A #101 Payments API (PAY1) high, P1 → sev1   14 Apr 10:02–11:45  change events: gh-run-9001 (09:20) and one naming none (10:00)
    /// P3C #103 Payments API (PAY1) high, no priority → sev2   15 Apr 12:20–15:40
    /// P2B #102 Checkout web (by name) low → sev4      16 Apr 07:30, still triggered
    /// P4D #104 Mail (PMAIL), no mapping: not stored    16 Apr 08:00–08:10
    /// </code>
    /// </summary>
    public static IReadOnlyList<FakePagerDutyIncident> Incidents()
    {
        var cards = new FakePagerDutyIncident
        {
            Id = "P1A", Number = 101, Title = "Card payments failing", ServiceId = "PAY1", ServiceName = "Payments API", Priority = "P1",
            CreatedAt = At(14, 10, 2), ResolvedAt = At(14, 11, 45),
        };
        cards.ChangeEvents.Add(new FakeChangeEvent("01CE1", At(14, 9, 20), "Deploy payments-api 3f1c2a9", "gh-run-9001"));
        cards.ChangeEvents.Add(new FakeChangeEvent("01CE2", At(14, 10, 0), "Feature flag card-v2 on"));
        return
        [
            cards,
            new FakePagerDutyIncident { Id = "P3C", Number = 103, Title = "Refunds erroring", ServiceId = "PAY1", ServiceName = "Payments API", CreatedAt = At(15, 12, 20), ResolvedAt = At(15, 15, 40) },
            new FakePagerDutyIncident { Id = "P2B", Number = 102, Title = "Slow basket page", ServiceId = "PCHK", ServiceName = "Checkout web", Urgency = "low", CreatedAt = At(16, 7, 30) },
            new FakePagerDutyIncident { Id = "P4D", Number = 104, Title = "Mail queue", ServiceId = "PMAIL", ServiceName = "Mail", CreatedAt = At(16, 8, 0), ResolvedAt = At(16, 8, 10) },
        ];
    }

    /// <summary>The same incidents as the CSV import takes them (docs/ingestion.md, incidents columns).</summary>
    public const string IncidentsCsv = """
        incident_id,service,severity,title,started_at,resolved_at,caused_by_deployment_id,url
        pagerduty-P1A,payments-api,sev1,Card payments failing,2026-04-14T10:02:00Z,2026-04-14T11:45:00Z,gh-run-9001,https://acme.pagerduty.com/incidents/P1A
        pagerduty-P3C,payments-api,sev2,Refunds erroring,2026-04-15T12:20:00Z,2026-04-15T15:40:00Z,,https://acme.pagerduty.com/incidents/P3C
        pagerduty-P2B,checkout-web,sev4,Slow basket page,2026-04-16T07:30:00Z,,,https://acme.pagerduty.com/incidents/P2B
        """;

    public static DateTimeOffset At(int day, int hour, int minute) => new(2026, 4, day, hour, minute, 0, TimeSpan.Zero);
}
