using System.Text.RegularExpressions;
using Analytics.Ingestors.GitHub;
using Analytics.Ingestors.Sources;

namespace Analytics.Ingestors.Csv;

/// <summary>
/// The open interchange format's records (docs/interchange/): commits with their parents, pull requests with their
/// commits, and reviews, for a forge or CI the product has no source for (Bitbucket, Azure DevOps, Gerrit, Jenkins,
/// Argo CD). They are stored exactly as the GitHub and GitLab sources store theirs (same tables, same meaning), so
/// every DORA and pull-request figure works from them; CSV files and the push API share these field rules.
/// </summary>
internal static partial class InterchangeFields
{
    /// <summary>A repository as services name theirs: <c>owner/name</c> (Azure DevOps: <c>project/repo</c>).</summary>
    public static string Repository(RecordReader reader, string name = "repository")
    {
        var value = reader.Text(name, 200);
        if (value.Length > 0 && !RepositoryPattern().IsMatch(value))
        {
            reader.Fail(name, $"'{RecordReader.Shorten(value)}' is not owner/name, e.g. acme/payments-api (the repository of a service in services.csv)");
        }
        return value;
    }

    /// <summary>A git object id: 7 to 64 hex digits (SHA-1 or SHA-256), stored lower-case as git prints it.</summary>
    public static string Sha(RecordReader reader, string name, bool required)
    {
        var value = required ? reader.Text(name, 64) : reader.OptionalText(name, 64);
        if (value.Length > 0 && !ShaPattern().IsMatch(value))
        {
            reader.Fail(name, $"'{RecordReader.Shorten(value)}' is not a commit sha (7 to 64 hex digits)");
        }
        return value.ToLowerInvariant();
    }

    /// <summary>Several shas separated by ';', each checked, in the order given.</summary>
    public static string[] Shas(RecordReader reader, string name)
    {
        var values = reader.List(name);
        foreach (var bad in values.Where(v => !ShaPattern().IsMatch(v)))
        {
            reader.Fail(name, $"'{RecordReader.Shorten(bad)}' is not a commit sha (7 to 64 hex digits); separate several with ';'");
        }
        return values.Select(v => v.ToLowerInvariant()).ToArray();
    }

    [GeneratedRegex(@"^[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+$")]
    public static partial Regex RepositoryPattern();

    [GeneratedRegex(@"^[0-9a-fA-F]{7,64}$")]
    private static partial Regex ShaPattern();
}

/// <summary>A commit with its parents (none for a root commit; two for a merge): what linking walks.</summary>
public sealed record CommitRecord(
    string Repository, string Sha, string[] Parents, string AuthorEmail, string AuthorName, DateTimeOffset AuthoredAt,
    string CommitterEmail, DateTimeOffset CommittedAt, string Message)
{
    public const string Table = "commits";

    public static readonly FieldSpec[] Fields =
    [
        new("repository", true), new("sha", true), new("parents", false, List: true), new("author_email", false), new("author_name", false),
        new("authored_at", true), new("committer_email", false), new("committed_at", false), new("message", false),
    ];

    public static readonly string[] Columns = GitHubRows.CommitColumns;

    public static CommitRecord Parse(RecordReader reader)
    {
        var authoredAt = reader.Timestamp("authored_at");
        var record = new CommitRecord(
            InterchangeFields.Repository(reader), InterchangeFields.Sha(reader, "sha", required: true), InterchangeFields.Shas(reader, "parents"),
            reader.OptionalText("author_email", 300), reader.OptionalText("author_name", 300), authoredAt,
            reader.OptionalText("committer_email", 300), reader.OptionalTimestamp("committed_at") ?? authoredAt, reader.OptionalText("message", 100_000, multiline: true));
        if (record.Parents.Contains(record.Sha))
        {
            reader.Fail("parents", $"names the commit itself ({record.Sha}); a commit cannot be its own parent");
        }
        return record;
    }

    /// <summary>As the pulled sources store a commit: the message's subject, and the shas its message says it reverts.</summary>
    public object?[] ToRow(string source) =>
        [Repository, Sha, Parents, AuthorEmail, AuthorName, AuthoredAt, CommitterEmail, CommittedAt, GitHubRows.Subject(Message), source, CommitMessages.Reverts(Message)];
}

/// <summary>
/// A pull (merge, change) request. <see cref="MergeSha"/> is the commit that reached the base branch (merge, squash or
/// the head of a fast-forward): the deployment that shipped it gives the pull request's deploy phase.
/// </summary>
public sealed record PullRequestRecord(
    string Repository, int Number, string Title, string Author, bool AuthorIsBot, string BaseBranch, DateTimeOffset OpenedAt,
    DateTimeOffset? FirstCommitAt, DateTimeOffset? MergedAt, DateTimeOffset? ClosedAt, string MergeSha, string Url, string HeadBranch,
    string[] Labels, string[] Commits)
{
    public const string Table = "pull_requests";
    public const string CommitsTable = "pull_request_commits";

    public static readonly FieldSpec[] Fields =
    [
        new("repository", true), new("number", true), new("title", false), new("author", true), new("author_is_bot", false),
        new("base_branch", false), new("opened_at", true), new("first_commit_at", false), new("merged_at", false), new("closed_at", false),
        new("merge_sha", false), new("url", false), new("head_branch", false), new("labels", false, List: true), new("commits", false, List: true),
    ];

    public static readonly string[] Columns = GitHubRows.PullRequestColumns;

    public static PullRequestRecord Parse(RecordReader reader)
    {
        var record = new PullRequestRecord(
            InterchangeFields.Repository(reader), reader.Integer("number", 1, int.MaxValue), reader.OptionalText("title", 1000),
            reader.Text("author", 200), reader.Flag("author_is_bot"), reader.OptionalText("base_branch", 300), reader.Timestamp("opened_at"),
            reader.OptionalTimestamp("first_commit_at"), reader.OptionalTimestamp("merged_at"), reader.OptionalTimestamp("closed_at"),
            InterchangeFields.Sha(reader, "merge_sha", required: false), reader.OptionalText("url"), reader.OptionalText("head_branch", 300),
            [.. reader.List("labels")], InterchangeFields.Shas(reader, "commits"));
        reader.NotBefore("merged_at", record.MergedAt, "opened_at", record.OpenedAt);
        reader.NotBefore("closed_at", record.ClosedAt, "opened_at", record.OpenedAt);
        if (record.MergedAt is not null && record.MergeSha.Length == 0)
        {
            // Without it the merged change could never be found in a deployment: its deploy phase would be lost.
            reader.Fail("merge_sha", "is required when merged_at is set: the commit that reached the base branch (merge, squash or fast-forwarded head)");
        }
        if (record.MergedAt is null && record.MergeSha.Length > 0)
        {
            reader.Fail("merge_sha", "is set, but merged_at is empty: only a merged pull request has a merge commit");
        }
        if (record.MergedAt is { } merged && record.ClosedAt is { } closed && closed < merged)
        {
            reader.Fail("closed_at", $"{RecordReader.Format(closed)} is before merged_at ({RecordReader.Format(merged)}); a merged pull request closes when it merges");
        }
        // Merging closes a pull request (GitHub and GitLab give both times): an export that states only the merge says as much.
        return record with { ClosedAt = record.ClosedAt ?? record.MergedAt };
    }

    /// <param name="firstCommitAt">The stated first commit time, else the earliest author time of its listed commits where they are known.</param>
    public object?[] ToRow(string source, DateTimeOffset? firstCommitAt) =>
    [
        Repository, (uint)Number, Title, Author, AuthorIsBot, BaseBranch, OpenedAt, firstCommitAt,
        // first_review_at stays empty: every figure reads the reviews themselves (attributed_pull_requests), which may
        // arrive in a later file or push than their pull request.
        null, MergedAt, ClosedAt, MergeSha, Url, source, HeadBranch, Labels,
    ];

    public IEnumerable<object?[]> CommitRows() => Commits.Distinct().Select(sha => new object?[] { Repository, (uint)Number, sha });

    /// <summary>The key its rows are stored under: the repository and the number.</summary>
    public string Key => $"{Repository}#{Number}";
}

/// <summary>A submitted review of a pull request (an approval, a request for changes, a comment).</summary>
public sealed record ReviewRecord(string Repository, int Number, string ReviewId, string Reviewer, bool ReviewerIsBot, string State, DateTimeOffset SubmittedAt)
{
    public const string Table = "pull_request_reviews";

    /// <summary>GitHub's review states, lower-case, as every source stores them; a GitLab approval is <c>approved</c>, a note <c>commented</c>.</summary>
    public static readonly string[] States = ["approved", "changes_requested", "commented", "dismissed"];

    public static readonly FieldSpec[] Fields =
    [
        new("repository", true), new("number", true), new("review_id", true), new("reviewer", true), new("reviewer_is_bot", false),
        new("state", true), new("submitted_at", true),
    ];

    public static readonly string[] Columns = GitHubRows.ReviewColumns;

    public static ReviewRecord Parse(RecordReader reader) => new(
        InterchangeFields.Repository(reader), reader.Integer("number", 1, int.MaxValue), reader.Text("review_id", 200), reader.Text("reviewer", 200),
        reader.Flag("reviewer_is_bot"), reader.Choice("state", States), reader.Timestamp("submitted_at"));

    public object?[] ToRow(string source) => [Repository, (uint)Number, ReviewId, Reviewer, ReviewerIsBot, State, SubmittedAt, source];

    public string Key => $"{Repository}#{Number}/{ReviewId}";
}
