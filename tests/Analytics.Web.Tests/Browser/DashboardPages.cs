using Analytics.Testing;
using Microsoft.Playwright;

namespace Analytics.Web.Tests.Browser;

/// <summary>
/// What every browser test does with a dashboard page: open it in a fresh context, wait for the circuit,
/// read the window line and the cards, work the period dropdown. Used with <c>using static</c>.
/// </summary>
public static class DashboardPages
{
    // A wait, not a speed target: generous because a loaded two-core CI machine has taken over 30 s for one navigation.
    public const float TimeoutMs = 60_000;

    /// <summary>
    /// Opens <paramref name="path"/> in a new context (en-GB, UTC) and expects HTTP 200. With
    /// <paramref name="interactive"/> it then waits for the circuit and the page's figures; a static page
    /// (the error page) has no circuit to wait for.
    /// </summary>
    public static async Task<BrowserSession> OpenAsync(BrowserFixture browser, AnalyticsAppFixture app, string path, bool interactive = true, int expectedStatus = 200)
    {
        var context = await browser.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1400, Height = 1000 },
            Locale = "en-GB",
            TimezoneId = "UTC",
        });
        context.SetDefaultTimeout(TimeoutMs);
        // Expectations wait as long as actions: the default 5 s failed on a loaded CI machine while the page was still rendering.
        Assertions.SetDefaultExpectTimeout(TimeoutMs);
        var page = await context.NewPageAsync();
        var session = new BrowserSession(app, context, page);
        try
        {
            var response = await page.GotoAsync(path);
            Assert.Equal(expectedStatus, response?.Status);
            if (interactive)
            {
                await WaitUntilInteractiveAsync(page);
            }
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
    public static async Task WaitUntilInteractiveAsync(IPage page)
    {
        await ClosePeriodDropdownAsync(page, await OpenPeriodDropdownAsync(page));
        await WaitForFiguresAsync(page);
    }

    /// <summary>Waits until the page shows its window line; fails with the page's error message if it shows one instead.</summary>
    public static async Task WaitForFiguresAsync(IPage page)
    {
        await Assertions.Expect(page.Locator(".rz-progressbar-circular")).ToHaveCountAsync(0, new() { Timeout = TimeoutMs });
        await page.Locator("[data-testid=window], [data-testid=error]").First.WaitForAsync(new() { Timeout = TimeoutMs });
        if (await page.Locator("[data-testid=error]").CountAsync() > 0)
        {
            Assert.Fail($"The page shows an error: {await page.Locator("[data-testid=error]").InnerTextAsync()}");
        }
    }

    /// <summary>Opens the period list, clicking again until the circuit is up (clicks on prerendered HTML do nothing).</summary>
    public static async Task<ILocator> OpenPeriodDropdownAsync(IPage page)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(TimeoutMs);
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

    /// <summary>
    /// Closes the list and waits for it to be gone (it fades out; a screenshot would catch it half-way). Escape is
    /// pressed on the combobox itself, again if need be: on the circuit's first render FocusOnNavigate moves the
    /// focus to the h1, and an Escape that lands there leaves the list open.
    /// </summary>
    public static async Task ClosePeriodDropdownAsync(IPage page, ILocator list)
    {
        var combobox = page.Locator("[data-testid=period]");
        var deadline = DateTime.UtcNow.AddMilliseconds(TimeoutMs);
        while (true)
        {
            await combobox.PressAsync("Escape");
            try
            {
                await Assertions.Expect(list).ToBeHiddenAsync(new() { Timeout = 2_000 });
                break;
            }
            catch (PlaywrightException) when (DateTime.UtcNow < deadline)
            {
                // The Escape went elsewhere: press it again.
            }
        }
        await Assertions.Expect(combobox).ToHaveAttributeAsync("aria-expanded", "false");
    }

    public static ILocator PeriodLabel(IPage page) => page.Locator("[data-testid=period] .rz-dropdown-label");

    public static async Task<(DateTimeOffset From, DateTimeOffset To)> WindowAsync(IPage page) =>
        OverviewText.ParseWindow(await page.Locator("[data-testid=window]").InnerTextAsync());

    public static async Task<IReadOnlyList<string>> FiguresAsync(IPage page) =>
        [.. (await page.Locator("[data-testid=figure]").AllInnerTextsAsync()).Select(text => text.Trim())];

    /// <summary>Every key card shows the summary's figure as Figures writes it; the four keys also show its tier, as attribute and as text.</summary>
    public static async Task AssertCardsShowAsync(IPage page, DoraSummary expected)
    {
        var figures = OverviewText.FiguresOf(expected);
        var tiers = OverviewText.TiersOf(expected);
        foreach (var card in OverviewText.KeyCards)
        {
            var element = page.Locator($"[data-testid={card}]");
            Assert.Equal(figures[card], (await element.Locator("[data-testid=figure]").InnerTextAsync()).Trim());
            var badge = element.Locator("[data-tier]");
            if (!tiers.TryGetValue(card, out var tier))
            {
                await Assertions.Expect(badge).ToHaveCountAsync(0);
                continue;
            }
            await Assertions.Expect(badge).ToBeVisibleAsync();
            Assert.Equal(tier, await badge.GetAttributeAsync("data-tier"));
            Assert.Equal(OverviewText.TierText(tier), (await badge.TextContentAsync())?.Trim());
        }
    }

    public static string ScreenshotPath(string name) => Path.Combine(RepositoryPaths.Screenshots, $"{name}.png");
}

/// <summary>One browser context and page, with its probe and the app's log position at the start.</summary>
public sealed class BrowserSession(AnalyticsAppFixture app, IBrowserContext context, IPage page) : IAsyncDisposable
{
    private readonly long _logMark = app.Log.Mark;

    public IPage Page { get; } = page;

    public PageProbe Probe { get; } = new(page);

    public Task ScreenshotAsync(string name) => Page.ScreenshotAsync(new() { Path = DashboardPages.ScreenshotPath(name), FullPage = true });

    /// <summary>
    /// The whole page, however long. RadzenLayout scrolls its body inside a viewport-high box, so FullPage alone
    /// stops at the viewport's height: the viewport is made as tall as the body's content for the shot, then restored.
    /// </summary>
    public async Task ScreenshotWholePageAsync(string name)
    {
        var viewport = Page.ViewportSize ?? throw new InvalidOperationException("The page has no viewport.");
        var height = await Page.EvaluateAsync<int>(
            "() => { const body = document.querySelector('.rz-body'); return Math.ceil(body ? body.getBoundingClientRect().top + body.scrollHeight : document.documentElement.scrollHeight); }");
        await Page.SetViewportSizeAsync(viewport.Width, Math.Max(viewport.Height, height));
        try
        {
            await Page.ScreenshotAsync(new() { Path = DashboardPages.ScreenshotPath(name), FullPage = true });
        }
        finally
        {
            await Page.SetViewportSizeAsync(viewport.Width, viewport.Height);
        }
    }

    /// <summary>
    /// No console or script error, no failed request in the browser, and no error in the server's log. With
    /// <paramref name="notFound"/> (a page meant to answer 404), that answer and the browser's note of it are expected.
    /// </summary>
    public async Task AssertCleanAsync(string? notFound = null)
    {
        await Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var expected = notFound is null ? null : new Uri(new Uri(Page.Url), notFound).ToString();
        var problems = Probe.Problems.Where(problem => expected is null || !problem.Contains(expected, StringComparison.Ordinal)).Concat(RecordingLoggerProvider.Errors(app.Log.Since(_logMark)).Select(entry => $"server error: {entry.Category}: {entry.Message} {entry.Exception}")).ToList();
        Assert.True(problems.Count == 0, "The page was not clean:" + Environment.NewLine + string.Join(Environment.NewLine, problems));
    }

    public async ValueTask DisposeAsync() => await context.CloseAsync();
}
