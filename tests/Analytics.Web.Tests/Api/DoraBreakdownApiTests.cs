using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Analytics.Storage.Catalog;
using Analytics.Web.Api;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Web.Tests.Api;

/// <summary>GET /api/dora/breakdown over HTTP against the real Kestrel host and the demo organisation.</summary>
[Collection(AnalyticsAppCollection.Name)]
public sealed class DoraBreakdownApiTests(AnalyticsAppFixture app)
{
    private static readonly DateTimeOffset To = new(DateTime.UtcNow.Date, TimeSpan.Zero);
    private static readonly DateTimeOffset From = To.AddDays(-90);

    private Task<DoraBreakdownAnswer> GetAsync(string query) =>
        app.Http.GetFromJsonAsync<DoraBreakdownAnswer>($"api/dora/breakdown?{DoraApiClient.Query(From, To)}&{query}", DoraApiClient.Json)!;

    [Theory]
    [InlineData("service")]
    [InlineData("repository")]
    public async Task Rows_are_the_catalogs_services_or_repositories_and_add_up_to_the_organisation(string by)
    {
        var answer = await GetAsync($"by={by}");
        var organisation = (await app.Http.GetDoraAsync(From, To)).Organisation;

        Assert.Equal(by, answer.By);
        var (services, repositories) = await CatalogAsync();
        var known = by == "service" ? services : repositories;
        var units = answer.Rows.Select(row => row.Unit).ToList();
        Assert.Equal(units.Order(StringComparer.Ordinal), units);
        Assert.Empty(units.Except(known).Except([TeamAttribution.Unassigned]));
        Assert.True(units.Count > AnalyticsAppFixture.Scale.Teams, $"{units.Count} {by} rows for {AnalyticsAppFixture.Scale.Teams} teams: not broken down");
        Assert.All(answer.Rows, row => Assert.Equal(row.Unit, row.Figures.Team));
        // The organisation is the same whatever the rows are, and every deployment, change and incident is one row's.
        Assert.Equal(organisation, answer.Total);
        Assert.Equal(organisation.DeploymentFrequency.Deployments, answer.Rows.Sum(row => row.Figures.DeploymentFrequency.Deployments));
        Assert.Equal(organisation.DeploymentFrequency.FailedAttempts, answer.Rows.Sum(row => row.Figures.DeploymentFrequency.FailedAttempts));
        Assert.Equal(organisation.LeadTime.Changes, answer.Rows.Sum(row => row.Figures.LeadTime.Changes));
        Assert.Equal(organisation.ChangeFailureRate.FailedDeployments, answer.Rows.Sum(row => row.Figures.ChangeFailureRate.FailedDeployments));
        Assert.Equal(organisation.RecoveryTime.Resolved, answer.Rows.Sum(row => row.Figures.RecoveryTime.Resolved));
        Assert.Equal(organisation.RecoveryTime.Restored, answer.Rows.Sum(row => row.Figures.RecoveryTime.Restored));
        Assert.Equal(organisation.ReworkRate.ReworkDeployments, answer.Rows.Sum(row => row.Figures.ReworkRate.ReworkDeployments));
    }

    [Fact]
    public async Task A_team_by_service_splits_that_teams_figures_over_its_services()
    {
        var team = (await app.Http.GetDoraAsync(From, To)).Teams.First(t => t.Team != TeamAttribution.Unassigned && t.DeploymentFrequency.Deployments > 0);

        var answer = await GetAsync($"by=service&team={Uri.EscapeDataString(team.Team)}");

        Assert.Equal(team.Team, answer.Team);
        Assert.NotEmpty(answer.Rows);
        Assert.Equal(team.DeploymentFrequency.Deployments, answer.Rows.Sum(row => row.Figures.DeploymentFrequency.Deployments));
        Assert.Equal(team.LeadTime.Changes, answer.Rows.Sum(row => row.Figures.LeadTime.Changes));
        Assert.Equal(team.RecoveryTime.Resolved, answer.Rows.Sum(row => row.Figures.RecoveryTime.Resolved));
    }

    [Fact]
    public async Task Csv_has_one_line_per_row_named_by_the_breakdown_with_the_json_figures()
    {
        var answer = await GetAsync("by=repository");

        using var response = await app.Http.GetAsync($"api/dora/breakdown?{DoraApiClient.Query(From, To)}&by=repository&format=csv");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var header = lines[0].Split(',');
        Assert.Equal("repository", header[0]);
        var deployments = Array.IndexOf(header, "deployments");
        var rows = lines.Skip(1).Select(line => line.Split(',')).ToDictionary(cells => cells[0], cells => long.Parse(cells[deployments], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(answer.Rows.Count + 1, rows.Count);
        Assert.Equal(answer.Total.DeploymentFrequency.Deployments, rows["Organisation"]);
        Assert.All(answer.Rows, row => Assert.Equal(row.Figures.DeploymentFrequency.Deployments, rows[row.Unit]));
    }

    [Fact]
    public async Task Offset_and_limit_page_the_rows_and_the_answer_counts_them_all()
    {
        var all = await GetAsync("by=service");
        Assert.Equal(0, all.Offset);
        Assert.Equal(all.Rows.Count, all.RowCount);
        Assert.True(all.RowCount > 15, $"{all.RowCount} rows: too few to page");

        var page = await GetAsync("by=service&offset=5&limit=10");
        Assert.Equal((5, all.RowCount), (page.Offset, page.RowCount));
        Assert.Equal(all.Rows.Skip(5).Take(10), page.Rows);
        Assert.Equal(all.Total, page.Total);
        var past = await GetAsync($"by=service&offset={all.RowCount}");
        Assert.Empty(past.Rows);
        Assert.Equal(all.RowCount, past.RowCount);
    }

    [Theory]
    [InlineData("by=services", "by= takes team, service, repository, not 'services'")]
    [InlineData("by=service&format=xml", "format= takes json or csv")]
    [InlineData("by=service&limit=0", "limit= takes a whole number from 1 to 1000, not '0'")]
    [InlineData("by=service&offset=-1", "offset= takes a whole number from 0 to")]
    public async Task A_breakdown_or_format_it_does_not_know_is_a_bad_request_naming_what_it_takes(string query, string message)
    {
        using var response = await app.Http.GetAsync($"api/dora/breakdown?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains(message, problem.RootElement.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task An_unknown_team_is_not_found()
    {
        using var response = await app.Http.GetAsync("api/dora/breakdown?by=service&team=no-such-team");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("'no-such-team'", problem.RootElement.GetProperty("detail").GetString());
    }

    private async Task<(List<string> Services, List<string> Repositories)> CatalogAsync()
    {
        var factory = app.Services.GetRequiredService<IDbContextFactory<CatalogDbContext>>();
        await using var catalog = await factory.CreateDbContextAsync();
        var services = await catalog.Services.Select(s => new { s.Slug, s.Repository }).ToListAsync();
        return (services.Select(s => s.Slug).ToList(), services.Select(s => s.Repository).Distinct().ToList());
    }
}
