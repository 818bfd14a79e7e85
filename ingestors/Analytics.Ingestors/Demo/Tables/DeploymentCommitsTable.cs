namespace Analytics.Ingestors.Demo;

/// <summary>
/// deployment_commits: for each successful production deployment, the commits no earlier production deployment
/// had shipped. Known from the commit graph, hence link "exact". Rollbacks ship nothing new.
/// </summary>
internal static class DeploymentCommitsTable
{
    public static readonly string[] Columns = ["deployment_id", "service", "repository", "sha", "link"];

    public static DemoTable Create(Organisation org) => new("deployment_commits", Columns, Rows(org));

    private static IEnumerable<object?[]> Rows(Organisation org)
    {
        foreach (var history in ServiceHistorySimulator.All(org))
        {
            var service = history.Service;
            foreach (var deployment in history.Deployments)
            {
                for (var i = deployment.FirstShipped; i <= deployment.LastShipped; i++)
                {
                    foreach (var sha in history.Mainline[i].CommitShas())
                    {
                        yield return [deployment.Id, service.Slug, service.Repository, sha, "exact"];
                    }
                }
            }
        }
    }
}
