using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Analytics.Web.Api;

namespace Analytics.Web.Tests.Api;

/// <summary>
/// GET /api/dora/rows over the demo organisation and the real engine: each kind's total is the n of the figure it is
/// behind (for a team, a service, the organisation, and per commit or per pull request), the pages put together are the
/// whole list once, and bad parameters are refused with a 400 that says which and why. Who may read the rows is in
/// RoleTableTests.
/// </summary>
[Collection(AnalyticsAppCollection.Name)]
public sealed class RowsApiTests(AnalyticsAppFixture app)
{
    private static readonly DateTimeOffset To = new(DateTime.UtcNow.Date, TimeSpan.Zero);
    private static readonly DateTimeOffset From = To.AddDays(-90);

    private async Task<(long Total, JsonElement[] Rows, JsonElement Answer)> RowsAsync(string query)
    {
        using var response = await app.Http.GetAsync($"api/dora/rows?{DoraApiClient.Query(From, To)}&{query}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{query}: {(int)response.StatusCode} {body}");
        var answer = JsonDocument.Parse(body).RootElement.Clone();
        return (answer.GetProperty("total").GetInt64(), [.. answer.GetProperty("rows").EnumerateArray()], answer);
    }

    private async Task<DoraSummary> BusiestTeamAsync()
    {
        var result = await app.Http.GetDoraAsync(From, To);
        return result.Teams.Where(team => team.ChangeFailureRate.FailedDeployments > 0 && team.RecoveryTime.Resolved + team.RecoveryTime.Open > 0)
            .MaxBy(team => team.DeploymentFrequency.Deployments)!;
    }

    [Fact]
    public async Task Each_kinds_total_is_the_n_of_its_figure_for_a_team_and_the_organisation()
    {
        var team = await BusiestTeamAsync();
        var organisation = (await app.Http.GetDoraAsync(From, To)).Organisation;
        foreach (var (scope, summary) in new[] { ($"team={team.Team}", team), ("", organisation) })
        {
            Assert.Equal(summary.DeploymentFrequency.Deployments, (await RowsAsync($"kind=deployments&limit=1&{scope}")).Total);
            Assert.Equal(summary.ChangeFailureRate.FailedDeployments, (await RowsAsync($"kind=failures&limit=1&{scope}")).Total);
            Assert.Equal(summary.RecoveryTime.Resolved + summary.RecoveryTime.Open, (await RowsAsync($"kind=incidents&limit=1&{scope}")).Total);
            var perCommit = await RowsAsync($"kind=changes&limit=1&leadTimeUnit=commit&{scope}");
            Assert.Equal(summary.LeadTime.Changes + summary.LeadTime.Excluded, perCommit.Total);
            Assert.Equal("commit", perCommit.Answer.GetProperty("leadTimeUnit").GetString());
        }
        // Per pull request, the rows are the pull requests behind that figure: fewer than the commits on this organisation.
        var perPullRequest = await app.Http.GetFromJsonAsync<DoraSummary>($"api/teams/{team.Team}/dora?{DoraApiClient.Query(From, To)}&leadTimeUnit=pull-request", DoraApiClient.Json);
        var pullRequests = await RowsAsync($"kind=changes&leadTimeUnit=pull-request&team={team.Team}&limit=1000");
        Assert.Equal("pull-request", pullRequests.Answer.GetProperty("leadTimeUnit").GetString());
        Assert.Equal(perPullRequest!.LeadTime.Changes + perPullRequest.LeadTime.Excluded, pullRequests.Total);
        Assert.NotEqual(team.LeadTime.Changes + team.LeadTime.Excluded, pullRequests.Total);
        Assert.All(pullRequests.Rows, row => Assert.True(row.GetProperty("number").GetInt64() > 0 && row.GetProperty("mergedAt").ValueKind == JsonValueKind.String,
            $"a pull request row without its number or merge time: {row}"));
        Assert.Equal(perPullRequest.LeadTime.Excluded, pullRequests.Rows.Count(row => row.GetProperty("excluded").GetBoolean()));
        // Every failure row is a deployment that caused a failure.
        Assert.All((await RowsAsync($"kind=failures&limit=1000&team={team.Team}")).Rows, row => Assert.True(row.GetProperty("causedFailure").GetBoolean()));
    }

    [Fact]
    public async Task A_services_rows_are_those_behind_the_services_figures()
    {
        var team = await BusiestTeamAsync();
        var services = await app.Http.GetFromJsonAsync<DoraBreakdownAnswer>($"api/dora/breakdown?{DoraApiClient.Query(From, To)}&by=service&team={team.Team}", DoraApiClient.Json);
        var service = services!.Rows.Where(row => row.Figures.DeploymentFrequency.Deployments > 0).MaxBy(row => row.Figures.DeploymentFrequency.Deployments)!;
        Assert.True(service.Figures.DeploymentFrequency.Deployments < team.DeploymentFrequency.Deployments, "one service is all the team's deployments: the test could not tell them apart");

        var rows = await RowsAsync($"kind=deployments&team={team.Team}&service={service.Unit}&limit=1000");

        Assert.Equal(service.Figures.DeploymentFrequency.Deployments, rows.Total);
        Assert.All(rows.Rows, row => Assert.Equal(service.Unit, row.GetProperty("service").GetString()));
        Assert.Equal(service.Figures.LeadTime.Changes + service.Figures.LeadTime.Excluded, (await RowsAsync($"kind=changes&team={team.Team}&service={service.Unit}&limit=1")).Total);
    }

    [Fact]
    public async Task The_pages_put_together_are_the_whole_list_once_in_order()
    {
        var team = await BusiestTeamAsync();
        var all = await RowsAsync($"kind=deployments&team={team.Team}&limit=1000");
        Assert.InRange(all.Total, 30, 1000);
        Assert.Equal(all.Total, all.Rows.Length);

        var paged = new List<string>();
        for (var offset = 0; offset < all.Total; offset += 7)
        {
            var page = await RowsAsync($"kind=deployments&team={team.Team}&offset={offset}&limit=7");
            Assert.Equal(all.Total, page.Total);
            Assert.Equal((offset, 7), (page.Answer.GetProperty("offset").GetInt32(), page.Answer.GetProperty("limit").GetInt32()));
            Assert.Equal((int)Math.Min(7, all.Total - offset), page.Rows.Length);
            paged.AddRange(page.Rows.Select(row => row.GetProperty("deploymentId").GetString()!));
        }
        Assert.Equal(all.Rows.Select(row => row.GetProperty("deploymentId").GetString()), paged);

        // Past the end: no rows, and still the total.
        var past = await RowsAsync($"kind=deployments&team={team.Team}&offset={all.Total + 5}&limit=7");
        Assert.Empty(past.Rows);
        Assert.Equal(all.Total, past.Total);
    }

    [Theory]
    [InlineData("kind=commits", "kind= takes deployments, changes, failures, incidents, not 'commits'")]
    [InlineData("", "kind= takes deployments, changes, failures, incidents, not ''")]
    [InlineData("kind=changes&leadTimeUnit=story", "There is no lead-time unit 'story'")]
    [InlineData("kind=deployments&limit=0", $"limit= takes a whole number from 1 to 1000, not '0'")]
    [InlineData("kind=deployments&limit=5000", $"limit= takes a whole number from 1 to 1000, not '5000'")]
    [InlineData("kind=deployments&offset=-3", "offset= takes a whole number from 0 to")]
    [InlineData("kind=deployments&offset=ten", "offset= takes a whole number from 0 to")]
    [InlineData("kind=deployments&service=a&repository=b", "Give service= or repository=, not both.")]
    public async Task Bad_parameters_are_refused_with_a_400_saying_which_and_why(string query, string message)
    {
        using var response = await app.Http.GetAsync($"api/dora/rows?{query}");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task An_unknown_team_or_service_is_a_404_not_an_empty_list()
    {
        using var team = await app.Http.GetAsync("api/dora/rows?kind=deployments&team=no-such-team");
        using var service = await app.Http.GetAsync("api/dora/rows?kind=deployments&service=no-such-service");

        Assert.Equal(HttpStatusCode.NotFound, team.StatusCode);
        Assert.Contains("no team 'no-such-team'", await team.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, service.StatusCode);
        Assert.Contains("no service 'no-such-service'", await service.Content.ReadAsStringAsync());
    }
}
