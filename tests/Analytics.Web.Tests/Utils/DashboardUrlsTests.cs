using Analytics.Web.Utils;

namespace Analytics.Web.Tests.Utils;

/// <summary>The addresses the pages link to: relative to &lt;base href="/"&gt;, escaped, and only with the parameters given.</summary>
public sealed class DashboardUrlsTests
{
    [Fact]
    public void A_team_page_keeps_the_period_and_the_chosen_tier_year_and_escapes_the_team()
    {
        Assert.Equal("teams/payments", DashboardUrls.TeamUrl("payments"));
        Assert.Equal("teams/payments?days=30", DashboardUrls.TeamUrl("payments", 30));
        Assert.Equal("teams/payments?days=90&tiers=2021", DashboardUrls.TeamUrl("payments", 90, "2021"));
        Assert.Equal("teams/a%2Fb%20c?days=7&tiers=x%26y", DashboardUrls.TeamUrl("a/b c", 7, "x&y"));
        Assert.Equal("teams/payments?days=30&tiers=2023", DashboardUrls.TeamUrlKeepingQuery("payments", "?days=30&tiers=2023"));
        Assert.Equal("teams/pay%20ments", DashboardUrls.TeamUrlKeepingQuery("pay ments", ""));
        // The service view names its service first, escaped like the rest.
        Assert.Equal("teams/payments?service=pay%20api&days=30&leadTimeUnit=pull-request", DashboardUrls.TeamUrl("payments", 30, null, "pull-request", "pay api"));
    }

    [Fact]
    public void The_overview_is_the_base_address_with_the_query_it_is_given()
    {
        Assert.Equal("", DashboardUrls.OverviewUrl());
        Assert.Equal("?days=30", DashboardUrls.OverviewUrl("?days=30"));
        // The breakdown: by team is the default and left out.
        Assert.Equal("?days=90", DashboardUrls.OverviewUrl(90, null, Analytics.Core.Dora.DoraBreakdown.Team));
        Assert.Equal("?days=90&tiers=2021&by=service", DashboardUrls.OverviewUrl(90, "2021", Analytics.Core.Dora.DoraBreakdown.Service));
        Assert.Equal("?days=30&by=repository", DashboardUrls.OverviewUrl(30, null, Analytics.Core.Dora.DoraBreakdown.Repository));
    }

    [Fact]
    public void A_dashboard_names_its_team_before_the_period()
    {
        Assert.Equal("dashboards/leadership", DashboardUrls.DashboardUrl("leadership"));
        Assert.Equal("dashboards/team-lead?team=payments&days=30", DashboardUrls.DashboardUrl("team-lead", "payments", 30));
        Assert.Equal("dashboards/team-lead?days=30", DashboardUrls.DashboardUrl("team-lead", days: 30));
        Assert.Equal("dashboards/team-lead?team=a%26b", DashboardUrls.DashboardUrl("team-lead", "a&b"));
        Assert.Equal("dashboards/team-lead?team=payments&days=30&tiers=2021&leadTimeUnit=pull-request", DashboardUrls.DashboardUrl("team-lead", "payments", 30, "2021", "pull-request"));
    }

    [Theory]
    [InlineData("png", null, null, "api/dashboards/leadership/panels/lead-time.png?days=365")]
    [InlineData("svg", "payments", null, "api/dashboards/leadership/panels/lead-time.svg?days=365&team=payments")]
    [InlineData("csv", "payments", "2021", "api/dashboards/leadership/panels/lead-time.csv?days=365&team=payments&tiers=2021")]
    [InlineData("csv", null, "2021", "api/dashboards/leadership/panels/lead-time.csv?days=365&tiers=2021")]
    public void A_panel_export_names_the_dashboard_panel_and_file_type_with_the_period_team_and_tiers(string extension, string? team, string? tiers, string expected) =>
        Assert.Equal(expected, DashboardUrls.PanelExportUrl("leadership", "lead-time", extension, 365, team, tiers));

    [Fact]
    public void The_monthly_report_and_its_files_name_the_month()
    {
        var october = new DateOnly(2026, 10, 1);
        Assert.Equal("reports/monthly", DashboardUrls.MonthlyReportUrl());
        Assert.Equal("reports/monthly?month=2026-10", DashboardUrls.MonthlyReportUrl(october));
        Assert.Equal("reports/monthly?month=2026-10&tiers=2021", DashboardUrls.MonthlyReportUrl(october, "2021"));
        Assert.Equal("api/reports/monthly/keys-trend.csv?month=2026-10", DashboardUrls.MonthlyReportFileUrl("keys-trend.csv", october));
        Assert.Equal("api/reports/monthly/lead-time.svg?month=2026-10&tiers=2024", DashboardUrls.MonthlyReportFileUrl("lead-time.svg", october, "2024"));
    }

    [Fact]
    public void The_admin_page_has_one_address() => Assert.Equal("admin", DashboardUrls.AdminUrl());
}
