using Analytics.Core.Dora;

namespace Analytics.Testing.Oracles;

/// <summary>A merged or open pull request as the cycle-time definition reads it.</summary>
public sealed record PullRequestFacts(
    string Repository, uint Number, string AuthorLogin, bool AuthorIsBot, DateTimeOffset OpenedAt, DateTimeOffset? FirstCommitAt,
    DateTimeOffset? MergedAt, string MergeSha);

public sealed record PullRequestReview(string Repository, uint Number, string ReviewerLogin, bool ReviewerIsBot, DateTimeOffset SubmittedAt);

/// <summary>The repository a service is built from (catalog).</summary>
public sealed record ServiceRepositoryLink(string Service, string Repository);

/// <summary>
/// PR cycle time (docs/metrics.md) in plain C#: the oracle for pr/cycle_time.sql. Team = owner of the repository's
/// service (the first by slug) when the pull request was merged; the organisation under the key "".
/// </summary>
public sealed class PullRequestCycleTimeOracle(
    DoraOracle dora, DoraHistory history, IReadOnlyList<PullRequestFacts> pullRequests, IReadOnlyList<PullRequestReview> reviews,
    IReadOnlyList<ServiceRepositoryLink> services, MetricOptions options)
{
    public IReadOnlyDictionary<string, PullRequestCycleTime> CycleTime(DateTimeOffset from, DateTimeOffset to)
    {
        var bots = options.BotLogins.ToHashSet(StringComparer.Ordinal);
        var serviceOf = services.GroupBy(s => s.Repository).ToDictionary(g => g.Key, g => g.Select(s => s.Service).Order(StringComparer.Ordinal).First());
        var production = dora.ProductionDeployments().ToDictionary(d => d.DeploymentId);
        var firstShipped = history.DeploymentCommits
            .Where(link => production.ContainsKey(link.DeploymentId))
            .GroupBy(link => (link.Repository, link.Sha))
            .ToDictionary(g => g.Key, g => g.Min(link => production[link.DeploymentId].FinishedAt!.Value));

        var measured = pullRequests
            .Where(pr => pr.MergedAt is { } merged && merged >= from && merged < to && !pr.AuthorIsBot && !bots.Contains(pr.AuthorLogin))
            .Select(pr =>
            {
                var merged = pr.MergedAt!.Value;
                var team = serviceOf.TryGetValue(pr.Repository, out var service) ? dora.TeamOf(service, merged) : TeamAttribution.Unassigned;
                var firstReview = reviews
                    .Where(r => r.Repository == pr.Repository && r.Number == pr.Number && r.ReviewerLogin != pr.AuthorLogin && !r.ReviewerIsBot && !bots.Contains(r.ReviewerLogin))
                    .Select(r => (DateTimeOffset?)r.SubmittedAt)
                    .Min();
                DateTimeOffset? deployed = firstShipped.TryGetValue((pr.Repository, pr.MergeSha), out var at) ? at : null;
                return (Team: team,
                    Coding: Seconds(pr.FirstCommitAt, pr.OpenedAt),
                    Pickup: Seconds(pr.OpenedAt, firstReview),
                    Review: Seconds(firstReview, merged),
                    Deploy: Seconds(merged, deployed));
            })
            .ToList();

        PullRequestCycleTime Figure(string team, IReadOnlyList<(string Team, double? Coding, double? Pickup, double? Review, double? Deploy)> rows) =>
            new(team, rows.Count, Phase(rows.Select(r => r.Coding)), Phase(rows.Select(r => r.Pickup)), Phase(rows.Select(r => r.Review)), Phase(rows.Select(r => r.Deploy)));

        var result = measured.GroupBy(r => r.Team).ToDictionary(g => g.Key, g => Figure(g.Key, g.ToList()));
        if (measured.Count > 0)
        {
            result[""] = Figure("", measured);
        }
        return result;
    }

    private static double? Seconds(DateTimeOffset? start, DateTimeOffset? end) =>
        start is { } s && end is { } e ? (e - s).TotalMilliseconds / 1000.0 : null;

    /// <summary>Negative phases are unknown and counted; missing ones are unknown.</summary>
    private static PhaseFigure Phase(IEnumerable<double?> values)
    {
        var known = values.Where(v => v is not null).Select(v => v!.Value).ToList();
        var valid = known.Where(v => v >= 0).ToList();
        return new PhaseFigure(valid.Count, Quantiles.Interpolated(valid, 0.5) is { } median ? TimeSpan.FromSeconds(median) : null, known.Count - valid.Count);
    }
}
