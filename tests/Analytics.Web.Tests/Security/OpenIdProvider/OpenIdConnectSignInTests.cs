using System.Net;
using Analytics.Web.Security;
using Analytics.Web.Tests.Browser;
using Microsoft.AspNetCore.Builder;
using Microsoft.Playwright;
using static Analytics.Web.Tests.Browser.DashboardPages;

namespace Analytics.Web.Tests.Security.OpenIdProvider;

/// <summary>
/// Mode OpenIdConnect end to end: a second host of the app (over the fixture's store and catalog) signs people in
/// through <see cref="TestOpenIdProvider"/>, a real provider on loopback, and Debian's Chromium follows the whole flow
/// (challenge, authorization endpoint, code redeemed with PKCE and the client secret, ID token validated against JWKS).
/// </summary>
[Collection(AnalyticsAppCollection.Name)]
public sealed class OpenIdConnectSignInTests(AnalyticsAppFixture fixture, BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private const string ClientId = "engineering-metrics";
    private const string ViewerGroup = "eng-all";

    private static readonly TestUser Viewer = new("u-ada", "Ada Lovelace", [ViewerGroup, "chess-club"]);
    private static readonly TestUser Outsider = new("u-bob", "Bob Outsider", ["contractors"]);

    // A fresh secret per run: it is only ever in this process's memory.
    private readonly string _clientSecret = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
    private readonly RecordingLoggerProvider _log = new();
    private TestOpenIdProvider _provider = default!;
    private WebApplication _app = default!;

    private Uri AppAddress => AnalyticsAppFixture.AddressOf(_app);

    public async Task InitializeAsync()
    {
        _provider = await TestOpenIdProvider.StartAsync([Viewer, Outsider]);
        _app = await AnalyticsAppFixture.StartAsync(new Dictionary<string, string?>(fixture.Settings)
        {
            ["Analytics:Auth:Mode"] = "OpenIdConnect",
            ["Analytics:Auth:OpenIdConnect:Authority"] = _provider.Authority.ToString(),
            ["Analytics:Auth:OpenIdConnect:ClientId"] = ClientId,
            ["Analytics:Auth:OpenIdConnect:ClientSecret"] = _clientSecret,
            ["Analytics:Auth:OpenIdConnect:RequireHttpsMetadata"] = "false",
            ["Analytics:Auth:OpenIdConnect:Scopes:0"] = TestOpenIdProvider.GroupsScope,
            ["Analytics:Auth:OpenIdConnect:RoleClaim"] = "groups",
            [$"Analytics:Auth:OpenIdConnect:RoleMap:{ViewerGroup}"] = AnalyticsRoles.Viewer,
        }, _log);
        await _provider.AddClientAsync(ClientId, _clientSecret, new Uri(AppAddress, "signin-oidc"));
    }

    [Fact]
    public async Task Opening_the_overview_signs_in_at_the_provider_and_shows_the_figures_and_the_name()
    {
        await using var context = await NewContextAsync(Viewer);
        var page = await context.NewPageAsync();
        var probe = new PageProbe(page);
        var visited = new List<string>();
        page.Request += (_, request) => visited.Add(request.Url);

        var response = await page.GotoAsync("/");

        Assert.Equal(200, response?.Status);
        Assert.Contains(visited, url => url.StartsWith(new Uri(_provider.Authority, "connect/authorize").ToString(), StringComparison.Ordinal));
        Assert.Contains(visited, url => url.StartsWith(new Uri(AppAddress, "signin-oidc").ToString(), StringComparison.Ordinal));
        Assert.Equal(AppAddress.ToString(), page.Url);
        await WaitUntilInteractiveAsync(page);
        var window = await WindowAsync(page);
        await AssertCardsShowAsync(page, (await fixture.Http.GetDoraAsync(window.From, window.To)).Organisation);
        await Assertions.Expect(page.Locator("[data-testid=user-name]")).ToHaveTextAsync(Viewer.Name);
        // The session cookie now carries the API too (no provider tokens in it: it is the app's own cookie).
        var api = await context.APIRequest.GetAsync("api/dora");
        Assert.Equal(200, api.Status);
        await AssertCleanAsync(page, probe);
    }

    [Fact]
    public async Task Someone_whose_groups_map_to_no_role_sees_access_denied_and_no_figures()
    {
        await using var context = await NewContextAsync(Outsider);
        var page = await context.NewPageAsync();

        await page.GotoAsync("/");

        await Assertions.Expect(page.Locator("[data-testid=access-denied]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=access-denied]")).ToContainTextAsync(Outsider.Name);
        await Assertions.Expect(page.Locator("[data-testid=figure]")).ToHaveCountAsync(0);
        Assert.StartsWith(AppAddress.ToString(), page.Url, StringComparison.Ordinal);
        var api = await context.APIRequest.GetAsync("api/dora", new() { MaxRedirects = 0 });
        Assert.Equal(403, api.Status);
    }

    [Fact]
    public async Task The_api_answers_401_without_a_session_instead_of_sending_anyone_to_the_provider()
    {
        using var client = SignInClient.Anonymous(AppAddress);

        using var response = await client.GetAsync("api/dora");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(response.Headers.Location);
        // A page, by contrast, is sent to the provider's authorization endpoint.
        using var page = await client.GetAsync("");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith(new Uri(_provider.Authority, "connect/authorize").ToString(), page.Headers.Location?.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sign_in_that_fails_at_the_provider_is_audited_with_where_from_and_ends_on_access_denied()
    {
        using var client = SignInClient.Anonymous(AppAddress);
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);

        // The provider's answer as a forged or replayed callback carries it: an error and a state this app never issued.
        using var response = await client.GetAsync("signin-oidc?error=access_denied&error_description=cancelled&state=forged");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(AnalyticsAuthentication.DeniedPath, response.Headers.Location?.OriginalString);
        var trail = await _app.Services.GetRequiredService<Analytics.Storage.Catalog.AuditTrail>()
            .PageAsync(new Analytics.Storage.Catalog.AuditQuery(Action: "signin.failed", From: since), 0, 50);
        var entry = Assert.Single(trail.Entries, e => e.Target == "openid connect");
        Assert.Equal(Analytics.Storage.Catalog.AuditActor.Anonymous, entry.Actor);
        Assert.Equal("127.0.0.1", entry.RemoteAddress);
        Assert.False(string.IsNullOrWhiteSpace(entry.Outcome));
        Assert.True(entry.At >= since);
    }

    /// <summary>A fresh browser context whose cookie at the provider names <paramref name="user"/> (the provider's passthrough sign-in).</summary>
    private async Task<IBrowserContext> NewContextAsync(TestUser user)
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = AppAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1400, Height = 1000 },
            Locale = "en-GB",
            TimezoneId = "UTC",
        });
        context.SetDefaultTimeout(TimeoutMs);
        Assertions.SetDefaultExpectTimeout(TimeoutMs);
        await context.AddCookiesAsync([new Microsoft.Playwright.Cookie { Name = TestOpenIdProvider.UserCookie, Value = user.Id, Url = _provider.Authority.ToString() }]);
        return context;
    }

    private async Task AssertCleanAsync(IPage page, PageProbe probe)
    {
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var problems = probe.Problems.Concat(RecordingLoggerProvider.Errors(_log.Entries).Select(entry => $"server error: {entry.Category}: {entry.Message} {entry.Exception}")).ToList();
        Assert.True(problems.Count == 0, "The sign-in was not clean:" + Environment.NewLine + string.Join(Environment.NewLine, problems));
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        if (_provider is not null)
        {
            await _provider.DisposeAsync();
        }
    }
}
