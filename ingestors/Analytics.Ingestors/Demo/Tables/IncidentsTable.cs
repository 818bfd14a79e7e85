namespace Analytics.Ingestors.Demo;

/// <summary>incidents: production incidents after bad deployments, plus the few still open at the end.</summary>
internal static class IncidentsTable
{
    public static readonly string[] Columns =
        ["incident_id", "service", "severity", "title", "started_at", "resolved_at", "caused_by_deployment_id", "url", "source"];

    public static DemoTable Create(Organisation org) => new("incidents", Columns, Rows(org));

    private static IEnumerable<object?[]> Rows(Organisation org)
    {
        foreach (var history in ServiceHistorySimulator.All(org))
        {
            foreach (var incident in history.Incidents)
            {
                yield return
                [
                    incident.Id, history.Service.Slug, incident.Severity, incident.Title, incident.StartedAt, incident.ResolvedAt,
                    incident.CausedByDeploymentId, $"https://acme.pagerduty.example/incidents/{incident.Id}", Organisation.Source,
                ];
            }
        }
    }
}
