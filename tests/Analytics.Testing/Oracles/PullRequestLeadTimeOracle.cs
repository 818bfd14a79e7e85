using Analytics.Core.Dora;

namespace Analytics.Testing.Oracles;

/// <summary>
/// Lead time per pull request (docs/metrics.md, "Lead time per pull request") in plain C#, straight from the text:
/// the oracle for dora/lead_time_per_pull_request.sql. A merged pull request's lead time is the finish of the first
/// production deployment that shipped its merge or squash commit minus its first commit's author time. The sample
/// is the merged pull requests whose merge commit first shipped in the period; the team owned the deploying service
/// then. A merge commit a service got by its paths is a change of that service, like any commit (the DORA oracle's
/// rule), so a pull request is one sample per such shipment. The organisation is under the key "".
/// </summary>
public sealed class PullRequestLeadTimeOracle(DoraOracle dora, DoraHistory history, IReadOnlyList<PullRequestFacts> pullRequests)
{
    /// <summary>
    /// Each team with a merged pull request shipped in [from, to), and the organisation (always); with <paramref name="by"/>,
    /// each deploying service or each pull request's repository instead of teams (docs/metrics.md, "Breakdown by team,
    /// service or repository").
    /// </summary>
    public IReadOnlyDictionary<string, LeadTimeFigure> LeadTime(DateTimeOffset from, DateTimeOffset to, DoraBreakdown by = DoraBreakdown.Team)
    {
        var production = dora.ProductionDeployments().ToDictionary(d => d.DeploymentId);
        var stored = history.Commits.Select(c => (c.Repository, c.Sha)).ToHashSet();
        // First shipment of each (commit, service it was got for by its paths or "" for its repository).
        var firstShipments = history.DeploymentCommits
            .Where(link => production.ContainsKey(link.DeploymentId) && stored.Contains((link.Repository, link.Sha)))
            .GroupBy(link => (link.Repository, link.Sha, AttributedTo: link.TouchesPaths ? production[link.DeploymentId].Service : ""))
            .Select(group => group.MinBy(link => production[link.DeploymentId].FinishedAt!.Value)!)
            .ToLookup(link => (link.Repository, link.Sha));

        var samples = pullRequests
            .Where(pr => pr.MergedAt is not null && pr.MergeSha != "")
            .SelectMany(pr => firstShipments[(pr.Repository, pr.MergeSha)].Select(link =>
            {
                var deployment = production[link.DeploymentId];
                var deployedAt = deployment.FinishedAt!.Value;
                double? seconds = pr.FirstCommitAt is { } start && start <= deployedAt ? (deployedAt - start).TotalMilliseconds / 1000.0 : null;
                var unit = by switch
                {
                    DoraBreakdown.Service => deployment.Service,
                    DoraBreakdown.Repository => link.Repository,
                    _ => dora.TeamOf(deployment.Service, deployedAt),
                };
                return (Team: unit, DeployedAt: deployedAt, link.Link, Seconds: seconds);
            }))
            .Where(sample => sample.DeployedAt >= from && sample.DeployedAt < to)
            .ToList();

        LeadTimeFigure Figure(IReadOnlyList<(string Team, DateTimeOffset DeployedAt, string Link, double? Seconds)> rows)
        {
            var valid = rows.Where(r => r.Seconds is not null).Select(r => (r.Link, Seconds: r.Seconds!.Value)).ToList();
            var median = Duration(Quantiles.Interpolated(valid.Select(v => v.Seconds), 0.5));
            return new LeadTimeFigure(valid.Count, median, Duration(Quantiles.Interpolated(valid.Select(v => v.Seconds), 0.75)),
                Duration(Quantiles.Interpolated(valid.Select(v => v.Seconds), 0.9)), rows.Count - valid.Count,
                valid.Count == 0 ? 0 : valid.Count(v => v.Link == "inferred") / (double)valid.Count,
                median is { } m ? DoraTiers.LeadTime(m) : null)
            {
                Unit = LeadTimeUnit.PullRequest,
            };
        }

        var result = samples.GroupBy(s => s.Team).ToDictionary(g => g.Key, g => Figure(g.ToList()));
        result[""] = Figure(samples);
        return result;
    }

    private static TimeSpan? Duration(double? seconds) => seconds is { } value ? TimeSpan.FromSeconds(value) : null;
}
