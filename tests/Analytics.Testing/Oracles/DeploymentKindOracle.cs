using System.Text.RegularExpressions;
using Analytics.Core.Dora;

namespace Analytics.Testing.Oracles;

/// <summary>A production deployment's kind as the metrics read it, the deployment it repairs, and why (docs/metrics.md, "Deployment kinds").</summary>
public sealed record DeploymentKind(string Kind, string RelatedDeploymentId, string Evidence)
{
    public const string Unknown = "unknown";

    /// <summary>The unplanned fixes the rework rate counts.</summary>
    public static bool IsRework(string kind) => kind is "hotfix" or "rollback" or "revert";
}

/// <summary>
/// The deployment-kind rules of docs/metrics.md in plain C#, for <see cref="DoraOracle"/>: a stated kind wins; else the
/// first of rollback (a sha shipped before to the same environment), hotfix (ref, shipped branch or label rules),
/// revert (a shipped revert commit or pull request); else normal, or unknown without commit data for the repository.
/// </summary>
public sealed partial class DeploymentKindOracle(DoraHistory history, MetricOptions options)
{
    public IReadOnlyDictionary<string, DeploymentKind> Kinds(IReadOnlyList<DeploymentEvent> production)
    {
        var commits = history.Commits.ToDictionary(c => (c.Repository, c.Sha));
        var repositoriesWithCommits = history.Commits.Select(c => c.Repository).ToHashSet();
        var pullRequests = history.PullRequests.Where(pr => pr.MergeSha != "")
            .GroupBy(pr => (pr.Repository, pr.MergeSha)).ToDictionary(g => g.Key, g => g.ToList());
        var shipped = history.DeploymentCommits.ToLookup(link => link.DeploymentId);
        var kinds = new Dictionary<string, DeploymentKind>();
        foreach (var lane in production.GroupBy(d => (d.Service, d.Environment)))
        {
            var ordered = lane.OrderBy(d => d.FinishedAt).ThenBy(d => d.DeploymentId, StringComparer.Ordinal).ToList();
            for (var i = 0; i < ordered.Count; i++)
            {
                var deployment = ordered[i];
                var previous = i > 0 ? ordered[i - 1] : null;
                kinds[deployment.DeploymentId] = deployment.Kind != ""
                    ? new DeploymentKind(deployment.Kind, deployment.RelatedDeploymentId, "stated")
                    : Detect(deployment, previous, ordered.Take(i), ShippedFacts(shipped[deployment.DeploymentId], commits, pullRequests))
                      ?? (repositoriesWithCommits.Contains(deployment.Repository)
                          ? new DeploymentKind("normal", "", "")
                          : new DeploymentKind(DeploymentKind.Unknown, "", "no_commit_data"));
            }
        }
        return kinds;
    }

    private DeploymentKind? Detect(DeploymentEvent deployment, DeploymentEvent? previous, IEnumerable<DeploymentEvent> earlier, IReadOnlyList<ShippedCommit> shipped)
    {
        var firstShipper = earlier.FirstOrDefault(d => d.Sha == deployment.Sha);
        if (deployment.Sha != "" && firstShipper is not null && previous is not null && previous.Sha != deployment.Sha)
        {
            return new DeploymentKind("rollback", previous.DeploymentId, $"sha_shipped_by:{firstShipper.DeploymentId}");
        }
        if (Hotfix(deployment, shipped) is { } hotfix)
        {
            return new DeploymentKind("hotfix", previous?.DeploymentId ?? "", hotfix);
        }
        var revert = shipped.Select(Revert).Where(r => r != "").Order(StringComparer.Ordinal).FirstOrDefault();
        return revert is null ? null : new DeploymentKind("revert", "", revert);
    }

    private string? Hotfix(DeploymentEvent deployment, IReadOnlyList<ShippedCommit> shipped)
    {
        var reference = deployment.Ref;
        var name = reference.StartsWith("refs/heads/", StringComparison.Ordinal) ? reference["refs/heads/".Length..]
            : reference.StartsWith("refs/tags/", StringComparison.Ordinal) ? reference["refs/tags/".Length..]
            : reference;
        if (!reference.StartsWith("refs/tags/", StringComparison.Ordinal) && options.Matches(HotfixRuleTarget.Branch, name))
        {
            return $"hotfix_branch:{name}";
        }
        if (!reference.StartsWith("refs/heads/", StringComparison.Ordinal) && options.Matches(HotfixRuleTarget.Tag, name))
        {
            return $"hotfix_tag:{name}";
        }
        return shipped.Select(commit =>
                commit.Branches.FirstOrDefault(b => options.Matches(HotfixRuleTarget.Branch, b)) is { } branch ? $"hotfix_branch:{branch}"
                : commit.PullRequest?.Labels.FirstOrDefault(l => options.Matches(HotfixRuleTarget.Label, l)) is { } label ? $"hotfix_label:{label}"
                : "")
            .Where(evidence => evidence != "").Order(StringComparer.Ordinal).FirstOrDefault();
    }

    private static string Revert(ShippedCommit commit)
    {
        if (commit.Commit.Message.StartsWith("Revert \"", StringComparison.Ordinal) || commit.Commit.Reverts.Count > 0
            || RevertBranch().IsMatch(commit.Branches[0]))
        {
            return $"revert_commit:{commit.Commit.Sha}";
        }
        return commit.PullRequest is { } pr && (pr.Title.StartsWith("Revert \"", StringComparison.Ordinal) || RevertBranch().IsMatch(pr.HeadBranch))
            ? $"revert_pull_request:{pr.Repository}#{pr.Number}"
            : "";
    }

    private static List<ShippedCommit> ShippedFacts(
        IEnumerable<DeploymentCommitLink> links, Dictionary<(string, string), CommitEvent> commits, Dictionary<(string, string), List<MergedPullRequest>> pullRequests) =>
        links.Where(link => commits.ContainsKey((link.Repository, link.Sha)))
            .Select(link =>
            {
                var commit = commits[(link.Repository, link.Sha)];
                var pr = pullRequests.GetValueOrDefault((link.Repository, link.Sha))?.First();
                var pullMerge = PullRequestMerge().Match(commit.Message);
                var branchMerge = BranchMerge().Match(commit.Message);
                // Index 0 is the merge subject's branch (a GitHub revert branch there makes a revert commit).
                string[] branches = [pullMerge.Success ? pullMerge.Groups[1].Value : "", branchMerge.Success ? branchMerge.Groups[1].Value : "", pr?.HeadBranch ?? ""];
                return new ShippedCommit(commit, pr, branches);
            })
            .ToList();

    private sealed record ShippedCommit(CommitEvent Commit, MergedPullRequest? PullRequest, string[] Branches);

    [GeneratedRegex("^Merge pull request #[0-9]+ from [^/ ]+/([^ ]+)")]
    private static partial Regex PullRequestMerge();

    [GeneratedRegex("^Merge branch '([^']+)'")]
    private static partial Regex BranchMerge();

    [GeneratedRegex("^revert-[0-9]+-")]
    private static partial Regex RevertBranch();
}
