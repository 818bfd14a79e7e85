namespace Analytics.Bench.DevLake;

/// <summary>A deployment as our store holds it; <paramref name="Production"/>: its environment is one the catalog calls production.</summary>
public sealed record OurDeployment(string Id, string Service, string Environment, string Repository, string Sha, bool Success, bool Production,
    DateTime StartedAt, DateTime FinishedAt);

/// <summary>A pull request; <paramref name="FirstCommitAt"/> the earliest author time of its commits.</summary>
public sealed record OurPullRequest(string Repository, long Number, DateTime OpenedAt, DateTime? MergedAt, string MergeSha, DateTime? FirstCommitAt);

/// <summary>A commit a deployment shipped (our deployment_commits: ancestry since the service's previous production deployment).</summary>
public sealed record OurShippedCommit(string DeploymentId, string Sha);

public sealed record OurIncident(string Id, string Service, DateTime StartedAt, DateTime? ResolvedAt);

/// <summary>The generated organisation's rows the DevLake tables are made from; <paramref name="ServiceOwners"/>: service → team.</summary>
public sealed record OurOrganisation(IReadOnlyDictionary<string, string> ServiceOwners, IReadOnlyList<OurDeployment> Deployments,
    IReadOnlyList<OurPullRequest> PullRequests, IReadOnlyList<OurShippedCommit> ShippedCommits, IReadOnlyList<OurIncident> Incidents);

public sealed record CicdDeploymentCommit(string Id, string CicdScopeId, string CicdDeploymentId, string Result, string Environment,
    DateTime StartedDate, DateTime FinishedDate, string CommitSha, string RepoUrl, string PrevSuccessDeploymentCommitId);

public sealed record PullRequest(string Id, string BaseRepoId, long Key, DateTime CreatedDate, DateTime? MergedDate, string MergeCommitSha);

public sealed record ProjectPrMetric(string Id, string ProjectName, long? PrCodingTime, string? DeploymentCommitId, long? PrDeployTime,
    long PrCycleTime, DateTime? FirstCommitAuthoredDate, DateTime CreatedDate, DateTime? MergedDate, DateTime? DeployedDate);

public sealed record Incident(string Id, DateTime CreatedDate, DateTime? ResolutionDate, uint? LeadTimeMinutes, string Table, string ScopeId);

public sealed record ProjectIncidentDeploymentRelationship(string Id, string ProjectName, string DeploymentId);

public sealed record ProjectMapping(string ProjectName, string Table, string RowId);

public sealed record DevLakeData(IReadOnlyList<ProjectMapping> ProjectMapping, IReadOnlyList<CicdDeploymentCommit> DeploymentCommits,
    IReadOnlyList<PullRequest> PullRequests, IReadOnlyList<ProjectPrMetric> PrMetrics, IReadOnlyList<Incident> Incidents,
    IReadOnlyList<ProjectIncidentDeploymentRelationship> IncidentDeployments);

/// <summary>
/// Our organisation as Apache DevLake would hold it after its own pipeline with one DevLake project per team: the
/// domain tables its GitHub/Jira/webhook converters fill, and the derived rows its dora plugin computes
/// (backend/plugins/dora/tasks at 420e494: prev_deployment_commit_enricher.go, change_lead_time_calculator.go,
/// incident_deploy_connector.go), done here in memory by the same rules. The mapping (docs/benchmarks.md):
/// <list type="bullet">
/// <item>project = team; its cicd_scopes are the services it owns (at the end of the data: DevLake's project mapping has
/// no history), its repos those services' repositories, its incident boards those services (table 'boards').</item>
/// <item>a finished deployment → one cicd_deployment_commits row (id = cicd_deployment_id = our id, one repository per
/// deployment), result SUCCESS/FAILURE, environment PRODUCTION when the catalog calls it production, else its name in
/// upper case; prev_success_deployment_commit_id = the previous successful one of the same scope, repository and
/// environment by finish.</item>
/// <item>project_pr_metrics per merged pull request of a project's repository: coding (first commit → opened), open →
/// merged and deploy (merged → deployment) in minutes rounded up, a negative part dropped; cycle time their sum. The
/// deployment: the earliest-started successful production deployment of the project, having a previous one, whose
/// commit diff holds the merge commit (our deployment_commits are that diff, per service).</item>
/// <item>incidents: created = started, resolution = resolved, lead_time_minutes whole minutes between;
/// project_incident_deployment_relationships: the project's latest successful production deployment that finished
/// before the incident was created, however long before.</item>
/// </list>
/// </summary>
public static class DevLakeMapping
{
    public const string Production = "PRODUCTION";
    public const string Success = "SUCCESS";

    public static DevLakeData Map(OurOrganisation org)
    {
        var projectOf = org.ServiceOwners;
        var mapping = new HashSet<ProjectMapping>();
        foreach (var (service, team) in projectOf)
        {
            mapping.Add(new ProjectMapping(team, "cicd_scopes", service));
            mapping.Add(new ProjectMapping(team, "boards", service));
        }
        foreach (var deployment in org.Deployments.Where(d => projectOf.ContainsKey(d.Service) && d.Repository.Length > 0))
        {
            mapping.Add(new ProjectMapping(projectOf[deployment.Service], "repos", deployment.Repository));
        }

        var deploymentCommits = DeploymentCommits(org.Deployments);
        var pullRequests = org.PullRequests
            .Select(pr => new PullRequest($"{pr.Repository}#{pr.Number}", pr.Repository, pr.Number, pr.OpenedAt, pr.MergedAt, pr.MergeSha))
            .ToList();
        var incidents = org.Incidents
            .Select(i => new Incident(i.Id, i.StartedAt, i.ResolvedAt,
                i.ResolvedAt is { } resolved && resolved >= i.StartedAt ? (uint)(resolved - i.StartedAt).TotalMinutes : null, "boards", i.Service))
            .ToList();

        var metrics = new List<ProjectPrMetric>();
        var relationships = new List<ProjectIncidentDeploymentRelationship>();
        var reposOf = mapping.Where(m => m.Table == "repos").ToLookup(m => m.ProjectName, m => m.RowId);
        var shippedBy = org.ShippedCommits.ToLookup(s => s.Sha, s => s.DeploymentId);
        var mergedByRepository = org.PullRequests.Where(p => p.MergedAt is not null).ToLookup(p => p.Repository);
        var incidentsByProject = org.Incidents.Where(i => projectOf.ContainsKey(i.Service)).ToLookup(i => projectOf[i.Service]);
        // The successful production deployments per project, as the dora plugin selects them.
        var deployedByProject = deploymentCommits
            .Where(d => projectOf.ContainsKey(d.CicdScopeId) && d.Result == Success && d.Environment == Production)
            .ToLookup(d => projectOf[d.CicdScopeId]);
        foreach (var project in projectOf.Values.Distinct().Order(StringComparer.Ordinal))
        {
            var deployed = deployedByProject[project].ToList();
            var byId = deployed.Where(d => d.PrevSuccessDeploymentCommitId.Length > 0).ToDictionary(d => d.Id);
            foreach (var pr in reposOf[project].Distinct().SelectMany(repository => mergedByRepository[repository]))
            {
                var deployment = shippedBy[pr.MergeSha].Where(byId.ContainsKey).Select(id => byId[id])
                    .OrderBy(d => d.StartedDate).ThenBy(d => d.Id, StringComparer.Ordinal).FirstOrDefault();
                metrics.Add(PrMetric(pr, project, deployment));
            }

            var finished = deployed.OrderBy(d => d.FinishedDate).ToList();
            var finishes = finished.Select(d => d.FinishedDate).ToList();
            foreach (var incident in incidentsByProject[project])
            {
                // The latest deployment finished strictly before the incident was created.
                var index = LowerBound(finishes, incident.StartedAt) - 1;
                if (index >= 0)
                {
                    relationships.Add(new ProjectIncidentDeploymentRelationship(incident.Id, project, finished[index].CicdDeploymentId));
                }
            }
        }
        return new DevLakeData([.. mapping.OrderBy(m => (m.ProjectName, m.Table, m.RowId))], deploymentCommits, pullRequests, metrics, incidents, relationships);
    }

    /// <summary>DevLake's computeTimeSpan: whole minutes rounded up, null when negative or an end is missing.</summary>
    public static long? Minutes(DateTime? start, DateTime? end)
    {
        if (start is null || end is null)
        {
            return null;
        }
        var minutes = (long)Math.Ceiling((end.Value - start.Value).TotalMinutes);
        return minutes < 0 ? null : minutes;
    }

    private static ProjectPrMetric PrMetric(OurPullRequest pr, string project, CicdDeploymentCommit? deployment)
    {
        var coding = Minutes(pr.FirstCommitAt, pr.OpenedAt);
        var during = Minutes(pr.OpenedAt, pr.MergedAt);
        var deploy = deployment is null ? null : Minutes(pr.MergedAt, deployment.FinishedDate);
        return new ProjectPrMetric($"{pr.Repository}#{pr.Number}", project, coding, deployment?.Id, deploy,
            (coding ?? 0) + (during ?? 0) + (deploy ?? 0), pr.FirstCommitAt, pr.OpenedAt, pr.MergedAt, deployment?.FinishedDate);
    }

    private static List<CicdDeploymentCommit> DeploymentCommits(IReadOnlyList<OurDeployment> deployments)
    {
        var rows = new List<CicdDeploymentCommit>(deployments.Count);
        foreach (var group in deployments
                     .Select(d => (Deployment: d, Environment: d.Production ? Production : d.Environment.ToUpperInvariant()))
                     .GroupBy(x => (x.Deployment.Service, x.Deployment.Repository, x.Environment)))
        {
            var previous = "";
            foreach (var (d, environment) in group.OrderBy(x => x.Deployment.FinishedAt).ThenBy(x => x.Deployment.Id, StringComparer.Ordinal))
            {
                rows.Add(new CicdDeploymentCommit(d.Id, d.Service, d.Id, d.Success ? Success : "FAILURE", environment, d.StartedAt, d.FinishedAt,
                    d.Sha, d.Repository, d.Success ? previous : ""));
                if (d.Success)
                {
                    previous = d.Id;
                }
            }
        }
        return rows;
    }

    private static int LowerBound(List<DateTime> sorted, DateTime value)
    {
        int low = 0, high = sorted.Count;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (sorted[middle] < value)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }
        return low;
    }
}
