using System.Text.RegularExpressions;
using Analytics.Core.Dora;
using Analytics.Storage.Metrics;
using Analytics.Web.Tests.Hosting;
using Microsoft.Playwright;

namespace Analytics.Web.Tests.Browser;

/// <summary>
/// The overview page in a real browser against the real host: what a person sees equals what the API
/// says, the period choice lives in the URL, and the page loads cleanly. Screenshots go to
/// artifacts/screenshots/ under the repository root.
/// </summary>
[Collection(AnalyticsAppCollection.Name)]
public sealed class OverviewBrowserTests(AnalyticsAppFixture app, BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const float Timeout = 30_000;

    [Fact]
    public async Task Overview_shows_the_apis_figures_written_the_same_way()
    {
        await using var session = await OpenAsync("/");

        Assert.Equal("Organisation — engineering metrics", await session.Page.TitleAsync());
        var window = await WindowAsync(session.Page);
        Assert.Equal(90, (window.To - window.From).TotalDays);
        var api = await app.Http.GetDoraAsync(window.From, window.To);
        await AssertCardsShowAsync(session.Page, api.Organisation);

        await session.ScreenshotAsync("overview");
        await session.AssertCleanAsync();
    }

    [Fact]
    public async Task Teams_grid_lists_every_team()
    {
        await using var session = await OpenAsync("/");
        var window = await WindowAsync(session.Page);
        var api = await app.Http.GetDoraAsync(window.From, window.To);

        var rows = session.Page.Locator("[data-testid=teams] tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(api.Teams.Count, new() { Timeout = Timeout });
        Assert.True(api.Teams.Count >= AnalyticsAppFixture.Scale.Teams, $"the API lists only {api.Teams.Count} teams");
        var names = (await rows.Locator("td:first-child").AllInnerTextsAsync()).Select(name => name.Trim());
        Assert.Equal(api.Teams.Select(team => team.Team), names);
        for (var i = 0; i < api.Teams.Count; i++)
        {
            var tiers = await rows.Nth(i).Locator("[data-tier]").EvaluateAllAsync<string[]>("badges => badges.map(b => b.getAttribute('data-tier'))");
            Assert.Equal(OverviewText.Cards.Select(card => OverviewText.TiersOf(api.Teams[i])[card]), tiers);
        }

        await session.Page.Locator("[data-testid=teams]").ScreenshotAsync(new() { Path = ScreenshotPath("overview-teams") });
        await session.AssertCleanAsync();
    }

    [Fact]
    public async Task Choosing_a_period_puts_days_in_the_url_and_survives_a_reload()
    {
        await using var session = await OpenAsync("/");
        var page = session.Page;
        var initial = await WindowAsync(page);

        var list = await OpenPeriodDropdownAsync(page);
        await list.Locator("[role=option][aria-label='Last 30 days']").ClickAsync();
        await Assertions.Expect(list).ToBeHiddenAsync(new() { Timeout = Timeout });

        await page.WaitForURLAsync(new Regex(@"/\?days=30$"), new() { Timeout = Timeout });
        var expectedWindow = (From: initial.To.AddDays(-30), initial.To);
        await Assertions.Expect(page.Locator("[data-testid=window]"))
            .ToContainTextAsync($"{expectedWindow.From:yyyy-MM-dd} to {expectedWindow.To.AddDays(-1):yyyy-MM-dd} (UTC)", new() { Timeout = Timeout });
        await Assertions.Expect(PeriodLabel(page)).ToHaveTextAsync("Last 30 days");
        await WaitForFiguresAsync(page);
        var api = await app.Http.GetDoraAsync(expectedWindow.From, expectedWindow.To);
        await AssertCardsShowAsync(page, api.Organisation);
        var before = await FiguresAsync(page);
        var ninetyDays = await app.Http.GetDoraAsync(initial.From, initial.To);
        Assert.NotEqual(ninetyDays.Organisation.DeploymentFrequency.Deployments, api.Organisation.DeploymentFrequency.Deployments);
        await session.ScreenshotAsync("period-30-days");

        await page.ReloadAsync();
        await WaitUntilInteractiveAsync(page);

        Assert.Matches(new Regex(@"/\?days=30$"), page.Url);
        Assert.Equal(expectedWindow, await WindowAsync(page));
        await Assertions.Expect(PeriodLabel(page)).ToHaveTextAsync("Last 30 days");
        Assert.Equal(before, await FiguresAsync(page));
        // Still interactive after the reload: the dropdown opens and marks the chosen period.
        list = await OpenPeriodDropdownAsync(page);
        await Assertions.Expect(list.Locator("[role=option][aria-label='Last 30 days']")).ToHaveAttributeAsync("aria-selected", "true");
        await ClosePeriodDropdownAsync(page, list);
        await session.ScreenshotAsync("period-30-days-reloaded");
        await session.AssertCleanAsync();
    }

    [Fact]
    public async Task Page_loads_radzen_and_the_app_assets_without_errors()
    {
        // Opening waits for the circuit: the period dropdown opened, so Radzen's script answers.
        await using var session = await OpenAsync("/");
        await session.Page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        var responses = session.Probe.Responses;
        Assert.Contains(responses, response => IsAsset(response.Url, "/_content/Radzen.Blazor/", ".css") && response.Status == 200);
        Assert.Contains(responses, response => IsAsset(response.Url, "/_content/Radzen.Blazor/", ".js") && response.Status == 200);
        Assert.Contains(responses, response => IsAsset(response.Url, "/_framework/blazor.web", ".js") && response.Status == 200);
        Assert.Contains(responses, response => IsAsset(response.Url, "/app.", ".css") && response.Status == 200);
        Assert.Contains(responses, response => IsAsset(response.Url, "/analytics.", ".styles.css") && response.Status == 200);
        Assert.All(responses.Where(response => response.Url.Contains("/_content/Radzen.Blazor/", StringComparison.Ordinal)),
            response => Assert.True(response.Status is 200 or 304, $"HTTP {response.Status}: {response.Url}"));

        // The theme is applied, not merely fetched: its custom properties are defined and a badge is styled by it.
        var primary = await session.Page.EvaluateAsync<string>("() => getComputedStyle(document.documentElement).getPropertyValue('--rz-primary').trim()");
        Assert.False(string.IsNullOrEmpty(primary), "Radzen's theme variables are not defined: material-base.css did not apply.");
        var badgeRadius = await session.Page.Locator("[data-testid=deployment-frequency] [data-tier]").EvaluateAsync<string>("badge => getComputedStyle(badge).borderTopLeftRadius");
        Assert.NotEqual("0px", badgeRadius);

        await session.AssertCleanAsync();
    }

    private async Task<BrowserSession> OpenAsync(string path)
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1400, Height = 1000 },
            Locale = "en-GB",
            TimezoneId = "UTC",
        });
        context.SetDefaultTimeout(Timeout);
        var page = await context.NewPageAsync();
        var session = new BrowserSession(app, context, page);
        try
        {
            var response = await page.GotoAsync(path);
            Assert.Equal(200, response?.Status);
            await WaitUntilInteractiveAsync(page);
            return session;
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Waits for the circuit and its first render. The prerendered figures are replaced by a progress indicator
    /// while the interactive component queries again, so figures are read only after that.
    /// </summary>
    private static async Task WaitUntilInteractiveAsync(IPage page)
    {
        await ClosePeriodDropdownAsync(page, await OpenPeriodDropdownAsync(page));
        await WaitForFiguresAsync(page);
    }

    private static async Task WaitForFiguresAsync(IPage page)
    {
        await Assertions.Expect(page.Locator(".rz-progressbar-circular")).ToHaveCountAsync(0, new() { Timeout = Timeout });
        await page.Locator("[data-testid=window], [data-testid=error]").First.WaitForAsync(new() { Timeout = Timeout });
        if (await page.Locator("[data-testid=error]").CountAsync() > 0)
        {
            Assert.Fail($"The page shows an error: {await page.Locator("[data-testid=error]").InnerTextAsync()}");
        }
    }

    /// <summary>Opens the period list, clicking again until the circuit is up (clicks on prerendered HTML do nothing).</summary>
    private static async Task<ILocator> OpenPeriodDropdownAsync(IPage page)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(Timeout);
        while (true)
        {
            // Radzen moves the popup out to the body; the combobox names its list in aria-controls. The id is new
            // in each render, so it is read again after every attempt (the prerendered one dies with the circuit's first render).
            var combobox = page.Locator("[data-testid=period]");
            await combobox.ClickAsync();
            var listId = await combobox.GetAttributeAsync("aria-controls");
            Assert.False(string.IsNullOrEmpty(listId), "The period dropdown does not name its list (aria-controls).");
            var list = page.Locator($"[id='{listId}']");
            try
            {
                await list.WaitForAsync(new() { State = WaitForSelectorState.Visible, Timeout = 2_000 });
                return list;
            }
            catch (TimeoutException) when (DateTime.UtcNow < deadline)
            {
                // Not interactive yet: try again.
            }
        }
    }

    /// <summary>Closes the list and waits for it to be gone (it fades out; a screenshot would catch it half-way).</summary>
    private static async Task ClosePeriodDropdownAsync(IPage page, ILocator list)
    {
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(list).ToBeHiddenAsync(new() { Timeout = Timeout });
        await Assertions.Expect(page.Locator("[data-testid=period]")).ToHaveAttributeAsync("aria-expanded", "false");
    }

    private static ILocator PeriodLabel(IPage page) => page.Locator("[data-testid=period] .rz-dropdown-label");

    private static async Task<(DateTimeOffset From, DateTimeOffset To)> WindowAsync(IPage page) =>
        OverviewText.ParseWindow(await page.Locator("[data-testid=window]").InnerTextAsync());

    private static async Task<IReadOnlyList<string>> FiguresAsync(IPage page) =>
        [.. (await page.Locator("[data-testid=figure]").AllInnerTextsAsync()).Select(text => text.Trim())];

    private static async Task AssertCardsShowAsync(IPage page, DoraSummary expected)
    {
        var figures = OverviewText.FiguresOf(expected);
        var tiers = OverviewText.TiersOf(expected);
        foreach (var card in OverviewText.Cards)
        {
            var element = page.Locator($"[data-testid={card}]");
            Assert.Equal(figures[card], (await element.Locator("[data-testid=figure]").InnerTextAsync()).Trim());
            var badge = element.Locator("[data-tier]");
            await Assertions.Expect(badge).ToBeVisibleAsync();
            Assert.Equal(tiers[card], await badge.GetAttributeAsync("data-tier"));
            Assert.Equal(OverviewText.TierText(tiers[card]), (await badge.TextContentAsync())?.Trim());
        }
    }

    private static bool IsAsset(string url, string pathPart, string ending)
    {
        var path = new Uri(url).AbsolutePath;
        return path.Contains(pathPart, StringComparison.Ordinal) && path.EndsWith(ending, StringComparison.Ordinal);
    }

    private static string ScreenshotPath(string name) => Path.Combine(RepositoryPaths.Screenshots, $"{name}.png");

    /// <summary>One browser context and page, with its probe and the app's log position at the start.</summary>
    private sealed class BrowserSession(AnalyticsAppFixture app, IBrowserContext context, IPage page) : IAsyncDisposable
    {
        private readonly long _logMark = app.Log.Mark;

        public IPage Page { get; } = page;

        public PageProbe Probe { get; } = new(page);

        public Task ScreenshotAsync(string name) => Page.ScreenshotAsync(new() { Path = ScreenshotPath(name), FullPage = true });

        /// <summary>No console or script error, no failed request in the browser, and no error in the server's log.</summary>
        public async Task AssertCleanAsync()
        {
            await Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            var problems = Probe.Problems.Concat(RecordingLoggerProvider.Errors(app.Log.Since(_logMark)).Select(entry => $"server error: {entry.Category}: {entry.Message} {entry.Exception}")).ToList();
            Assert.True(problems.Count == 0, "The page was not clean:" + Environment.NewLine + string.Join(Environment.NewLine, problems));
        }

        public async ValueTask DisposeAsync() => await context.CloseAsync();
    }
}
