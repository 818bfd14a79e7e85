using Analytics.Ingestors.Jira;
using Analytics.Ingestors.Tests.GitHub;
using Analytics.Ingestors.Tests.PagerDuty;
using Analytics.Ingestors.Tests.Runs;
using Analytics.Simulators.Jira;

namespace Analytics.Ingestors.Tests.Jira;

/// <summary>
/// A Jira source named "desk" reading the simulated Jira (Cloud or Data Center), wired as the app wires it, over the
/// samples' catalog and deployments (<see cref="PagerDutyScenario.ImportSampleCatalogAsync"/>).
/// </summary>
public sealed class JiraScenario : IAsyncDisposable
{
    public const string SourceName = "desk";

    public const string Email = "ops-bot@acme.test";

    public const string Token = "ATATT3xJiraT0kenThatMustNeverBeLogged";

    private readonly ServiceProvider _services;

    private JiraScenario(IngestTestHost host, FakeJiraServer jira, FakeClock clock)
    {
        (Host, Jira, Clock) = (host, jira, clock);
        var services = new ServiceCollection().AddSingleton(host.Configuration);
        host.AddServicesTo(services, host.Configuration);
        services.AddJiraIngestion();
        services.AddSingleton<TimeProvider>(clock);
        _services = services.BuildServiceProvider();
    }

    public IngestTestHost Host { get; }

    public FakeJiraServer Jira { get; }

    public FakeClock Clock { get; }

    public static async Task<JiraScenario> CreateAsync(bool cloud = true, IReadOnlyDictionary<string, string?>? settings = null, string token = Token)
    {
        var clock = new FakeClock(PagerDutyScenario.Start);
        var jira = await FakeJiraServer.StartAsync(clock, cloud, Email, Token);
        var configuration = new Dictionary<string, string?>
        {
            ["Kind"] = "jira",
            ["BaseUrl"] = jira.BaseUrl,
            ["Flavour"] = cloud ? "cloud" : "datacenter",
            ["Email"] = cloud ? Email : null,
            ["Token"] = token,
            ["IncidentProjects"] = "OPS",
            ["IncidentIssueTypes"] = "Incident",
            ["Services:payments"] = "payments-api",
            ["Services:checkout"] = "checkout-web",
            ["SeverityByPriority:Highest"] = "sev1",
            ["SeverityByPriority:Low"] = "sev4",
            ["RequestProjects"] = "HELP",
            ["RequestTeams:HELP"] = "checkout",
            ["RequestKinds:New environment"] = "environment",
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
        return new JiraScenario(host, jira, clock);
    }

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    public Task<IngestRunOutcome> RunAsync() => Get<IngestRunner>().RunAsync(Get<IngestSources>().Create(SourceName));

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await Jira.DisposeAsync();
        await Host.DisposeAsync();
    }

    /// <summary>
    /// <code>
    /// OPS-1 Incident, component payments, Highest → sev1   14 Apr 10:02, resolved 11:45 (resolutiondate; changelog: In Progress 10:30, Resolved 11:45)
    /// OPS-2 Incident, component checkout, Low → sev4       16 Apr 07:30, open
    /// OPS-3 a Task of OPS: not an incident (IssueTypes)
    /// HELP-7 request "New environment" → environment      10 Apr 11:30, resolved 13 Apr 16:00
    /// HELP-8 request "DNS record" → dns-record (its name)  15 Apr 08:45, open
    /// </code>
    /// </summary>
    public static IReadOnlyList<FakeJiraIssue> Issues()
    {
        var cards = new FakeJiraIssue
        {
            Key = "OPS-1", Summary = "Card payments failing", Priority = "Highest", Status = "Resolved",
            Created = PagerDutyScenario.At(14, 10, 2), Updated = PagerDutyScenario.At(14, 11, 45), ResolutionDate = PagerDutyScenario.At(14, 11, 45),
        };
        cards.Components.Add("payments");
        cards.StatusChanges.AddRange([("In Progress", PagerDutyScenario.At(14, 10, 30)), ("Resolved", PagerDutyScenario.At(14, 11, 45))]);
        var basket = new FakeJiraIssue { Key = "OPS-2", Summary = "Slow basket page", Priority = "Low", Created = PagerDutyScenario.At(16, 7, 30), Updated = PagerDutyScenario.At(16, 7, 31) };
        basket.Components.Add("checkout");
        var task = new FakeJiraIssue { Key = "OPS-3", IssueType = "Task", Summary = "Rotate keys", Created = PagerDutyScenario.At(15, 9, 0), Updated = PagerDutyScenario.At(15, 9, 0) };
        task.Components.Add("payments");
        return
        [
            cards, basket, task,
            new FakeJiraIssue
            {
                Key = "HELP-7", IssueType = "Service Request", RequestType = "New environment", Summary = "Staging for cart", Status = "Resolved",
                Created = PagerDutyScenario.At(10, 11, 30), Updated = PagerDutyScenario.At(13, 16, 0), ResolutionDate = PagerDutyScenario.At(13, 16, 0),
            },
            new FakeJiraIssue
            {
                Key = "HELP-8", IssueType = "Service Request", RequestType = "DNS record", Summary = "cart.acme.example",
                Created = PagerDutyScenario.At(15, 8, 45), Updated = PagerDutyScenario.At(15, 8, 45),
            },
            new FakeJiraIssue
            {
                // Turned down: a failed request, closed but never fulfilled.
                Key = "HELP-9", IssueType = "Service Request", RequestType = "DNS record", Summary = "acme.example", Status = "Declined",
                Created = PagerDutyScenario.At(15, 9, 0), Updated = PagerDutyScenario.At(15, 10, 0), ResolutionDate = PagerDutyScenario.At(15, 10, 0), Resolution = "Won't Do",
            },
        ];
    }

    /// <summary>The same incidents and requests as the CSV import takes them.</summary>
    public (string Incidents, string Requests) Csv() => (
        $"""
        incident_id,service,severity,title,started_at,resolved_at,caused_by_deployment_id,url
        jira-OPS-1,payments-api,sev1,Card payments failing,2026-04-14T10:02:00Z,2026-04-14T11:45:00Z,,{Jira.BaseUrl}browse/OPS-1
        jira-OPS-2,checkout-web,sev4,Slow basket page,2026-04-16T07:30:00Z,,,{Jira.BaseUrl}browse/OPS-2
        """,
        """
        request_id,team,kind,channel,requested_at,fulfilled_at,status,closed_at
        jira-HELP-7,checkout,environment,ticket,2026-04-10T11:30:00Z,2026-04-13T16:00:00Z,,
        jira-HELP-8,checkout,dns-record,ticket,2026-04-15T08:45:00Z,,,
        jira-HELP-9,checkout,dns-record,ticket,2026-04-15T09:00:00Z,,failed,2026-04-15T10:00:00Z
        """);
}
