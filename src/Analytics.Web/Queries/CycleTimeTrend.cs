using Analytics.Core.Dora;
using Analytics.Storage.Metrics;

namespace Analytics.Web.Queries;

/// <summary>
/// One whole week of PR cycle time: each phase's median in hours (null = no pull request measured in that phase) over
/// the pull requests merged that week, and how many were merged. Numbers only, so the page state stays small.
/// </summary>
public sealed record CycleTimeWeek(DateOnly Week, long PullRequests, double? CodingHours, double? PickupHours, double? ReviewHours, double? DeployHours);

/// <summary>
/// PR cycle time by week: pr/cycle_time.sql (the one definition of the phases) over each whole week of the window,
/// Monday 00:00 to Monday 00:00 UTC as the team page's window (a week cut by the window is left out, as in the cards'
/// sparklines). One query for all the weeks (<see cref="PullRequestQueries.WeeklyCycleTimeAsync"/>): it was one a week, 13 on a 90-day page.
/// </summary>
public sealed class CycleTimeTrendQueries(PullRequestQueries pullRequests)
{
    public async Task<IReadOnlyList<CycleTimeWeek>> WeeklyAsync(DoraRequest request, CancellationToken cancellationToken = default)
    {
        var weeks = new List<CycleTimeWeek>();
        var scope = request.Team ?? DoraQueries.OrganisationKey;
        var first = request.From.UtcDateTime.Date;
        // The first Monday on or after the window's start.
        var monday = first.AddDays(((int)DayOfWeek.Monday - (int)first.DayOfWeek + 7) % 7);
        var firstWeek = new DateTimeOffset(monday, TimeSpan.Zero);
        var wholeWeeks = 0;
        while (firstWeek.AddDays(7 * (wholeWeeks + 1)) <= request.To)
        {
            wholeWeeks++;
        }
        if (wholeWeeks == 0)
        {
            return weeks;
        }
        var byWeek = await pullRequests.WeeklyCycleTimeAsync(request with { From = firstWeek, To = firstWeek.AddDays(7 * wholeWeeks) }, cancellationToken);
        for (var start = firstWeek; start.AddDays(7) <= request.To; start = start.AddDays(7))
        {
            var figures = byWeek.GetValueOrDefault(DateOnly.FromDateTime(start.UtcDateTime))?.GetValueOrDefault(scope);
            weeks.Add(new CycleTimeWeek(DateOnly.FromDateTime(start.UtcDateTime), figures?.PullRequests ?? 0,
                figures?.Coding.Median?.TotalHours, figures?.Pickup.Median?.TotalHours, figures?.Review.Median?.TotalHours, figures?.Deploy.Median?.TotalHours));
        }
        return weeks;
    }
}
