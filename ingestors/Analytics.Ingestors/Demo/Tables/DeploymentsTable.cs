namespace Analytics.Ingestors.Demo;

/// <summary>deployments: staging and production runs, failed attempts, rollbacks and hotfixes.</summary>
internal static class DeploymentsTable
{
    public static readonly string[] Columns =
    [
        "deployment_id", "service", "environment", "status", "kind", "related_deployment_id", "repository", "sha",
        "started_at", "finished_at", "url", "source",
    ];

    public static DemoTable Create(Organisation org) => new("deployments", Columns, Rows(org));

    private static IEnumerable<object?[]> Rows(Organisation org)
    {
        foreach (var history in ServiceHistorySimulator.All(org))
        {
            var service = history.Service;
            foreach (var deployment in history.Deployments)
            {
                yield return
                [
                    deployment.Id, service.Slug, deployment.Environment, deployment.Status, deployment.Kind, deployment.RelatedDeploymentId,
                    service.Repository, deployment.Sha, deployment.StartedAt, deployment.FinishedAt,
                    $"https://deploy.acme.example/{service.Slug}/{deployment.Id}", Organisation.Source,
                ];
            }
        }
    }
}
