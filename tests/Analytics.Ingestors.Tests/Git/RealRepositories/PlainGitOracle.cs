using System.Globalization;
using System.Text.RegularExpressions;
using Analytics.Testing;

namespace Analytics.Ingestors.Tests.Git.RealRepositories;

/// <summary>A tag deployment as plain git sees it: the tag, the commit it peels to, and when it deployed.</summary>
public sealed record OracleDeployment(string Id, string Tag, string Sha, DateTimeOffset At);

/// <summary>What the oracle expects for one repository over its whole history (UTC months).</summary>
public sealed record OracleFigures(
    IReadOnlyList<OracleDeployment> Deployments,
    IReadOnlyDictionary<DateOnly, int> DeploymentsPerMonth,
    long Changes,
    long Excluded,
    double? MedianSeconds,
    double? P75Seconds,
    IReadOnlyDictionary<string, string> Kinds,
    long Commits)
{
    public long Rework => Kinds.Values.Count(kind => kind != "normal");
}

/// <summary>
/// docs/metrics.md's definitions for a git clone, computed with plain <c>git</c> (tag, rev-list, log) and C#, not with
/// the product's code: deployments are the tags matching a glob (git's own matching), at the tagger time (annotated)
/// or the commit time (lightweight); a deployment ships <c>git rev-list sha ^previous</c> (the first one: its commits of
/// the look-back); lead time = first shipping deployment − committer time, negatives excluded, quantiles interpolated;
/// kinds by "Deployment kinds" with the default hotfix rules.
/// </summary>
public static partial class PlainGitOracle
{
    private const char Field = '\u001f';
    private const char Record = '\u001e';

    public static OracleFigures Compute(string repository, string service, string branch, string tagGlob, TimeSpan firstDeploymentLookback)
    {
        var deployments = Deployments(repository, service, tagGlob);
        var commits = Commits(repository, deployments.Select(d => d.Sha).Append(branch));

        // What each deployment shipped, and each commit's first shipment.
        var shipped = new Dictionary<string, IReadOnlyList<string>>();
        var firstShipment = new Dictionary<string, OracleDeployment>();
        OracleDeployment? previous = null;
        foreach (var deployment in deployments)
        {
            var commitsShipped = previous is null
                ? RevList(repository, deployment.Sha).Where(sha => commits[sha].CommittedAt > deployment.At - firstDeploymentLookback).ToList()
                : RevList(repository, deployment.Sha, "^" + previous.Sha);
            shipped[deployment.Id] = commitsShipped;
            foreach (var sha in commitsShipped)
            {
                firstShipment.TryAdd(sha, deployment);
            }
            previous = deployment;
        }

        var leadSeconds = firstShipment.Select(pair => (pair.Value.At - commits[pair.Key].CommittedAt).TotalSeconds).ToList();
        var valid = leadSeconds.Where(seconds => seconds >= 0).Order().ToList();

        return new OracleFigures(
            deployments,
            deployments.GroupBy(d => new DateOnly(d.At.UtcDateTime.Year, d.At.UtcDateTime.Month, 1)).ToDictionary(g => g.Key, g => g.Count()),
            valid.Count,
            leadSeconds.Count - valid.Count,
            Quantile(valid, 0.5),
            Quantile(valid, 0.75),
            Kinds(deployments, shipped, commits),
            commits.Count);
    }

    /// <summary>Linear interpolation between the two nearest values (PERCENTILE_CONT).</summary>
    public static double? Quantile(IReadOnlyList<double> sorted, double p)
    {
        if (sorted.Count == 0)
        {
            return null;
        }
        var h = (sorted.Count - 1) * p;
        var low = (int)Math.Floor(h);
        return low + 1 < sorted.Count ? sorted[low] + (h - low) * (sorted[low + 1] - sorted[low]) : sorted[low];
    }

    private static List<OracleDeployment> Deployments(string repository, string service, string tagGlob)
    {
        var format = string.Join(Field, "%(refname:strip=2)", "%(objecttype)", "%(objectname)", "%(*objecttype)", "%(*objectname)",
            "%(taggerdate:unix)", "%(committerdate:unix)", "%(*committerdate:unix)");
        var deployments = new List<OracleDeployment>();
        foreach (var line in Lines(GitProcess.Run(repository, null, "tag", "--list", tagGlob, "--format=" + format)))
        {
            var f = line.Split(Field);
            var (tag, type, peeledType) = (f[0], f[1], f[3]);
            string sha;
            string commitTime;
            if (type == "commit")
            {
                (sha, commitTime) = (f[2], f[6]);
            }
            else if (type == "tag" && peeledType == "commit")
            {
                (sha, commitTime) = (f[4], f[7]);
            }
            else if (type == "tag" && peeledType == "tag")
            {
                // A tag of a tag: peel it down with git.
                var peeled = GitProcess.Run(repository, null, "rev-parse", "--verify", "--quiet", tag + "^{commit}").Trim();
                if (peeled.Length == 0)
                {
                    continue;
                }
                (sha, commitTime) = (peeled, GitProcess.Run(repository, null, "log", "-1", "--format=%ct", peeled).Trim());
            }
            else
            {
                continue; // a tag of a tree or a blob deploys nothing
            }
            var seconds = type == "tag" && f[5].Length > 0 ? f[5] : commitTime;
            deployments.Add(new OracleDeployment($"{service}@{tag}", tag, sha, DateTimeOffset.FromUnixTimeSeconds(long.Parse(seconds, CultureInfo.InvariantCulture))));
        }
        return deployments.OrderBy(d => d.At).ThenBy(d => d.Id, StringComparer.Ordinal).ToList();
    }

    private sealed record CommitInfo(DateTimeOffset CommittedAt, string Subject, string Body);

    private static Dictionary<string, CommitInfo> Commits(string repository, IEnumerable<string> heads)
    {
        var output = GitProcess.Run(repository, string.Join('\n', heads.Distinct()) + "\n", "log", "--stdin", $"--format=%H{Field}%ct{Field}%B{Record}");
        var commits = new Dictionary<string, CommitInfo>(StringComparer.Ordinal);
        foreach (var entry in output.Split(Record))
        {
            var f = entry.TrimStart('\n').Split(Field);
            if (f.Length < 3)
            {
                continue;
            }
            var message = f[2];
            var subject = message.TrimStart().Split('\n')[0].Trim();
            commits[f[0]] = new CommitInfo(DateTimeOffset.FromUnixTimeSeconds(long.Parse(f[1], CultureInfo.InvariantCulture)), subject, message);
        }
        return commits;
    }

    private static List<string> RevList(string repository, params string[] revisions) =>
        Lines(GitProcess.Run(repository, null, ["rev-list", .. revisions, "--"])).ToList();

    private static IEnumerable<string> Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>docs/metrics.md "Deployment kinds" for tag deployments (one service, one environment, no pull requests).</summary>
    private static Dictionary<string, string> Kinds(
        IReadOnlyList<OracleDeployment> deployments, IReadOnlyDictionary<string, IReadOnlyList<string>> shipped, IReadOnlyDictionary<string, CommitInfo> commits)
    {
        var firstWithSha = new Dictionary<string, string>(StringComparer.Ordinal);
        var kinds = new Dictionary<string, string>(StringComparer.Ordinal);
        string? previousSha = null;
        foreach (var deployment in deployments)
        {
            firstWithSha.TryAdd(deployment.Sha, deployment.Id);
            var merged = shipped[deployment.Id].Select(sha => commits[sha]).ToList();
            var branches = merged.Select(c => MergedBranch(c.Subject)).Where(b => b.Length > 0).ToList();
            kinds[deployment.Id] =
                firstWithSha[deployment.Sha] != deployment.Id && previousSha != deployment.Sha ? "rollback"
                : HotfixTag().IsMatch(deployment.Tag) || branches.Any(HotfixBranch().IsMatch) ? "hotfix"
                : merged.Any(c => c.Subject.StartsWith("Revert \"", StringComparison.Ordinal) || RevertsLine().IsMatch(c.Body)
                    || RevertBranch().IsMatch(PullRequestBranch(c.Subject))) ? "revert"
                : "normal";
            previousSha = deployment.Sha;
        }
        return kinds;
    }

    private static string PullRequestBranch(string subject) => MergePullRequest().Match(subject) is { Success: true } m ? m.Groups[1].Value : "";

    private static string MergedBranch(string subject) =>
        PullRequestBranch(subject) is { Length: > 0 } branch ? branch : MergeBranch().Match(subject) is { Success: true } m ? m.Groups[1].Value : "";

    [GeneratedRegex("^Merge pull request #[0-9]+ from [^/ ]+/([^ ]+)")]
    private static partial Regex MergePullRequest();

    [GeneratedRegex("^Merge branch '([^']+)'")]
    private static partial Regex MergeBranch();

    // The defaults of HotfixTagPattern and HotfixBranchPattern (docs/metrics.md), and GitHub's revert branches.
    [GeneratedRegex("hot-?fix", RegexOptions.IgnoreCase)]
    private static partial Regex HotfixTag();

    [GeneratedRegex("^hot-?fix(es)?[/_-]", RegexOptions.IgnoreCase)]
    private static partial Regex HotfixBranch();

    [GeneratedRegex("^revert-[0-9]+-")]
    private static partial Regex RevertBranch();

    [GeneratedRegex(@"\bThis reverts commit [0-9a-fA-F]{7,64}\b")]
    private static partial Regex RevertsLine();
}
