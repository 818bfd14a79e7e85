using System.Net;
using System.Text.RegularExpressions;

namespace Analytics.Web.Tests.Api;

/// <summary>The pages as plain HTTP sees them: prerendered HTML, and no server error for a hand-edited URL.</summary>
[Collection(AnalyticsAppCollection.Name)]
public sealed partial class PageRequestTests(AnalyticsAppFixture app)
{
    [Theory]
    [InlineData("")]
    [InlineData("?days=30")]
    [InlineData("?days=abc")]
    [InlineData("?days=-5")]
    [InlineData("?days=99999999999")]
    public async Task Overview_is_prerendered_with_the_four_cards(string query)
    {
        var mark = app.Log.Mark;
        using var response = await app.Http.GetAsync(query);
        var html = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK,
            $"GET /{query}: {(int)response.StatusCode}. Server log:{Environment.NewLine}{app.Log.Describe(app.Log.Since(mark))}");
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        foreach (var card in OverviewText.Cards)
        {
            Assert.Contains($"data-testid=\"{card}\"", html);
        }
        Assert.DoesNotContain("data-testid=\"error\"", html);
        Assert.Empty(RecordingLoggerProvider.Errors(app.Log.Since(mark)));
    }

    [Theory]
    [InlineData("teams/checkout")]
    [InlineData("teams/checkout?days=45")]
    [InlineData("teams/checkout?days=abc")]
    [InlineData("teams/unassigned")]
    public async Task Team_page_is_prerendered_with_the_five_cards_and_the_three_tabs(string path)
    {
        var mark = app.Log.Mark;
        using var response = await app.Http.GetAsync(path);
        var html = await response.Content.ReadAsStringAsync();

        Assert.True(response.StatusCode == HttpStatusCode.OK,
            $"GET /{path}: {(int)response.StatusCode}. Server log:{Environment.NewLine}{app.Log.Describe(app.Log.Since(mark))}");
        foreach (var card in OverviewText.KeyCards)
        {
            Assert.Contains($"data-testid=\"{card}\"", html);
        }
        Assert.Matches(@">Deployments \(\d+\)<", html);
        Assert.Matches(@">Changes \(\d+( of \d+)?\)<", html);
        Assert.Matches(@">Incidents \(\d+\)<", html);
        Assert.DoesNotContain("data-testid=\"error\"", html);
        Assert.Empty(RecordingLoggerProvider.Errors(app.Log.Since(mark)));
    }

    [Fact]
    public async Task An_unknown_teams_page_answers_404_with_the_error_the_teams_there_are_and_no_figures()
    {
        var mark = app.Log.Mark;
        using var response = await app.Http.GetAsync("teams/no-such-team?days=45");
        var html = await response.Content.ReadAsStringAsync();

        // As the API answers for the same team: a misspelt team is not a team with no figures.
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("data-testid=\"error\"", html);
        Assert.Contains("There is no team &#x27;no-such-team&#x27; in the catalog.", html);
        // Helpful: the page links every team there is.
        foreach (var team in await app.Services.GetRequiredService<Analytics.Storage.Catalog.CatalogLookups>().TeamSlugsAsync())
        {
            Assert.Contains($"href=\"teams/{team}?days=45\"", html);
        }
        Assert.DoesNotContain("data-testid=\"figure\"", html);
        Assert.DoesNotContain("data-testid=\"drill-down\"", html);
        Assert.Empty(RecordingLoggerProvider.Errors(app.Log.Since(mark)));
    }

    [Theory]
    [InlineData("no/such/page")]
    [InlineData("dashboards")]
    [InlineData("teams")]
    public async Task An_address_that_is_no_page_answers_404_without_a_server_error(string path)
    {
        var mark = app.Log.Mark;
        using var response = await app.Http.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(RecordingLoggerProvider.Errors(app.Log.Since(mark)));
    }

    [Fact]
    public async Task Error_page_is_static_html_that_says_something_went_wrong()
    {
        using var response = await app.Http.GetAsync("error");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<title>Error — engineering metrics</title>", html);
        Assert.Contains("<h1>Something went wrong</h1>", html);
        Assert.Contains("The server log has the details under request id ", html);
        // Rendered without interactivity: no interactive component marker anywhere in the body.
        var body = html[html.IndexOf("<body", StringComparison.Ordinal)..];
        Assert.DoesNotContain("<!--Blazor:{", body);
        // An interactive page has one, so the check above can tell the difference.
        Assert.Contains("<!--Blazor:{", await app.Http.GetStringAsync("teams/checkout"));
    }

    [Theory]
    [InlineData("", "Organisation — engineering metrics")]
    [InlineData("teams/checkout?days=30", "checkout — engineering metrics")]
    [InlineData("error", "Error — engineering metrics")]
    public async Task Each_page_has_one_title_its_own(string path, string title)
    {
        var html = await app.Http.GetStringAsync(path);

        // A browser shows the first <title>; the static error page never gets a script to fix it afterwards.
        var titles = Title().Matches(html).Select(match => match.Groups["text"].Value).ToList();
        Assert.Equal([title], titles);
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("?days=30", true)]
    [InlineData("teams/checkout", false)]
    [InlineData("error", false)]
    public async Task The_headers_Organisation_link_is_the_current_page_only_on_the_overview(string path, bool current)
    {
        var html = await app.Http.GetStringAsync(path);

        var link = Assert.Single(HeaderLink().Matches(html), match => match.Value.Contains("href=\"/\"", StringComparison.Ordinal)).Value;
        Assert.Equal(current, link.Contains("aria-current=\"page\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_unknown_address_is_not_found()
    {
        using var response = await app.Http.GetAsync("no/such/page");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [GeneratedRegex(@"<title>(?<text>[^<]*)</title>")]
    private static partial Regex Title();

    [GeneratedRegex(@"<a [^>]*class=""[^""]*header-link[^""]*""[^>]*>")]
    private static partial Regex HeaderLink();
}
