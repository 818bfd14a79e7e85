using System.Net;
using Microsoft.AspNetCore.Builder;
using Analytics.Ingestors.Demo;
using Analytics.Web.Hosting;

namespace Analytics.Web.Tests.Api;

/// <summary>
/// Page weight must not grow with the organisation (issue 14: at scale L, 200 teams, the overview, dashboards and monthly
/// report sent 291–1,161 KB because every per-team table rendered all 200 rows). Two generated organisations of the same
/// shape and history, one with <see cref="FewTeams"/> and one with <see cref="ManyTeams"/> (scale L's number of teams),
/// each in its own store behind its own host: every page of <see cref="PageWeightTests.Pages"/> stays within the budget
/// at 200 teams, and sends at most <see cref="BytesPerTeam"/> more per extra team than at 30. A short history (3 months)
/// keeps the load fast; the charts grow with months, not teams, and PageWeightTests holds them to the budget over the
/// demo's 18 months.
/// </summary>
[Collection(AnalyticsAppCollection.Name)]
public sealed partial class PageWeightGrowthTests(PageWeightGrowthTests.Organisations organisations) : IClassFixture<PageWeightGrowthTests.Organisations>
{
    public const int FewTeams = 30;

    public const int ManyTeams = 200;

    /// <summary>
    /// What an extra team may add to a page: digits of counts and totals, not a row. One rendered table row of a team is
    /// 0.7–1.5 KB, and a page showed up to eight such tables; 170 extra teams may add 170 × 40 = 6.8 KB.
    /// </summary>
    public const int BytesPerTeam = 40;

    [Theory]
    [MemberData(nameof(PageWeightTests.Pages), MemberType = typeof(PageWeightTests))]
    public async Task The_page_does_not_grow_with_the_number_of_teams(string path)
    {
        var few = await organisations.PageAsync(organisations.Few, path);
        var many = await organisations.PageAsync(organisations.Many, path);

        var manyTotal = System.Text.Encoding.UTF8.GetByteCount(many);
        Assert.True(manyTotal <= PageWeightTests.BudgetBytes, $"/{path} sends {manyTotal:N0} bytes at {ManyTeams} teams; the budget is {PageWeightTests.BudgetBytes:N0}");
        // The charts' drawings are left out of the comparison: a drawing's size follows its team's numbers (more points,
        // more tier lines in range), which differ between the two generated organisations, not the number of teams.
        var (fewBytes, manyBytes) = (WithoutDrawings(few), WithoutDrawings(many));
        Assert.True(manyBytes - fewBytes <= (ManyTeams - FewTeams) * BytesPerTeam,
            $"/{path} sends {fewBytes:N0} bytes besides its charts at {FewTeams} teams and {manyBytes:N0} at {ManyTeams}: {(manyBytes - fewBytes) / (double)(ManyTeams - FewTeams):N0} more per team (at most {BytesPerTeam})");
    }

    private static int WithoutDrawings(string page) => System.Text.Encoding.UTF8.GetByteCount(Drawings().Replace(page, ""));

    [System.Text.RegularExpressions.GeneratedRegex("<svg.*?</svg>", System.Text.RegularExpressions.RegexOptions.Singleline)]
    private static partial System.Text.RegularExpressions.Regex Drawings();

    /// <summary>The two organisations, each loaded once into a store of its own (same seed, end and history).</summary>
    public sealed class Organisations : IAsyncLifetime
    {
        private const int Months = 3;

        private readonly RecordingLoggerProvider _log = new();

        public WebApplication Few { get; private set; } = default!;

        public WebApplication Many { get; private set; } = default!;

        public async Task InitializeAsync()
        {
            Few = await StartAsync("weight_few", FewTeams);
            Many = await StartAsync("weight_many", ManyTeams);
        }

        /// <summary>A host on an empty store of its own, then the organisation of <paramref name="teams"/> loaded as the app's demo is.</summary>
        private async Task<WebApplication> StartAsync(string prefix, int teams)
        {
            var host = await AnalyticsAppFixture.StartAsync(AnalyticsAppFixture.OwnStoreSettings(prefix), _log);
            await host.Services.GetRequiredService<AnalyticsInitializer>()
                .LoadDemoAsync(new DemoScale(Teams: teams, Services: teams, Engineers: 2 * teams, Months: Months), AnalyticsAppFixture.Seed);
            return host;
        }

        /// <summary>The bytes of one page, its {team} the organisation's first team.</summary>
        public async Task<string> PageAsync(WebApplication host, string path)
        {
            var team = (await host.Services.GetRequiredService<Analytics.Storage.Catalog.CatalogLookups>().TeamSlugsAsync())[0];
            using var http = new HttpClient { BaseAddress = AnalyticsAppFixture.AddressOf(host), Timeout = TimeSpan.FromSeconds(120) };
            using var response = await http.GetAsync(path.Replace("{team}", team, StringComparison.Ordinal));
            var page = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return page;
        }

        public async Task DisposeAsync()
        {
            foreach (var host in new[] { Few, Many }.Where(host => host is not null))
            {
                await host.StopAsync();
                await host.DisposeAsync();
            }
        }
    }
}
