using Analytics.Storage.ClickHouse;
using Analytics.Storage.ClickHouse.Embedded;
using Analytics.Web.Components.Shared;
using Analytics.Web.Queries;
using Analytics.Web.Utils;
using Bunit;
using Microsoft.Extensions.Options;
using static Analytics.Web.Tests.Components.AppComponents;

namespace Analytics.Web.Tests.Components;

/// <summary>
/// The team page's Issues tab over rows the real engine gives (queries/pr/issues.sql on a store of its own): issue key
/// → its pull requests → the deployment that shipped each, and the issue's lead time.
/// </summary>
[Collection(AnalyticsAppCollection.Name)]
public sealed class IssuesTabTests(AnalyticsAppFixture app)
{
    private static readonly DateTimeOffset Monday = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// PAY-7 is named by #1's title (first commit 9:00, merged 10:00, shipped by d1 at 11:00) and by #2's branch
    /// feature/PAY-7-retry (first commit 9:30, merged 12:00, shipped by d2 at 15:00): the issue shipped at 15:00, lead
    /// time 6 h. PAY-8 is #3's, merged but not shipped.
    /// </summary>
    [Fact]
    public async Task Issues_tab_lists_each_issue_with_its_pull_requests_their_deployments_and_the_issue_lead_time()
    {
        var sqlFiles = new SqlFiles();
        await using var store = new DerivedTablesStore(await ChDbStore.OpenAsync(AnalyticsAppFixture.DataPath, $"issues_{Guid.NewGuid():N}"), sqlFiles);
        await new MigrationRunner(store, sqlFiles).MigrateAsync();
        await store.ExecuteAsync("INSERT INTO catalog_production_environments (source, pattern) VALUES ('', 'production')");
        await store.ExecuteAsync("INSERT INTO catalog_services (service, repository) VALUES ('pay', 'acme/pay')");
        await store.ExecuteAsync("INSERT INTO catalog_service_ownership (service, team, valid_from, valid_to) VALUES ('pay', 'payments', '2025-01-01 00:00:00', NULL)");
        await store.ExecuteAsync("""
            INSERT INTO commits (repository, sha, parents, author_email, author_name, authored_at, committer_email, committed_at, message, source) VALUES
            ('acme/pay', 'm1', [], 'd@acme.test', 'D', '2026-03-02 10:00:00', 'd@acme.test', '2026-03-02 10:00:00', 'm1', 't'),
            ('acme/pay', 'm2', ['m1'], 'd@acme.test', 'D', '2026-03-02 12:00:00', 'd@acme.test', '2026-03-02 12:00:00', 'm2', 't'),
            ('acme/pay', 'm3', ['m2'], 'd@acme.test', 'D', '2026-03-02 16:00:00', 'd@acme.test', '2026-03-02 16:00:00', 'm3', 't')
            """);
        await store.ExecuteAsync("""
            INSERT INTO pull_requests (repository, number, title, author_login, author_is_bot, base_branch, opened_at, first_commit_at, merged_at, closed_at, merge_sha, url, source, head_branch) VALUES
            ('acme/pay', 1, 'PAY-7 Card retries', 'dev', false, 'main', '2026-03-02 09:10:00', '2026-03-02 09:00:00', '2026-03-02 10:00:00', '2026-03-02 10:00:00', 'm1', 'https://forge.test/1', 't', 'cards'),
            ('acme/pay', 2, 'Back-off', 'dev', false, 'main', '2026-03-02 09:40:00', '2026-03-02 09:30:00', '2026-03-02 12:00:00', '2026-03-02 12:00:00', 'm2', 'https://forge.test/2', 't', 'feature/PAY-7-retry'),
            ('acme/pay', 3, 'PAY-8 Refunds', 'dev', false, 'main', '2026-03-02 13:10:00', '2026-03-02 13:00:00', '2026-03-02 16:00:00', '2026-03-02 16:00:00', 'm3', 'https://forge.test/3', 't', 'refunds')
            """);
        await store.ExecuteAsync("""
            INSERT INTO deployments (deployment_id, service, environment, status, kind, related_deployment_id, repository, sha, started_at, finished_at, url, source) VALUES
            ('d1', 'pay', 'production', 'success', 'normal', '', 'acme/pay', 'm1', '2026-03-02 10:55:00', '2026-03-02 11:00:00', '', 't'),
            ('d2', 'pay', 'production', 'success', 'normal', '', 'acme/pay', 'm2', '2026-03-02 14:55:00', '2026-03-02 15:00:00', '', 't')
            """);
        await store.ExecuteAsync("INSERT INTO deployment_commits (deployment_id, service, repository, sha, link) VALUES ('d1', 'pay', 'acme/pay', 'm1', 'exact'), ('d2', 'pay', 'acme/pay', 'm2', 'exact')");
        var options = Options.Create(new MetricOptions());
        var request = new DoraRequest(Monday, Monday.AddDays(7), "payments");
        var issues = await new DoraDrillDown(store, sqlFiles, options).IssuePageAsync(request, 0, DrillDownPages.PageSize);
        Assert.Equal(3, issues.Total);
        var none = new DrillDownPages(request, LeadTimeUnit.Commit, new([], 0), new([], 0), null, new([], 0)) { Issues = issues, IssueKeys = issues.Rows[0].IssueKeys };

        await using var context = NewContext(app);
        var tabs = context.Render<DrillDownTabs>(parameters => parameters.Add(p => p.Rows, none));

        var titles = tabs.FindAll("[data-testid=drill-down] [role=tab] .rz-tabview-title").Select(title => title.TextContent.Trim()).ToList();
        Assert.Equal("Issues (2)", titles[3]);
        tabs.FindAll("[data-testid=drill-down] [role=tab]")[3].Click();
        tabs.WaitForAssertion(() => Assert.Single(tabs.FindAll("[data-testid=issues]")), RenderTimeout);
        var sixHours = Figures.Duration(TimeSpan.FromHours(6));
        Assert.Equal(
            [
                ["PAY-7", "acme/pay#1 PAY-7 Card retries", "d1 at 2026-03-02 11:00", "2026-03-02 15:00", sixHours],
                ["PAY-7", "acme/pay#2 Back-off", "d2 at 2026-03-02 15:00", "2026-03-02 15:00", sixHours],
                ["PAY-8", "acme/pay#3 PAY-8 Refunds", "not shipped yet", "", "—"],
            ],
            tabs.ReadAllPages("issues"));
    }
}
