namespace Analytics.Core.Space;

// The facts the SPACE, adoption and self-service definitions read, as plain records: what the oracle computes
// from, one record per (deduplicated) table row of ClickHouse or of the catalog mirror.

/// <summary>survey_responses: RespondentHash is already a salted hash, never a person's id.</summary>
public sealed record SurveyResponse(string SurveyId, string RespondentHash, string Team, string Question, int Score, DateTimeOffset AnsweredAt);

/// <summary>service_requests; Channel is "self_service" or "ticket".</summary>
public sealed record ServiceRequestRecord(string RequestId, string Team, string Kind, string Channel, DateTimeOffset RequestedAt, DateTimeOffset? FulfilledAt);

/// <summary>catalog_team_membership: [ValidFrom, ValidTo), ValidTo null = still a member.</summary>
public sealed record MembershipRange(string PersonId, string Team, DateTimeOffset ValidFrom, DateTimeOffset? ValidTo)
{
    public bool Covers(DateTimeOffset at) => ValidFrom <= at && (ValidTo is null || at < ValidTo);
}

/// <summary>catalog_identities; Kind is "git_email" or "github_login", Value lower-cased.</summary>
public sealed record IdentityRecord(string PersonId, string Kind, string Value, bool IsBot);

/// <summary>catalog_service_templates: the service is on Template at TemplateVersion during [ValidFrom, ValidTo).</summary>
public sealed record ServiceTemplateRange(string Service, string Template, string TemplateVersion, DateTimeOffset ValidFrom, DateTimeOffset? ValidTo)
{
    public bool Covers(DateTimeOffset at) => ValidFrom <= at && (ValidTo is null || at < ValidTo);
}

/// <summary>catalog_templates.</summary>
public sealed record TemplateRecord(string Template, string LatestVersion, bool IsGoldenPath);

/// <summary>catalog_services: the repository a service is built from.</summary>
public sealed record ServiceRepository(string Service, string Repository);

public sealed record PullRequestEvent(
    string Repository, uint Number, string AuthorLogin, bool AuthorIsBot, DateTimeOffset OpenedAt, DateTimeOffset? MergedAt, DateTimeOffset? ClosedAt);

public sealed record ReviewEvent(string Repository, uint Number, string ReviewId, string ReviewerLogin, bool ReviewerIsBot, DateTimeOffset SubmittedAt);

/// <summary>The author of a commit (commits.author_email), for time to first deploy.</summary>
public sealed record CommitAuthor(string Repository, string Sha, string AuthorEmail);
