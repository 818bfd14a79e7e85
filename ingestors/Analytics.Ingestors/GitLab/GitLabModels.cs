namespace Analytics.Ingestors.GitLab;

// The fields of GitLab's REST v4 entities the source reads (API::Entities::…), named as GitLab writes them
// (snake_case, read by GitLabApi's serializer options). Everything else in a response is ignored.

internal sealed record GitLabUser(long Id, string? Username, bool? Bot);

internal sealed record GitLabProject(long Id, string PathWithNamespace, string? DefaultBranch, bool? Archived, bool? EmptyRepo);

/// <summary>A commit (API::Entities::Commit). The merge-request commits endpoint gives <c>parent_ids</c> empty: it lists cached commits.</summary>
internal sealed record GitLabCommit(
    string Id, string[]? ParentIds, string? Message, string? Title, string? AuthorName, string? AuthorEmail, DateTimeOffset? AuthoredDate,
    string? CommitterName, string? CommitterEmail, DateTimeOffset? CommittedDate);

/// <summary>A merge request (API::Entities::MergeRequestBasic); <c>project_id</c> says whose, in a group's list.</summary>
internal sealed record GitLabMergeRequest(
    long Id, long Iid, long? ProjectId, string? Title, GitLabUser? Author, string? State, string? TargetBranch, string? SourceBranch,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? MergedAt, DateTimeOffset? ClosedAt,
    string? Sha, string? MergeCommitSha, string? SquashCommitSha, string? WebUrl, string[]? Labels);

/// <summary>The approval state of a merge request; <c>approved_at</c> is absent before GitLab 17.</summary>
internal sealed record GitLabApprovals(List<GitLabApproval>? ApprovedBy);

internal sealed record GitLabApproval(GitLabUser? User, DateTimeOffset? ApprovedAt);

/// <summary>A note (comment) of a merge request; <c>system</c> notes are GitLab's own ("approved this merge request", "added 1 commit").</summary>
internal sealed record GitLabNote(long Id, string? Body, GitLabUser? Author, DateTimeOffset CreatedAt, bool System, string? Type);

internal sealed record GitLabDeployment(
    long Id, long Iid, string? Ref, string? Sha, string? Status, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? FinishedAt,
    GitLabEnvironment? Environment, GitLabDeployable? Deployable);

internal sealed record GitLabEnvironment(long Id, string? Name, string? Tier);

internal sealed record GitLabDeployable(long Id, string? WebUrl, DateTimeOffset? FinishedAt);
