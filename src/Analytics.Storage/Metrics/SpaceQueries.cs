using Analytics.Core.Calendar;
using Analytics.Core.Dora;
using Analytics.Core.Space;
using Analytics.Storage.ClickHouse;
using Microsoft.Extensions.Options;

namespace Analytics.Storage.Metrics;

/// <summary>
/// SPACE activity, collaboration and efficiency/flow per team and for the organisation, from the named SQL files under
/// sql/clickhouse/queries/space (and pr/cycle_time for review pickup). Never per person.
/// </summary>
public sealed class SpaceQueries(
    IClickHouseStore store, SqlFiles sqlFiles, IOptions<MetricOptions> options, PullRequestQueries pullRequests, SurveyQueries surveys)
{
    /// <summary>Deployments, merged pull requests, reviews and service requests, in total and per engineer of headcount.</summary>
    public async Task<TeamBreakdown<ActivityFigure>> ActivityAsync(SpaceRequest request, CancellationToken cancellationToken = default)
    {
        request.Validate();
        var counts = (await store.QueryAsync<ActivityRow>(sqlFiles.Query("space/activity"), Parameters(request), cancellationToken)).ToDictionary(row => row.Team);
        var headcount = await HeadcountAsync(new MonthGrid(options.Value.TimeZone).HeadcountInstants(request.From, request.To), cancellationToken);
        var minimum = options.Value.MinimumSample;
        ActivityFigure Figure(string team)
        {
            var row = counts.GetValueOrDefault(team);
            var people = headcount.GetValueOrDefault(team);
            return new ActivityFigure(team, row?.Deployments ?? 0, row?.MergedPullRequests ?? 0, row?.Reviews ?? 0, row?.ServiceRequests ?? 0, people)
            {
                LowConfidence = people < minimum,
            };
        }
        return request.Breakdown(Figure, counts.Keys.Concat(headcount.Keys));
    }

    /// <summary>Review pickup time, the share of reviews given across team boundaries and distinct reviewers per pull request.</summary>
    public async Task<TeamBreakdown<CollaborationFigure>> CollaborationAsync(SpaceRequest request, CancellationToken cancellationToken = default)
    {
        request.Validate();
        var rows = (await store.QueryAsync<CollaborationRow>(sqlFiles.Query("space/collaboration"), Parameters(request), cancellationToken)).ToDictionary(row => row.Team);
        var cycle = await pullRequests.CycleTimeAsync(new DoraRequest(request.From, request.To), cancellationToken);
        var minimum = options.Value.MinimumSample;
        CollaborationFigure Figure(string team)
        {
            var row = rows.GetValueOrDefault(team);
            var pickup = cycle.GetValueOrDefault(team)?.Pickup ?? new PhaseFigure(0, null, 0);
            return new CollaborationFigure(team, pickup, row?.ReviewsGiven ?? 0, row?.CrossTeamReviews ?? 0, row?.UnknownReviewerTeam ?? 0,
                row?.PullRequests ?? 0, row?.DistinctReviewersPerPullRequest)
            {
                LowConfidence = (row?.ReviewsGiven ?? 0) < minimum || (row?.PullRequests ?? 0) < minimum,
            };
        }
        return request.Breakdown(Figure, rows.Keys.Concat(cycle.Keys));
    }

    /// <summary>Open pull requests per engineer at the end of the period, with the self-reported flow and interruptions.</summary>
    public async Task<TeamBreakdown<FlowFigure>> FlowAsync(SpaceRequest request, CancellationToken cancellationToken = default)
    {
        request.Validate();
        var open = (await store.QueryAsync<OpenRow>(sqlFiles.Query("space/open_pull_requests"), Parameters(request), cancellationToken))
            .ToDictionary(row => row.Team, row => row.OpenPullRequests);
        var headcount = await HeadcountAsync([request.To.AddMilliseconds(-1)], cancellationToken);
        var satisfaction = await surveys.SatisfactionAsync(request with { Team = null }, cancellationToken);
        var minimum = options.Value.MinimumSample;
        FlowFigure Figure(string team)
        {
            var group = team == DoraQueries.OrganisationKey ? satisfaction.Organisation : satisfaction.Teams.FirstOrDefault(g => g.Team == team);
            var people = (long)Math.Round(headcount.GetValueOrDefault(team));
            return new FlowFigure(team, open.GetValueOrDefault(team), people, group?.Question(SurveyQuestions.Flow), group?.Question(SurveyQuestions.Interruptions))
            {
                LowConfidence = people < minimum,
            };
        }
        return request.Breakdown(Figure, open.Keys.Concat(headcount.Keys));
    }

    /// <summary>Mean headcount over the instants per team and for the organisation (key ""), from space/headcount.sql.</summary>
    internal async Task<IReadOnlyDictionary<string, double>> HeadcountAsync(IReadOnlyList<DateTimeOffset> instants, CancellationToken cancellationToken)
    {
        var rows = await store.QueryAsync<HeadcountRow>(sqlFiles.Query("space/headcount"), QueryParameters.From(("instants", instants.ToArray())), cancellationToken);
        return rows.ToDictionary(row => row.Team, row => row.Headcount);
    }

    private QueryParameters Parameters(SpaceRequest request) => QueryParameters.From(
        ("from", request.From),
        ("to", request.To),
        ("bots", options.Value.BotLogins.ToArray()));


    private sealed record ActivityRow(string Team, long Deployments, long MergedPullRequests, long Reviews, long ServiceRequests);

    private sealed record CollaborationRow(string Team, long ReviewsGiven, long CrossTeamReviews, long UnknownReviewerTeam, long PullRequests, double? DistinctReviewersPerPullRequest);

    private sealed record OpenRow(string Team, long OpenPullRequests);

    private sealed record HeadcountRow(string Team, double Headcount);
}
