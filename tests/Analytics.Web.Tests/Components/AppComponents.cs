using Analytics.Web.Components.Pages;
using Analytics.Web.Hosting;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Configuration;
using Radzen;

namespace Analytics.Web.Tests.Components;

/// <summary>
/// bUnit over the real store the demo filled (no mocks): the app's own service registration pointed at the
/// fixture's database, Radzen's services, JS interop answered loosely.
/// </summary>
public static class AppComponents
{
    public static readonly TimeSpan RenderTimeout = TimeSpan.FromSeconds(30);

    /// <param name="settings">Configuration laid over the app's for this context only, e.g. Analytics:Dashboards:Path.</param>
    /// <param name="signIn">Who the visitor is (user, roles, claims); an admin with every role when not given.</param>
    public static BunitContext NewContext(AnalyticsAppFixture app, IReadOnlyDictionary<string, string?>? settings = null, Action<BunitAuthorizationContext>? signIn = null)
    {
        var configuration = settings is null
            ? app.Configuration
            : new ConfigurationBuilder().AddConfiguration(app.Configuration).AddInMemoryCollection(settings).Build();
        var context = new BunitContext();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        // A chart first drawn once interactive (TrendChart.Deferred) measures itself through script, as in the browser.
        context.JSInterop.Setup<Radzen.Blazor.Rendering.Rect>("Radzen.createChart", _ => true).SetResult(new Radzen.Blazor.Rendering.Rect { Width = 1200, Height = 300 });
        // As in the host, where options bound with BindConfiguration find the configuration as a service.
        context.Services.AddSingleton(configuration);
        context.Services.AddAnalyticsServices(configuration);
        context.Services.AddQueryServices(configuration);
        context.Services.AddRadzenComponents();
        // By default an admin, as every visitor is in mode Open: most tests are about what the components show, not who may see it.
        var authorization = context.AddAuthorization();
        (signIn ?? (visitor => visitor.SetAuthorized("admin").SetRoles([.. Analytics.Web.Security.AnalyticsRoles.All])))(authorization);
        return context;
    }

    /// <summary>
    /// A context for one chart component on its own, without the store: Radzen's services, and JS interop that measures a
    /// chart as <paramref name="width"/> px wide once interactive (as the half-width charts of a team page are at 1440 px).
    /// </summary>
    public static BunitContext NewChartContext(double width = 1200)
    {
        var context = new BunitContext();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.JSInterop.Setup<Radzen.Blazor.Rendering.Rect>("Radzen.createChart", _ => true).SetResult(new Radzen.Blazor.Rendering.Rect { Width = width, Height = 260 });
        context.Services.AddRadzenComponents();
        return context;
    }

    /// <summary>Points the context's NavigationManager at <paramref name="uri"/>, so [SupplyParameterFromQuery] reads its query string.</summary>
    public static void NavigateTo(this BunitContext context, string uri) =>
        context.Services.GetRequiredService<NavigationManager>().NavigateTo(uri);

    /// <summary>
    /// Renders as in the browser once the circuit is up, which charts ask (they measure themselves then). Call it once the
    /// context's services are complete: it starts the renderer.
    /// </summary>
    public static void RenderInteractively(this BunitContext context) =>
        context.Renderer.SetRendererInfo(new RendererInfo("Server", isInteractive: true));

    /// <summary>Renders as the server's prerendering does (before the circuit: charts draw at their default size).</summary>
    public static void RenderPrerendered(this BunitContext context) =>
        context.Renderer.SetRendererInfo(new RendererInfo("Static", isInteractive: false));

    /// <summary>The team page at <paramref name="uri"/> (a team's or a service view), once it shows its window; fails on an error shown.</summary>
    public static IRenderedComponent<TeamPage> RenderTeam(BunitContext context, string team, string uri)
    {
        context.RenderInteractively();
        context.NavigateTo(uri);
        var page = context.Render<TeamPage>(parameters => parameters.Add(component => component.Team, team));
        page.WaitForAssertion(() => Assert.True(page.FindAll("[data-testid=window]").Count == 1 || page.FindAll("[data-testid=error]").Count == 1), RenderTimeout);
        var error = page.FindAll("[data-testid=error]");
        Assert.True(error.Count == 0, $"The page shows an error: {error.FirstOrDefault()?.TextContent}");
        return page;
    }

    /// <summary>The period a page says it shows ([data-testid=window]).</summary>
    public static (DateTimeOffset From, DateTimeOffset To) WindowOf<TPage>(IRenderedComponent<TPage> page) where TPage : IComponent =>
        OverviewText.ParseWindow(page.Find("[data-testid=window]").TextContent);

    /// <summary>
    /// The cells' text of every row of a paged grid, walking the pager from the first page to the last
    /// (Radzen shows no pager when the rows fit on one page).
    /// </summary>
    public static List<string[]> ReadAllPages<TPage>(this IRenderedComponent<TPage> page, string grid) where TPage : IComponent
    {
        var rows = new List<string[]>();
        if (page.FindAll($"[data-testid={grid}] .rz-pager").Count == 0)
        {
            rows.AddRange(RowsShown(page, grid));
            Assert.InRange(rows.Count, 0, 25);
            return rows;
        }
        for (var pageNumber = 1; ; pageNumber++)
        {
            var current = page.Find($"[data-testid={grid}] .rz-pager-page.rz-state-active").TextContent.Trim();
            Assert.Equal(pageNumber.ToString(System.Globalization.CultureInfo.InvariantCulture), current);
            var shown = RowsShown(page, grid).ToList();
            rows.AddRange(shown);
            var next = page.Find($"[data-testid={grid}] .rz-pager-next");
            if (next.HasAttribute("disabled"))
            {
                return rows;
            }
            Assert.True(pageNumber < 100, "the pager never reached its last page");
            next.Click();
            var expectedPage = (pageNumber + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            // The grids read each page from the server: wait for its rows, not only for the pager to move.
            var previousFirst = string.Join("|", shown[0]);
            page.WaitForAssertion(() =>
            {
                Assert.Equal(expectedPage, page.Find($"[data-testid={grid}] .rz-pager-page.rz-state-active").TextContent.Trim());
                Assert.NotEqual(previousFirst, RowsShown(page, grid).Select(cells => string.Join("|", cells)).FirstOrDefault());
            }, RenderTimeout);
        }
    }

    /// <summary>The grid's rows on the page it shows, as the normalised text of each cell.</summary>
    private static IEnumerable<string[]> RowsShown<TPage>(IRenderedComponent<TPage> page, string grid) where TPage : IComponent =>
        page.FindAll($"[data-testid={grid}] tbody tr.rz-data-row")
            .Select(row => row.QuerySelectorAll("td").Select(cell => OverviewText.Normalise(cell.TextContent)).ToArray());
}
