using Analytics.Core.Space;
using static Analytics.Storage.Tests.Space.EngineeringScenario;

namespace Analytics.Storage.Tests.Space;

/// <summary>Activity, collaboration and flow over <see cref="EngineeringScenario"/>, January 2025, worked by hand.</summary>
public sealed class SpaceQueriesTests : IAsyncLifetime
{
    private IClickHouseStore _store = default!;
    private SpaceQueries _queries = default!;

    public async Task InitializeAsync()
    {
        _store = await CreateAsync();
        var options = Options.Create(new MetricOptions());
        var sql = new SqlFiles();
        _queries = new SpaceQueries(_store, sql, options, new PullRequestQueries(_store, sql, options),
            new SurveyQueries(_store, sql, options, Options.Create(new SpaceOptions())));
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task Activity_counts_each_kind_of_event_per_team_and_per_engineer_of_headcount()
    {
        var activity = await _queries.ActivityAsync(new SpaceRequest(January, February));

        // Deployments: d1, d2 (alpha), d3 (beta), d6 (gamma); d4 went to staging and d5 is in February.
        // Merged PRs: #1, #2 (alpha), #3 (beta); #4 is a bot's. Reviews by people, by the reviewer's team then:
        // bob on #1, ann on #2 and #3 → alpha 3; cat on #2 → beta 1; dan (unknown) → unassigned 1. cat's own and the bot's do not count.
        // Requests made in January: sr1–sr3 alpha, sr4–sr5 beta (sr6 was made in December).
        // Headcount at 01-01 (the only sample): alpha ann, bob = 2; beta cat = 1; gamma gus = 1; organisation 4.
        var organisation = activity.Organisation;
        Assert.Equal((4L, 3L, 5L, 5L, 4.0), (organisation.Deployments, organisation.MergedPullRequests, organisation.Reviews, organisation.ServiceRequests, organisation.Headcount));
        var alpha = Assert.Single(activity.Teams, t => t.Team == "alpha");
        Assert.Equal((2L, 2L, 3L, 3L, 2.0), (alpha.Deployments, alpha.MergedPullRequests, alpha.Reviews, alpha.ServiceRequests, alpha.Headcount));
        Assert.Equal(1.5, alpha.ReviewsPerEngineer);
        Assert.Equal(1.0, alpha.DeploymentsPerEngineer);
        Assert.Equal(5 / 4.0, organisation.ReviewsPerEngineer);
        Assert.True(alpha.LowConfidence);   // 2 engineers < 5
        var unassigned = Assert.Single(activity.Teams, t => t.Team == "unassigned");
        Assert.Equal(1, unassigned.Reviews);
        Assert.Null(unassigned.ReviewsPerEngineer);   // nobody to divide by
        Assert.Equal(["alpha", "beta", "gamma", "unassigned"], activity.Teams.Select(t => t.Team));
    }

    [Fact]
    public async Task Headcount_over_a_longer_period_is_the_mean_of_its_month_start_headcounts()
    {
        var activity = await _queries.ActivityAsync(new SpaceRequest(January, March));

        // beta: 1 on 01-01 (cat), 3 on 02-01 (cat, bob who moved 01-22, fay who joined 01-25) → 2.
        // Organisation: 4 on 01-01, 6 on 02-01 (eve and fay joined) → 5.
        Assert.Equal(2.0, Assert.Single(activity.Teams, t => t.Team == "beta").Headcount);
        Assert.Equal(5.0, activity.Organisation.Headcount);
        Assert.Equal(5, activity.Organisation.Deployments);   // d5 on 02-03 now counts too
    }

    [Fact]
    public async Task Collaboration_measures_reviews_across_team_boundaries_by_the_reviewers_team_at_the_time()
    {
        var collaboration = await _queries.CollaborationAsync(new SpaceRequest(January, February));

        // alpha gave 3 reviews: bob on #1 (alpha's PR; bob was still in alpha on 01-06), ann on #2 (alpha's), ann on #3 (beta's) → 1/3.
        // beta gave 1: cat on #2 (alpha's) → 1/1. dan's review has no known team: left out of the share, counted.
        var alpha = Assert.Single(collaboration.Teams, t => t.Team == "alpha");
        Assert.Equal((3L, 1L), (alpha.ReviewsGiven, alpha.CrossTeamReviews));
        Assert.Equal(1 / 3.0, alpha.CrossTeamShare!.Value, 9);
        Assert.Equal(1.0, Assert.Single(collaboration.Teams, t => t.Team == "beta").CrossTeamShare);
        var organisation = collaboration.Organisation;
        Assert.Equal((4L, 2L, 1L), (organisation.ReviewsGiven, organisation.CrossTeamReviews, organisation.UnknownReviewerTeam));
        Assert.Equal(0.5, organisation.CrossTeamShare);
        Assert.Null(Assert.Single(collaboration.Teams, t => t.Team == "unassigned").CrossTeamShare);
    }

    [Fact]
    public async Task Collaboration_counts_distinct_reviewers_per_merged_pull_request_and_reuses_review_pickup_time()
    {
        var collaboration = await _queries.CollaborationAsync(new SpaceRequest(January, February));

        // #1 {bob} = 1, #2 {cat, ann} = 2 → alpha 1.5; #3 {ann, dan} = 2 → beta 2 (dan counts as a reviewer even without a team);
        // organisation 5/3. Pickup (pr/cycle_time): #1 1 h, #2 2 h, #3 1 h (ann; the bot's and cat's own reviews do not count).
        var alpha = Assert.Single(collaboration.Teams, t => t.Team == "alpha");
        Assert.Equal(2, alpha.PullRequests);
        Assert.Equal(1.5, alpha.DistinctReviewersPerPullRequest);
        Assert.Equal(5 / 3.0, collaboration.Organisation.DistinctReviewersPerPullRequest!.Value, 9);
        Assert.Equal(new PhaseFigure(2, TimeSpan.FromHours(1.5), 0), alpha.Pickup);
        Assert.Equal(new PhaseFigure(3, TimeSpan.FromHours(1), 0), collaboration.Organisation.Pickup);
        Assert.Equal(new PhaseFigure(1, TimeSpan.FromHours(1), 0), Assert.Single(collaboration.Teams, t => t.Team == "beta").Pickup);
    }

    [Fact]
    public async Task Flow_counts_pull_requests_open_at_the_end_of_the_period_per_engineer_then()
    {
        var flow = await _queries.FlowAsync(new SpaceRequest(January, February));

        // Open just before 02-01: #5 (alpha), #7 (beta; merged 02-02), #8 (acme/unknown has no service → unassigned).
        // #6 was closed, #1–#4 merged. Headcount then: alpha ann, eve = 2; beta cat, bob, fay = 3; gamma 1; organisation 6.
        Assert.Equal(3, flow.Organisation.OpenPullRequests);
        Assert.Equal(6, flow.Organisation.Headcount);
        Assert.Equal(0.5, flow.Organisation.OpenPullRequestsPerEngineer);
        var beta = Assert.Single(flow.Teams, t => t.Team == "beta");
        Assert.Equal((1L, 3L), (beta.OpenPullRequests, beta.Headcount));
        Assert.Equal(1, Assert.Single(flow.Teams, t => t.Team == "unassigned").OpenPullRequests);
        Assert.Null(flow.Organisation.Flow);   // nobody answered a survey in this scenario
    }

    [Fact]
    public async Task A_team_filter_gives_that_team_alone_and_the_organisation_unchanged()
    {
        var all = await _queries.ActivityAsync(new SpaceRequest(January, February));
        var beta = await _queries.ActivityAsync(new SpaceRequest(January, February, "beta"));

        Assert.Equal(Assert.Single(all.Teams, t => t.Team == "beta"), Assert.Single(beta.Teams));
        Assert.Equal(all.Organisation, beta.Organisation);
        var nobody = await _queries.ActivityAsync(new SpaceRequest(January, February, "nobody"));
        Assert.Equal(0, Assert.Single(nobody.Teams).Deployments);
    }

    [Fact]
    public async Task A_period_that_ends_before_it_starts_is_refused()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => _queries.ActivityAsync(new SpaceRequest(February, January)));
    }
}
