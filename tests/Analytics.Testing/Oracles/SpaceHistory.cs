using Analytics.Core.Space;

namespace Analytics.Testing.Oracles;

/// <summary>The rows the SPACE, adoption and self-service definitions read, besides the DORA history.</summary>
public sealed record SpaceHistory(
    IReadOnlyList<SurveyResponse> SurveyResponses,
    IReadOnlyList<ServiceRequestRecord> ServiceRequests,
    IReadOnlyList<MembershipRange> Memberships,
    IReadOnlyList<IdentityRecord> Identities,
    IReadOnlyList<ServiceTemplateRange> ServiceTemplates,
    IReadOnlyList<TemplateRecord> Templates,
    IReadOnlyList<ServiceRepository> Services,
    IReadOnlyList<PullRequestEvent> PullRequests,
    IReadOnlyList<ReviewEvent> Reviews,
    IReadOnlyList<CommitAuthor> CommitAuthors);

// The rows of SpaceHistory that only the oracle reads as C# records (the queries read these tables in SQL).

/// <summary>survey_responses: RespondentHash is already a salted hash, never a person's id.</summary>
public sealed record SurveyResponse(string SurveyId, string RespondentHash, string Team, string Question, int Score, DateTimeOffset AnsweredAt);

/// <summary>service_requests; Channel is "self_service" or "ticket".</summary>
public sealed record ServiceRequestRecord(string RequestId, string Team, string Kind, string Channel, DateTimeOffset RequestedAt, DateTimeOffset? FulfilledAt);

/// <summary>catalog_identities; Kind is "git_email" or "github_login", Value lower-cased.</summary>
public sealed record IdentityRecord(string PersonId, string Kind, string Value, bool IsBot);

/// <summary>catalog_services: the repository a service is built from.</summary>
public sealed record ServiceRepository(string Service, string Repository);

public sealed record PullRequestEvent(
    string Repository, uint Number, string AuthorLogin, bool AuthorIsBot, DateTimeOffset OpenedAt, DateTimeOffset? MergedAt, DateTimeOffset? ClosedAt);

public sealed record ReviewEvent(string Repository, uint Number, string ReviewId, string ReviewerLogin, bool ReviewerIsBot, DateTimeOffset SubmittedAt);

/// <summary>The author of a commit (commits.author_email), for time to first deploy.</summary>
public sealed record CommitAuthor(string Repository, string Sha, string AuthorEmail);
