namespace Analytics.Simulators.GitHub;

/// <summary>What the fake GitHub serves: organisations of repositories, each with its history. Mutable between runs.</summary>
public sealed class FakeOrganisation(string login)
{
    public string Login { get; } = login;

    public List<FakeRepository> Repositories { get; } = [];

    public FakeRepository Repository(string name, string defaultBranch = "main")
    {
        var repository = new FakeRepository(Login, name, defaultBranch);
        Repositories.Add(repository);
        return repository;
    }
}

public sealed class FakeRepository(string owner, string name, string defaultBranch)
{
    private static long _nextId = 5000;

    public string Owner { get; } = owner;

    public string Name { get; } = name;

    public string FullName => $"{Owner}/{Name}";

    public string DefaultBranch { get; set; } = defaultBranch;

    public long Id { get; } = Interlocked.Increment(ref _nextId);

    /// <summary>Every commit, of any branch; <see cref="Branches"/> says which are on which branch.</summary>
    public Dictionary<string, FakeCommit> Commits { get; } = new(StringComparer.Ordinal);

    /// <summary>Branch name → head sha.</summary>
    public Dictionary<string, string> Branches { get; } = new(StringComparer.Ordinal);

    public List<FakePull> Pulls { get; } = [];

    public List<FakeDeployment> Deployments { get; } = [];

    /// <summary>
    /// Environment name → the tier GitLab's environments API gives it (production, staging, testing, development, other);
    /// an environment not named here reads as GitLab guesses a tier from its name (simplified: production, staging, else other).
    /// </summary>
    public Dictionary<string, string> EnvironmentTiers { get; } = new(StringComparer.Ordinal);

    public List<FakeRelease> Releases { get; } = [];

    public Dictionary<string, string> Tags { get; } = new(StringComparer.Ordinal);

    public List<FakeWorkflow> Workflows { get; } = [];

    public List<FakeIssue> Issues { get; } = [];

    /// <summary>Adds a commit and moves <paramref name="branch"/> to it.</summary>
    public FakeCommit Commit(string branch, string sha, DateTimeOffset at, string message, string author = "Ana Lima", string email = "ana@acme.test", params string[] parents)
    {
        var commit = new FakeCommit(Pad(sha), parents.Select(Pad).ToArray(), author, email, at, message);
        Commits[commit.Sha] = commit;
        Branches[branch] = commit.Sha;
        return commit;
    }

    /// <summary>Sets the files a commit changed (a monorepo's paths).</summary>
    public FakeCommit Touch(string sha, params string[] files) => Commits[Pad(sha)] = Commits[Pad(sha)] with { Files = files };

    /// <summary>The commits reachable from the branch head, newest first (commit time, then sha), as GitHub lists them.</summary>
    public IReadOnlyList<FakeCommit> History(string branch)
    {
        return Branches.TryGetValue(branch, out var head)
            ? Reachable(head).Select(sha => Commits[sha]).OrderByDescending(c => c.At).ThenBy(c => c.Sha, StringComparer.Ordinal).ToList()
            : [];
    }

    /// <summary>The shas of the commits reachable from <paramref name="head"/> through parents, itself included.</summary>
    public HashSet<string> Reachable(string head)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([head]);
        while (pending.TryPop(out var sha))
        {
            if (Commits.TryGetValue(sha, out var commit) && seen.Add(sha))
            {
                foreach (var parent in commit.Parents)
                {
                    pending.Push(parent);
                }
            }
        }
        return seen;
    }

    /// <summary>A branch's head, or a full sha of a commit this repository has; null for anything else (GitHub answers 404).</summary>
    public string? Resolve(string reference) =>
        Branches.TryGetValue(reference, out var head) ? head : Commits.ContainsKey(reference) ? reference : null;

    /// <summary>A 40-hex sha from a short name ("c1" → "c1000…"), so tests read like the history they describe.</summary>
    public static string Pad(string sha) => sha.Length >= 40 ? sha : (sha + new string('0', 40))[..40];
}

public sealed record FakeCommit(string Sha, string[] Parents, string Author, string Email, DateTimeOffset At, string Message)
{
    /// <summary>The files it changed, as the single-commit endpoint lists them (<c>files[].filename</c>).</summary>
    public string[] Files { get; init; } = [];
}

public sealed record FakeUser(string Login, bool IsBot = false);

public sealed class FakePull
{
    public required int Number { get; init; }

    public required string Title { get; init; }

    public required FakeUser Author { get; init; }

    public string BaseBranch { get; init; } = "main";

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? MergedAt { get; set; }

    public DateTimeOffset? ClosedAt { get; set; }

    /// <summary>GitHub's merge_commit_sha: the merge (or squash) commit once merged, a test merge before.</summary>
    public string? MergeCommitSha { get; set; }

    /// <summary>
    /// How it was merged, for the GitLab simulator, which reports <see cref="MergeCommitSha"/> as GitLab does:
    /// <c>merge</c> (merge_commit_sha), <c>squash</c> (squash_commit_sha of a fast-forwarded squash, merge_commit_sha
    /// null) or <c>fast-forward</c> (neither: the head itself reached the target branch).
    /// </summary>
    public string MergeMethod { get; set; } = "merge";

    public List<string> CommitShas { get; } = [];

    /// <summary>The label names, served alike by REST, GraphQL and webhook deliveries.</summary>
    public List<string> Labels { get; } = [];

    public List<FakeReview> Reviews { get; } = [];
}

/// <param name="SubmittedAt">Null for a pending review (GitHub omits submitted_at).</param>
public sealed record FakeReview(long Id, FakeUser Reviewer, string State, DateTimeOffset? SubmittedAt);

public sealed class FakeDeployment
{
    public required long Id { get; init; }

    public required string Sha { get; init; }

    public required string Environment { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public List<FakeDeploymentStatus> Statuses { get; } = [];
}

public sealed record FakeDeploymentStatus(long Id, string State, DateTimeOffset At);

public sealed record FakeRelease(long Id, string Tag, string TargetCommitish, DateTimeOffset CreatedAt, DateTimeOffset? PublishedAt, bool Draft = false, bool Prerelease = false);

public sealed class FakeWorkflow
{
    public required long Id { get; init; }

    public required string Name { get; init; }

    public required string Path { get; init; }

    public List<FakeRun> Runs { get; } = [];
}

public sealed class FakeRun
{
    public required long Id { get; init; }

    public required string Branch { get; init; }

    public required string HeadSha { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>queued, in_progress or completed.</summary>
    public string Status { get; set; } = "completed";

    public string? Conclusion { get; set; } = "success";
}

public sealed class FakeIssue
{
    public required int Number { get; init; }

    public required string Title { get; init; }

    public string Body { get; set; } = "";

    public List<string> Labels { get; } = [];

    public required DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? ClosedAt { get; set; }

    /// <summary>The issues API lists pull requests too, marked with a pull_request object.</summary>
    public bool IsPullRequest { get; init; }
}
