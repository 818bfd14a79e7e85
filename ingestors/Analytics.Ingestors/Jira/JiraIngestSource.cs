using Analytics.Ingestors.Csv;
using Analytics.Ingestors.Runs;
using Analytics.Ingestors.Sources;
using Analytics.Storage.ClickHouse;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Analytics.Ingestors.Jira;

/// <summary>
/// A configured Jira Cloud or Data Center source (<c>Analytics:Sources:&lt;name&gt;:Kind = jira</c>): incidents (issues of
/// the configured projects, issue types and labels) into incidents, and Jira Service Management requests into
/// service_requests as tickets, each a <see cref="JiraResource"/> with a cursor of its own, both read by one
/// <see cref="JiraIssueReader"/> (in one search while their windows are within a day of each other).
/// </summary>
/// <remarks>Every failure leaves as a <see cref="SourceIngestException"/> with the token (and the basic-auth value) masked.</remarks>
public sealed class JiraIngestSource(JiraSourceSettings settings, IClickHouseStore store, TimeProvider clock, ILoggerFactory loggers) : IIngestSource
{
    private static readonly RowTable Incidents = new(IncidentEvent.Table, IncidentEvent.Columns);

    private static readonly RowTable Requests = new(ServiceRequestEvent.Table, ServiceRequestEvent.Columns);

    private readonly ILogger _logger = loggers.CreateLogger<JiraIngestSource>();

    public string Name => settings.Name;

    public string Kind => JiraSourceSettings.Kind;

    /// <summary>Requests the last run sent (retries included); null before the first.</summary>
    public long? LastRunRequests { get; private set; }

    public async Task<IngestResult> RunAsync(IngestContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var api = new JiraApi(settings, clock, _logger);
        try
        {
            var run = new SourceRun(context, store);
            var resources = new List<JiraResource>();
            if (settings.ReadsIncidents)
            {
                resources.Add(new JiraResource("incidents", IncidentSelection(), JiraRows.Fields, settings.ResolvedStatus is not null, Incidents,
                    (issue, now) => JiraRows.Incident(settings, issue, settings.Name, now)));
            }
            if (settings.RequestProjects.Count > 0)
            {
                resources.Add(new JiraResource("requests", new JiraSelection([("project", settings.RequestProjects)]), [.. JiraRows.Fields, settings.RequestTypeField], false, Requests,
                    (issue, now) => JiraRows.Request(settings, issue, settings.Name, now)));
            }
            await new JiraIssueReader(api, run, clock, settings.Since).ReadAsync(resources, cancellationToken);
            _logger.LogInformation("Jira source {Source}: {Requests} requests.", settings.Name, api.Requests);
            return run.Result();
        }
        catch (Exception error)
        {
            throw SourceIngestException.From(error, cancellationToken, settings.Token, api.Authorization);
        }
        finally
        {
            LastRunRequests = api.Requests;
        }
    }

    /// <summary>The configured projects, issue types and labels, each an <c>in (…)</c> clause, all of them required.</summary>
    private JiraSelection IncidentSelection() => new(new (string Field, IReadOnlyList<string> Values)[]
    {
        ("project", settings.IncidentProjects), ("issuetype", settings.IncidentIssueTypes), ("labels", settings.IncidentLabels),
    }.Where(clause => clause.Values.Count > 0).ToList());
}

public sealed class JiraSourceFactory(IClickHouseStore store, TimeProvider clock, ILoggerFactory loggers) : IIngestSourceFactory
{
    public string Kind => JiraSourceSettings.Kind;

    public IEnumerable<string> Validate(string name, IConfigurationSection settings) => JiraSourceSettings.Validate(settings);

    public IIngestSource Create(string name, IConfigurationSection settings) => new JiraIngestSource(JiraSourceSettings.Parse(settings), store, clock, loggers);
}

public static class JiraIngestionServiceCollectionExtensions
{
    /// <summary>Registers the <c>jira</c> source kind. Needs the storage services and <c>AddIngestion</c>.</summary>
    public static IServiceCollection AddJiraIngestion(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IIngestSourceFactory, JiraSourceFactory>());
        services.AddSourceKindSettings(JiraSourceSettings.KindSettings);
        return services;
    }
}
