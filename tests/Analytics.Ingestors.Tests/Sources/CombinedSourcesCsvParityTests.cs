using System.Globalization;
using System.Text;
using System.Text.Json;
using Analytics.Core.Dora;
using Analytics.Core.Space;
using Analytics.Ingestors.Backstage;
using Analytics.Ingestors.Csv;
using Analytics.Ingestors.GitLab;
using Analytics.Ingestors.Jira;
using Analytics.Ingestors.PagerDuty;
using Analytics.Ingestors.Tests.Backstage;
using Analytics.Ingestors.Tests.GitHub;
using Analytics.Ingestors.Tests.GitLab;
using Analytics.Ingestors.Tests.Jira;
using Analytics.Ingestors.Tests.PagerDuty;
using Analytics.Ingestors.Tests.Runs;
using Analytics.Simulators.GitHub;
using Analytics.Simulators.GitLab;
using Analytics.Simulators.Jira;
using Analytics.Simulators.PagerDuty;
using Analytics.Storage.Metrics;
using static Analytics.Ingestors.Tests.Interchange.InterchangeFiles;

namespace Analytics.Ingestors.Tests.Sources;

/// <summary>
/// One generated organisation with no GitHub (issue 13): its catalog, golden-path templates and scaffolder tasks in
/// a real Backstage backend, its code, merge requests and deployments in the simulated GitLab
/// (<see cref="GeneratedOrganisation"/>), its incidents split between the simulated PagerDuty (naming the deployment
/// that caused them in a change event) and the simulated Jira (with its service requests), all four synced into one
/// store by their sources; and the same organisation written as CSV files and imported into another. The figures
/// the dashboard shows (<see cref="DoraQueries"/>, <see cref="AdoptionQueries"/>) come out the same, figure by
/// figure: each team's and the organisation's deployment frequency, lead time, change failure rate, recovery time
/// and rework rate, golden-path adoption (for the period and by month) and self-service.
/// </summary>
public sealed class CombinedSourcesCsvParityTests
{
    /// <summary>The ISO week (Monday to Monday) all the generated organisation's deployments and incidents fall in.</summary>
    private static readonly DateTimeOffset From = new(2026, 2, 16, 0, 0, 0, TimeSpan.Zero), To = new(2026, 2, 23, 0, 0, 0, TimeSpan.Zero);

    private static readonly DateTimeOffset GeneratedEnd = new(2026, 2, 20, 12, 0, 0, TimeSpan.Zero);

    private static readonly DateTimeOffset HistoryStart = BackstageScenario.HistoryStart;

    private static readonly (string Slug, string Name)[] Teams = [("payments", "Payments"), ("checkout", "Checkout"), ("platform", "Platform")];

    /// <summary>Backstage's guest sign-in (<see cref="BackstageBackend.Requester"/>), who starts the scaffolder tasks; in payments.</summary>
    private static readonly Person Requester = new("ana", "Ana Lima", "ana@acme.test", "payments");

    /// <summary>The generated organisation's engineers (dev1…dev8, as its commits name them) and the requester.</summary>
    private static readonly Person[] People =
    [
        Requester,
        .. Enumerable.Range(1, 8).Select(i => new Person($"dev{i}", $"Developer {i}", $"dev{i}@acme.test", Teams[i % Teams.Length].Slug)),
    ];

    private static readonly Template[] Templates =
    [
        new("node-service", "Node service", "2.1", GoldenPath: true, Fails: false),
        new("legacy-service", "Legacy service", "1.4", GoldenPath: false, Fails: false),
        new("broken", "Broken service", "0.1", GoldenPath: true, Fails: true),
    ];

    /// <summary>Per generated repository (service-000…): its owner and the template it was made from (none: not from one).</summary>
    private static readonly (string Owner, string? Template)[] Services =
    [
        ("payments", "node-service"), ("payments", "legacy-service"), ("checkout", "node-service"), ("platform", null),
    ];

    [BackstageBackendFact]
    public async Task A_generated_organisation_from_Backstage_GitLab_Jira_and_PagerDuty_gives_the_DORA_adoption_and_self_service_figures_of_its_CSV_files()
    {
        var organisation = GeneratedOrganisation.Create("acme", repositories: Services.Length, pullRequestsPerRepository: 120, GeneratedEnd);
        var incidents = Incidents(organisation);
        var requests = Requests();

        // The four sources, each with what it holds of the organisation.
        var clock = new FakeClock(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        await using var backstage = await BackstageBackend.StartAsync(CatalogYaml(organisation));
        await using var gitLab = await FakeGitLabServer.StartAsync(clock, GitLabScenario.Token, organisation);
        await using var jira = await FakeJiraServer.StartAsync(clock, cloud: true, JiraScenario.Email, JiraScenario.Token);
        await using var pagerDuty = await FakePagerDutyServer.StartAsync(clock, PagerDutyScenario.Token);
        jira.Issues.AddRange(incidents.Where(i => i.Jira).Select(JiraIncident).Concat(requests.Select(JiraRequest)));
        pagerDuty.Incidents.AddRange(incidents.Where(i => !i.Jira).Select(PagerDutyIncident));
        await backstage.WaitForEntitiesAsync([.. organisation.Repositories.Select(r => $"component:{r.Name}"), .. Templates.Select(t => $"template:{t.Slug}"), .. People.Select(p => $"user:{p.Id}")]);
        var tasks = new List<string>();
        foreach (var template in new[] { "node-service", "node-service", "broken" })
        {
            tasks.Add(await backstage.RunTaskAsync(template));
        }

        await using var pulled = await IngestTestHost.CreateAsync(Settings(organisation, backstage, gitLab, jira, pagerDuty));
        var services = new ServiceCollection().AddSingleton(pulled.Configuration);
        pulled.AddServicesTo(services, pulled.Configuration);
        services.AddBackstageIngestion().AddGitLabIngestion(pulled.Configuration).AddJiraIngestion().AddPagerDutyIngestion();
        services.AddSingleton<TimeProvider>(clock);
        await using var provider = services.BuildServiceProvider();
        // The catalog first, as a deployment's team is its service's owner: Backstage, then GitLab, Jira and PagerDuty.
        foreach (var source in new[] { BackstageScenario.SourceName, GitLabScenario.SourceName, JiraScenario.SourceName, PagerDutyScenario.SourceName })
        {
            var run = await provider.GetRequiredService<IngestRunner>().RunAsync(provider.GetRequiredService<IngestSources>().Create(source));
            Assert.True(run.Succeeded, $"{source}: {run.Error}");
            Assert.Empty(run.Warnings);
        }

        // The same organisation as files.
        await using var files = await IngestTestHost.CreateAsync();
        var folder = Path.Combine(files.Folder, "export");
        Export(organisation, folder, GitLabDeploymentId, withServices: false);
        WriteCatalog(organisation, folder);
        WriteIncidents(incidents, folder);
        WriteRequests(requests, await TaskRequestsAsync(backstage, tasks), folder);
        var imported = await files.Get<CsvImporter>().ImportAsync(folder, kind: null, "files", skipInvalid: false);
        Assert.False(imported.HasErrors, string.Join(Environment.NewLine, imported.Errors.Take(5)));

        await pulled.EngineStore.RefreshStaleAsync();
        await files.EngineStore.RefreshStaleAsync();
        var week = new DoraRequest(From, To);
        var doraFigures = new List<(string Figure, string Value)>();
        foreach (var unit in new[] { LeadTimeUnit.Commit, LeadTimeUnit.PullRequest })
        {
            var fromSources = await StoredFigures.Dora(pulled).SummariesAsync(week with { LeadTimeUnit = unit });
            var fromFiles = await StoredFigures.Dora(files).SummariesAsync(week with { LeadTimeUnit = unit });
            doraFigures.AddRange(AssertSameFigures(DoraFigures(fromFiles), DoraFigures(fromSources)));
            // Something to compare: every team deployed on some day of the week, shipped changes, had a failed deployment and an incident resolved.
            Assert.Equal(Teams.Select(t => t.Slug).Order(StringComparer.Ordinal), fromSources.Teams.Select(t => t.Team));
            Assert.All(fromSources.Teams, team =>
            {
                Assert.True(team.DeploymentFrequency.MedianDeploymentDaysPerWeek > 0, team.Team);
                Assert.NotNull(team.LeadTime.Median);
                Assert.True(team.ChangeFailureRate.FailedDeployments > 0, team.Team);
                Assert.True(team.RecoveryTime.Resolved > 0, team.Team);
            });
            Assert.Equal((3L, 1L), (fromSources.Organisation.RecoveryTime.Resolved, fromSources.Organisation.RecoveryTime.Open));
        }
        var goldenPath = await StoredFigures.Adoption(pulled).GoldenPathAsync(new SpaceRequest(From, To));
        AssertSameFigures(GoldenPathFigures(await StoredFigures.Adoption(files).GoldenPathAsync(new SpaceRequest(From, To))), GoldenPathFigures(goldenPath));
        // Self-service: Jira's tickets, from the week's start on, and Backstage's tasks, run just now.
        var selfServicePeriod = new SpaceRequest(From, clock.GetUtcNow().AddDays(1));
        var selfService = await StoredFigures.Adoption(pulled).SelfServiceAsync(selfServicePeriod);
        AssertSameFigures(SelfServiceFigures(await StoredFigures.Adoption(files).SelfServiceAsync(selfServicePeriod)), SelfServiceFigures(selfService));

        // What was compared is not empty: four figures and the rework rate for each team and the organisation, by
        // either lead-time unit; golden-path adoption per team (payments half on one, checkout all, platform none);
        // self-service requests of two teams, the failed task counted as failed.
        Assert.Equal(2 * (1 + Teams.Length) * 5, doraFigures.Count);
        Assert.Equal(["checkout 1/1", "payments 1/2", "platform 0/1"], goldenPath.Teams.Select(t => $"{t.Team} {t.GoldenPathServices}/{t.ActiveServices}"));
        Assert.Equal((2L, 1L), (selfService.Organisation.SelfServiceFulfilled, selfService.Organisation.SelfServiceFailed));
        Assert.Equal(["checkout 2/0", "payments 4/2"], selfService.Teams.Select(t => $"{t.Team} {t.Fulfilled}/{t.SelfServiceFulfilled}"));
    }

    private sealed record Person(string Id, string Name, string Email, string Team);

    private sealed record Template(string Slug, string Name, string Version, bool GoldenPath, bool Fails);

    /// <summary>
    /// An incident of the generated organisation (its incident issues), on its repository's service; odd repositories'
    /// are reported in Jira, even ones' in PagerDuty. service-001's is still open.
    /// </summary>
    /// <param name="CausedBy">The production deployment just before it, which PagerDuty's change event names.</param>
    private sealed record Incident(string Id, string Service, string Title, DateTimeOffset Started, DateTimeOffset? Resolved, long? CausedBy, bool Jira);

    /// <summary>A service request by ticket in Jira: HELP for payments, PLAT for checkout.</summary>
    private sealed record Request(string Key, string Team, string Type, string Kind, DateTimeOffset Created, DateTimeOffset? Resolved, bool Declined);

    private static List<Incident> Incidents(FakeOrganisation organisation) =>
        organisation.Repositories.SelectMany((repository, index) => repository.Issues
            .Where(issue => issue.Labels.Contains(GeneratedOrganisation.IncidentLabel))
            .Select(issue => new Incident(
                $"{(index % 2 == 1 ? "OPS" : "P")}-{index}{issue.Number}", repository.Name, issue.Title, issue.CreatedAt, index == 1 ? null : issue.ClosedAt,
                repository.Deployments.Where(d => d.CreatedAt < issue.CreatedAt).MaxBy(d => d.CreatedAt)?.Id, index % 2 == 1)))
        .ToList();

    /// <summary>Four tickets a team, every three days from the week's start: two fulfilled after hours, one turned down ("Won't Do": failed), one still open.</summary>
    private static List<Request> Requests() =>
        [.. new[] { ("HELP", "payments"), ("PLAT", "checkout") }.SelectMany(project => Enumerable.Range(1, 4).Select(n =>
        {
            var created = From.AddDays(3 * n).AddHours(n + 8);
            var (type, kind) = n % 2 == 0 ? ("New environment", "environment") : ("DNS record", "dns-record");
            return new Request($"{project.Item1}-{n}", project.Item2, type, kind, created, n == 4 ? null : created.AddHours(2 * n + 1), Declined: n == 3);
        }))];

    private static FakeJiraIssue JiraIncident(Incident incident)
    {
        var issue = new FakeJiraIssue
        {
            Key = incident.Id, Summary = incident.Title, Priority = "Medium", Created = incident.Started, Status = incident.Resolved is null ? "Open" : "Resolved",
            Updated = incident.Resolved ?? incident.Started, ResolutionDate = incident.Resolved,
        };
        issue.Components.Add(incident.Service);
        return issue;
    }

    private static FakeJiraIssue JiraRequest(Request request) => new()
    {
        Key = request.Key, IssueType = "Service Request", RequestType = request.Type, Summary = $"{request.Type} {request.Key}", Created = request.Created,
        Status = request.Resolved is null ? "Open" : request.Declined ? "Declined" : "Resolved", Updated = request.Resolved ?? request.Created,
        ResolutionDate = request.Resolved, Resolution = request.Declined ? "Won't Do" : null,
    };

    private static FakePagerDutyIncident PagerDutyIncident(Incident incident)
    {
        var served = new FakePagerDutyIncident
        {
            Id = incident.Id.Replace("-", "", StringComparison.Ordinal), Number = int.Parse(incident.Id[(incident.Id.IndexOf('-') + 1)..], CultureInfo.InvariantCulture),
            Title = incident.Title, ServiceId = $"PD{incident.Service}", ServiceName = incident.Service, Priority = "P3", CreatedAt = incident.Started, ResolvedAt = incident.Resolved,
        };
        if (incident.CausedBy is { } deployment)
        {
            // The deploy tool sends the id the deployments are stored under (docs/ingestion.md, PagerDuty).
            served.ChangeEvents.Add(new FakeChangeEvent($"CE{deployment}", incident.Started.AddMinutes(-3), $"Deploy {incident.Service}", GitLabDeploymentId(deployment)));
        }
        return served;
    }

    private static Dictionary<string, string?> Settings(FakeOrganisation organisation, BackstageBackend backstage, FakeGitLabServer gitLab, FakeJiraServer jira, FakePagerDutyServer pagerDuty)
    {
        var since = From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var settings = new Dictionary<string, Dictionary<string, string?>>
        {
            [BackstageScenario.SourceName] = new()
            {
                ["Kind"] = "backstage", ["BaseUrl"] = backstage.BaseUrl, ["Token"] = BackstageBackend.Token, ["HistoryStart"] = HistoryStart.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            },
            [GitLabScenario.SourceName] = new() { ["Kind"] = "gitlab", ["BaseUrl"] = gitLab.BaseUrl, ["Token"] = GitLabScenario.Token, ["Groups"] = "acme" },
            [JiraScenario.SourceName] = new()
            {
                ["Kind"] = "jira", ["BaseUrl"] = jira.BaseUrl, ["Flavour"] = "cloud", ["Email"] = JiraScenario.Email, ["Token"] = JiraScenario.Token, ["Since"] = since,
                ["IncidentProjects"] = "OPS", ["IncidentIssueTypes"] = "Incident", ["RequestProjects"] = "HELP,PLAT", ["RequestTeams:HELP"] = "payments",
                ["RequestTeams:PLAT"] = "checkout", ["RequestKinds:New environment"] = "environment",
            },
            [PagerDutyScenario.SourceName] = new() { ["Kind"] = "pagerduty", ["BaseUrl"] = pagerDuty.BaseUrl, ["Token"] = PagerDutyScenario.Token, ["Since"] = since, ["SeverityByPriority:P3"] = "sev3" },
        };
        foreach (var repository in organisation.Repositories.Select(r => r.Name))
        {
            settings[JiraScenario.SourceName][$"Services:{repository}"] = repository;
            settings[PagerDutyScenario.SourceName][$"Services:PD{repository}"] = repository;
        }
        return settings.SelectMany(source => source.Value.Append(new("RequestTimeout", "00:00:30")).Select(setting =>
                KeyValuePair.Create($"{IngestSources.Section}:{source.Key}:{setting.Key}", setting.Value)))
            .ToDictionary();
    }

    /// <summary>The organisation's catalog as Backstage holds it: Groups, Users, Templates and a Component per repository (its GitLab project).</summary>
    private static string CatalogYaml(FakeOrganisation organisation)
    {
        var documents = new List<string>();
        documents.AddRange(Teams.Select(team => $$"""
            apiVersion: backstage.io/v1alpha1
            kind: Group
            metadata: { name: {{team.Slug}} }
            spec: { type: team, profile: { displayName: {{team.Name}} }, children: [] }
            """));
        documents.AddRange(People.Select(person => $$"""
            apiVersion: backstage.io/v1alpha1
            kind: User
            metadata: { name: {{person.Id}}, annotations: { github.com/user-login: {{person.Id}} } }
            spec: { profile: { displayName: {{person.Name}}, email: {{person.Email}} }, memberOf: [{{person.Team}}] }
            """));
        documents.AddRange(Templates.Select(template => $$"""
            apiVersion: scaffolder.backstage.io/v1beta3
            kind: Template
            metadata:
              name: {{template.Slug}}
              title: {{template.Name}}
              tags: [{{(template.GoldenPath ? "golden-path" : "legacy")}}]
              annotations: { backstage.io/template-version: "{{template.Version}}" }
            spec:
              owner: group:default/platform
              type: service
              steps: [{{(template.Fails
                  ? "{ id: fetch, name: Fetch, action: fetch:plain, input: { url: ./does-not-exist } }"
                  : "{ id: log, name: Log, action: debug:log, input: { message: hello } }")}}]
            """));
        documents.AddRange(organisation.Repositories.Select((repository, index) => $$"""
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata:
              name: {{repository.Name}}
              title: {{ServiceName(repository)}}
              annotations: { gitlab.com/project-slug: {{repository.FullName}}{{(Services[index].Template is { } template ? $", backstage.io/source-template: template:default/{template}" : "")}} }
            spec: { type: service, lifecycle: production, owner: group:default/{{Services[index].Owner}} }
            """));
        return string.Join("\n---\n", documents);
    }

    private static string ServiceName(FakeRepository repository) => $"Service {repository.Name[^3..]}";

    /// <summary>The same catalog as the CSV catalog files, its ranges from Backstage's history start.</summary>
    private static void WriteCatalog(FakeOrganisation organisation, string folder)
    {
        var start = Time(HistoryStart);
        var teams = new StringBuilder("slug,name\n");
        var people = new StringBuilder("id,name,git_emails,github_logins,is_bot\n");
        var memberships = new StringBuilder("person_id,team,valid_from,valid_to\n");
        var templates = new StringBuilder("slug,name,latest_version,golden_path\n");
        var services = new StringBuilder("slug,name,repository\n");
        var ownerships = new StringBuilder("service,team,valid_from,valid_to\n");
        var uses = new StringBuilder("service,template,version,valid_from,valid_to\n");
        foreach (var (slug, name) in Teams)
        {
            Line(teams, slug, name);
        }
        foreach (var person in People)
        {
            Line(people, person.Id, person.Name, person.Email, person.Id, "false");
            Line(memberships, person.Id, person.Team, start, "");
        }
        foreach (var template in Templates)
        {
            Line(templates, template.Slug, template.Name, template.Version, template.GoldenPath ? "true" : "false");
        }
        foreach (var (repository, index) in organisation.Repositories.Select((r, i) => (r, i)))
        {
            Line(services, repository.Name, ServiceName(repository), repository.FullName);
            Line(ownerships, repository.Name, Services[index].Owner, start, "");
            if (Services[index].Template is { } template)
            {
                Line(uses, repository.Name, template, Templates.Single(t => t.Slug == template).Version, start, "");
            }
        }
        foreach (var (file, text) in new[] { ("teams", teams), ("people", people), ("memberships", memberships), ("templates", templates), ("services", services), ("ownerships", ownerships), ("service-templates", uses) })
        {
            Write(folder, file, text);
        }
    }

    private static void WriteIncidents(IEnumerable<Incident> incidents, string folder)
    {
        var text = new StringBuilder("incident_id,service,severity,title,started_at,resolved_at,caused_by_deployment_id\n");
        foreach (var incident in incidents)
        {
            Line(text, incident.Id, incident.Service, "sev3", incident.Title, Time(incident.Started), Time(incident.Resolved),
                !incident.Jira && incident.CausedBy is { } deployment ? GitLabDeploymentId(deployment) : "");
        }
        Write(folder, "incidents", text);
    }

    /// <summary>The tickets, and the scaffolder tasks as Backstage recorded them (it lists no completion time: a task ends at its last heartbeat).</summary>
    private static void WriteRequests(IEnumerable<Request> requests, IEnumerable<(string Id, string Template, string Status, DateTimeOffset Created, DateTimeOffset Ended)> tasks, string folder)
    {
        var text = new StringBuilder("request_id,team,kind,channel,requested_at,fulfilled_at,status,closed_at\n");
        foreach (var request in requests)
        {
            var status = request.Resolved is null ? "" : request.Declined ? "failed" : "fulfilled";
            Line(text, request.Key, request.Team, request.Kind, "ticket", Time(request.Created), status == "fulfilled" ? Time(request.Resolved) : "", status, Time(request.Resolved));
        }
        foreach (var task in tasks)
        {
            var fulfilled = task.Status == "completed";
            Line(text, $"task-{task.Id}", Requester.Team, task.Template, "self_service", Time(task.Created), fulfilled ? Time(task.Ended) : "", fulfilled ? "fulfilled" : "failed", Time(task.Ended));
        }
        Write(folder, "service-requests", text);
    }

    private static async Task<List<(string Id, string Template, string Status, DateTimeOffset Created, DateTimeOffset Ended)>> TaskRequestsAsync(BackstageBackend backstage, IEnumerable<string> ids)
    {
        var tasks = new List<(string, string, string, DateTimeOffset, DateTimeOffset)>();
        foreach (var id in ids)
        {
            using var task = JsonDocument.Parse(await backstage.Client.GetStringAsync($"api/scaffolder/v2/tasks/{id}"));
            var root = task.RootElement;
            var template = root.GetProperty("spec").GetProperty("templateInfo").GetProperty("entityRef").GetString()!.Split('/')[^1];
            var created = root.GetProperty("createdAt").GetDateTimeOffset();
            var ended = root.TryGetProperty("lastHeartbeatAt", out var heartbeat) && heartbeat.ValueKind == JsonValueKind.String ? heartbeat.GetDateTimeOffset() : created;
            tasks.Add((id, template, root.GetProperty("status").GetString()!, created, ended));
        }
        return tasks;
    }

    private static IEnumerable<(string Figure, string Value)> DoraFigures(DoraResult result) =>
        result.Teams.Prepend(result.Organisation).SelectMany(s => new (string, object)[]
        {
            ("deployment frequency", s.DeploymentFrequency), ("lead time", s.LeadTime), ("change failure rate", s.ChangeFailureRate),
            ("recovery time", s.RecoveryTime), ("rework rate", s.ReworkRate),
        }.Select(f => ($"{Name(s.Team)} {f.Item1} ({s.LeadTime.Unit})", Json(f.Item2))));

    private static IEnumerable<(string Figure, string Value)> GoldenPathFigures(GoldenPathResult result) =>
        result.Teams.Prepend(result.Organisation).Concat(result.OrganisationByMonth).Concat(result.TeamsByMonth)
            .Select(f => ($"{Name(f.Team)} golden path {f.Month?.ToString("yyyy-MM", CultureInfo.InvariantCulture) ?? "period"}", Json(f)));

    private static IEnumerable<(string Figure, string Value)> SelfServiceFigures(TeamBreakdown<SelfServiceFigure> result) =>
        result.Teams.Prepend(result.Organisation).Select(f => ($"{Name(f.Team)} self-service", Json(f)));

    /// <summary>Asserts both lists name the same figures with the same values, one by one; returns them.</summary>
    private static List<(string Figure, string Value)> AssertSameFigures(IEnumerable<(string Figure, string Value)> fromFiles, IEnumerable<(string Figure, string Value)> fromSources)
    {
        var expected = fromFiles.ToList();
        var actual = fromSources.ToList();
        Assert.Equal(expected.Select(f => f.Figure), actual.Select(f => f.Figure));
        foreach (var (figure, value) in expected)
        {
            var pulled = actual.Single(f => f.Figure == figure).Value;
            Assert.True(value == pulled, $"{figure} differs:\n  from the files:   {value}\n  from the sources: {pulled}");
        }
        return actual;
    }

    /// <summary>The id the GitLab source stores a deployment under (docs/ingestion.md), which the files and PagerDuty's change events use too.</summary>
    private static string GitLabDeploymentId(long id) => $"gitlab-deployment-{id}";

    private static string Name(string team) => team == DoraQueries.OrganisationKey ? "organisation" : team;

    private static string Json(object figure) => JsonSerializer.Serialize(figure, figure.GetType());
}
