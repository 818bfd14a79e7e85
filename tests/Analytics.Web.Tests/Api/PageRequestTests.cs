using System.Net;
using Analytics.Web.Tests.Hosting;

namespace Analytics.Web.Tests.Api;

/// <summary>The overview page as plain HTTP sees it: prerendered HTML, and no server error for a hand-edited URL.</summary>
[Collection(AnalyticsAppCollection.Name)]
public sealed class PageRequestTests(AnalyticsAppFixture app)
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

    [Fact]
    public async Task An_unknown_address_is_not_found()
    {
        using var response = await app.Http.GetAsync("no/such/page");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
