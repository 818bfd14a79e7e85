namespace Analytics.Ingestors.Demo;

/// <summary>
/// A deterministic, believable engineering organisation: teams from elite to low performers, people who move
/// teams, a reorganisation, golden-path adoption, and the commits, pull requests, deployments, incidents, survey
/// answers and service requests all that produces. Same scale, seed and end give identical output.
/// </summary>
/// <remarks>
/// The organisation (the <see cref="Catalog"/>) is small and built up front. Event rows are generated lazily,
/// service by service, each time a table's <see cref="DemoTable.Rows"/> is enumerated, so even scale L streams
/// in bounded memory. Randomness comes only from <c>new Random(seed)</c> and seeds drawn from it; the clock is never read.
/// </remarks>
public sealed class DemoOrganisationGenerator
{
    private readonly Organisation _organisation;

    /// <param name="end">The last instant of history, e.g. today at 00:00 UTC. History covers the <see cref="DemoScale.Months"/> before it.</param>
    public DemoOrganisationGenerator(DemoScale scale, int seed, DateTimeOffset end)
    {
        ArgumentNullException.ThrowIfNull(scale);
        scale.Validate();
        Scale = scale;
        Seed = seed;
        var endUtc = WorkingHours.Truncate(end.UtcDateTime);
        _organisation = OrganisationBuilder.Build(scale, seed, endUtc.AddMonths(-scale.Months), endUtc);

        Catalog = CatalogSnapshot.From(_organisation);
        Commits = CommitsTable.Create(_organisation);
        PullRequests = PullRequestsTable.Create(_organisation);
        PullRequestCommits = PullRequestCommitsTable.Create(_organisation);
        PullRequestReviews = PullRequestReviewsTable.Create(_organisation);
        Deployments = DeploymentsTable.Create(_organisation);
        DeploymentCommits = DeploymentCommitsTable.Create(_organisation);
        Incidents = IncidentsTable.Create(_organisation);
        SurveyResponses = SurveyResponsesTable.Create(_organisation);
        ServiceRequests = ServiceRequestsTable.Create(_organisation);
        Tables = [Commits, PullRequests, PullRequestCommits, PullRequestReviews, Deployments, DeploymentCommits, Incidents, SurveyResponses, ServiceRequests];
    }

    public DemoScale Scale { get; }

    public int Seed { get; }

    /// <summary>The first instant of history: <see cref="End"/> minus the scale's months.</summary>
    public DateTimeOffset Start => new(_organisation.Start);

    /// <summary>The last instant of history; nothing is generated after it.</summary>
    public DateTimeOffset End => new(_organisation.End);

    /// <summary>Teams, people, memberships, services, ownership and template usage, for the SQLite catalog.</summary>
    public DemoCatalog Catalog { get; }

    public DemoTable Commits { get; }

    public DemoTable PullRequests { get; }

    public DemoTable PullRequestCommits { get; }

    public DemoTable PullRequestReviews { get; }

    public DemoTable Deployments { get; }

    public DemoTable DeploymentCommits { get; }

    public DemoTable Incidents { get; }

    public DemoTable SurveyResponses { get; }

    public DemoTable ServiceRequests { get; }

    /// <summary>Every event table, in the order a loader should write them.</summary>
    public IReadOnlyList<DemoTable> Tables { get; }

    /// <summary>The hex SHA-256 that stands for a person in survey_responses.respondent_hash.</summary>
    public static string RespondentHash(string personExternalId) => SurveyResponsesTable.RespondentHash(personExternalId);
}
