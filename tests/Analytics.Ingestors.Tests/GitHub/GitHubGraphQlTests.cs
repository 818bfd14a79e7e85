using Analytics.Ingestors.GitHub;
using Analytics.Simulators.GitHub;

namespace Analytics.Ingestors.Tests.GitHub;

/// <summary>
/// The GraphQL backfill (<c>Api = graphql</c>): one generated organisation synced by REST and by GraphQL into two
/// stores holds the same rows in every table and gives the same DORA figures, for the points worked out below; an
/// unchanged organisation costs no point either way; a partial GraphQL answer is retried; GitHub's primary GraphQL
/// limit is waited for until its reset.
/// </summary>
public sealed class GitHubGraphQlTests
{
    private static readonly Dictionary<string, string?> GraphQl = new() { ["Api"] = "graphql" };

    private static FakeOrganisation Organisation(int pullRequests) =>
        GeneratedOrganisation.Create("acme", repositories: 2, pullRequestsPerRepository: pullRequests, end: GitHubScenario.Start.AddDays(-1));

    [Fact]
    public async Task The_same_organisation_synced_by_REST_and_by_GraphQL_gives_the_same_rows_in_every_table_and_the_same_figures()
    {
        await using var rest = await GitHubScenario.CreateAsync(Organisation(250));
        await using var graphQl = await GitHubScenario.CreateAsync(Organisation(250), GraphQl);

        var byRest = await rest.RunAsync();
        var source = graphQl.Source();
        var byGraphQl = await graphQl.RunAsync(source);

        Assert.True(byRest.Succeeded, byRest.Error);
        Assert.True(byGraphQl.Succeeded, byGraphQl.Error);
        // Every event table, every column but ingested_at, row by row…
        var restRows = await rest.SnapshotAsync();
        var graphQlRows = await graphQl.SnapshotAsync();
        Assert.NotEmpty(restRows);
        Assert.True(restRows.SequenceEqual(graphQlRows),
            $"only by REST: {string.Join("; ", restRows.Except(graphQlRows).Take(3))}; only by GraphQL: {string.Join("; ", graphQlRows.Except(restRows).Take(3))}");
        // …the derived tables the figures read, and the figures.
        await ParityTables.AssertSameAsync(rest.Host.EngineStore, "REST", graphQl.Host.EngineStore, "GraphQL", ParityTables.Compared);
        foreach (var figure in ParityTables.DoraFigures)
        {
            var expected = await ParityTables.RowsAsync(rest.Host.EngineStore, $"({figure})", "*");
            Assert.NotEmpty(expected);
            Assert.Equal(expected, await ParityTables.RowsAsync(graphQl.Host.EngineStore, $"({figure})", "*"));
        }

        // REST: 530 points a repository (GeneratedOrganisationSyncTests), 503 of them the pull requests' 3 pages and
        // each one's commits and reviews, and 15 the deployments' page and each one's statuses.
        Assert.Equal(2 * 530 + 1, rest.GitHub.PointsSpent);
        // GraphQL: REST keeps main's 7 pages of commits, releases, workflows, incident issues and 2 comparisons, and
        // asks each of the two lists GraphQL reads whether it changed (per_page=1, conditional: 1 point now, 0 when
        // unchanged) = 14 a repository, plus the organisation's repository list.
        var served = graphQl.GitHub.Served;
        var restPart = served.Where(r => r.Api == FakeGitHubServer.RestApi).ToList();
        Assert.Equal(2 * 14 + 1, restPart.Count);
        Assert.Equal(2 * 14 + 1, restPart.Sum(r => r.Cost));
        // GraphQL, a repository: 3 pages of pull requests, each 1 + 3 × 100 requests = 3 points; on each page, the
        // parents of the commits main's history did not bring (the open pull requests' and the hotfixes', 52 in all)
        // in 1 query of at most 100 requests = 1 point (the minimum); the 14 deployments with their statuses in 1
        // query of 1 + 100 requests = 1 point.
        var queries = served.Where(r => r.Api == FakeGitHubServer.GraphQlApi).ToList();
        Assert.Equal(2 * (3 + 3 + 1), queries.Count);
        Assert.Equal(2 * (3 * 3 + 3 + 1), queries.Sum(r => r.Cost));
        // The source counts the same points from GitHub's own rateLimit.cost.
        Assert.Equal(new GitHubRunStatistics(2 * 14 + 1 + 2 * 7, 0, 2 * 7, 2 * 13), source.LastRun);

        // An unchanged organisation: every REST question answered 304, no GraphQL query, no point.
        graphQl.GitHub.ClearServed();
        var again = await graphQl.RunAsync();
        Assert.True(again.Succeeded, again.Error);
        Assert.Equal(1 + 2 * 6, graphQl.GitHub.Served.Count);
        Assert.All(graphQl.GitHub.Served, request => Assert.Equal((true, 304, 0, FakeGitHubServer.RestApi), (request.Conditional, request.Status, request.Cost, request.Api)));
        Assert.Equal(graphQlRows, await graphQl.SnapshotAsync());
    }

    [Fact]
    public async Task A_partial_answer_is_retried_and_a_spent_GraphQL_limit_is_waited_for_until_its_reset()
    {
        await using var scenario = await GitHubScenario.CreateAsync(Organisation(30), GraphQl);
        var gitHub = scenario.GitHub;
        // What GitHub answers when a resolver times out: 200, part of the data, and errors.
        gitHub.Fail(new FakeFault
        {
            Matches = path => path == FakeGitHubServer.GraphQlPath,
            Status = 200,
            ContentType = "application/json",
            Body = """{"data":{"rateLimit":{"cost":1,"remaining":4999,"resetAt":"2026-03-02T19:00:00Z"},"repository":null},"errors":[{"type":"SERVICE_UNAVAILABLE","message":"Something went wrong while executing your query. This may be the result of a timeout."}]}""",
        });
        // The primary limit: the first query (3 points) fits, the next does not.
        gitHub.RateLimit = 3;

        var outcome = await scenario.RunAsync();

        Assert.True(outcome.Succeeded, outcome.Error);
        var queries = gitHub.Served.Where(r => r.Api == FakeGitHubServer.GraphQlApi).ToList();
        Assert.Equal(200, queries[0].Status);
        Assert.Equal(0, queries[0].Cost); // the partial answer, retried
        Assert.Equal(60, await scenario.Host.CountAsync("pull_requests FINAL"));
        // RATE_LIMITED was answered and waited for: the reset is an hour after the window opened, on the fake clock.
        Assert.Contains(scenario.Clock.Waits, wait => wait > TimeSpan.FromMinutes(50));
        Assert.Contains(scenario.Host.Logs, line => line.Contains("primary rate limit", StringComparison.Ordinal));
    }

    [Theory]
    // Requests: 1 (pull requests) + 100 (their commits) + 100 × 100 (those commits' parents) = 10,101 → 101 points.
    [InlineData("{ repository(owner: \"acme\", name: \"service-001\") { pullRequests(first: 100) { nodes { commits(first: 100) { nodes { commit { parents(first: 1) { nodes { oid } } } } } } } } }", 200, 101, null)]
    // Nodes: 100 + 100 × 100 + 100 × 100 × 100 = 1,010,100, over the 500,000 a query may ask for.
    [InlineData("{ repository(owner: \"acme\", name: \"service-001\") { pullRequests(first: 100) { nodes { commits(first: 100) { nodes { commit { parents(first: 100) { nodes { oid } } } } } } } } }", 200, 0, "MAX_NODE_LIMIT_EXCEEDED")]
    [InlineData("{ repository(owner: \"acme\", name: \"service-001\") { pullRequests { nodes { number } } } }", 200, 0, "MISSING_PAGINATION_BOUNDARIES")]
    [InlineData("{ repository(owner: \"acme\", name: \"service-001\") { pullRequests(first: 101) { nodes { number } } } }", 200, 0, "EXCESSIVE_PAGINATION")]
    [InlineData("{ repository(owner: \"acme\", name: \"service-001\") { stargazerCount } }", 200, 0, "undefinedField")]
    public async Task The_simulator_counts_points_and_refuses_queries_as_GitHub_does(string query, int status, int cost, string? errorType)
    {
        await using var gitHub = await FakeGitHubServer.StartAsync(TimeProvider.System, GitHubScenario.Token, Organisation(3));
        using var client = new HttpClient();
        client.DefaultRequestHeaders.Authorization = new("bearer", GitHubScenario.Token);

        using var response = await client.PostAsync(
            new Uri(new Uri(gitHub.BaseUrl), "api/graphql"),
            new StringContent(System.Text.Json.JsonSerializer.Serialize(new { query }), System.Text.Encoding.UTF8, "application/json"));
        var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(cost, gitHub.PointsSpent);
        Assert.Equal(errorType, body.TryGetProperty("errors", out var errors) ? errors[0].GetProperty("type").GetString() : null);
        Assert.Equal("graphql", response.Headers.GetValues("X-RateLimit-Resource").Single());
    }
}
