using System.Globalization;
using System.Security.Claims;
using System.Text.RegularExpressions;
using Analytics.Core.Goals;
using Analytics.Storage.Catalog;
using Analytics.Web.Components.Shared;
using Analytics.Web.Security;
using Analytics.Web.Utils;
using Bunit;
using static Analytics.Web.Tests.Components.AppComponents;

namespace Analytics.Web.Tests.Components;

/// <summary>
/// Annotations and team goals through the pages over the real store and catalog: a team lead annotates a day on the team
/// page and every chart of the period marks it (the page's Radzen charts and the ScottPlot exports); a lead of another team
/// is offered no form and refused by the rule; goals show met or not met with the team's figure against the target.
/// Each test removes what it added: the catalog is the fixture's, shared with the other tests.
/// </summary>
[Collection(AnalyticsAppCollection.Name)]
public sealed partial class AnnotationsAndGoalsTests(AnalyticsAppFixture app)
{
    private static readonly AuditActor Tester = new("annotations-test", null);

    private CatalogNotes Notes => app.Services.GetRequiredService<CatalogNotes>();

    private CatalogEditor Editor => app.Services.GetRequiredService<CatalogEditor>();

    private async Task<string> TeamAsync() => (await app.Services.GetRequiredService<CatalogLookups>().TeamSlugsAsync()).First();

    private static Action<Bunit.TestDoubles.BunitAuthorizationContext> LeadOf(string team) => visitor =>
        visitor.SetAuthorized("lead").SetRoles(AnalyticsRoles.TeamLead, AnalyticsRoles.Viewer).SetClaims(new Claim(AnalyticsRoles.TeamClaim, team));

    [Fact]
    public async Task A_team_lead_annotates_a_day_on_the_team_page_and_every_chart_of_the_period_marks_it()
    {
        var team = await TeamAsync();
        await using var context = NewContext(app, signIn: LeadOf(team));
        var page = RenderTeam(context, team, $"/teams/{team}");
        var day = DateOnly.FromDateTime(WindowOf(page).From.UtcDateTime).AddDays(20);
        var label = $"{day:yyyy-MM-dd} other: checkout template 2.0 released";
        try
        {
            page.Find("input[data-testid=annotation-from]").Change(day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            page.Find("input[data-testid=annotation-text]").Change("checkout template 2.0 released");
            page.Find("[data-testid=annotation-form] form").Submit();

            page.WaitForAssertion(() => Assert.Contains("saved", page.Find("[data-testid=notes-message]").TextContent), RenderTimeout);
            foreach (var panel in Analytics.Web.Queries.TeamPageQueries.SeriesPanels)
            {
                page.WaitForAssertion(() => Assert.Contains(label, page.Find($"[data-testid={panel.Id}-annotations]").TextContent), RenderTimeout);
            }
            Assert.Contains("checkout template 2.0 released", page.Find("[data-testid=annotation-list]").TextContent);
            var saved = Assert.Single(await Notes.AllAsync(team), a => a.Text == "checkout template 2.0 released");
            Assert.Equal((team, day, day, AnnotationKind.Other), (saved.Team, saved.From, saved.To, saved.Kind));

            // The same mark on the exported chart: a line with the text in its legend (SVG keeps the text as text).
            using var svg = await app.Http.GetAsync(PanelExportClient.Address("team-lead", "lead-time", "svg", team: team));
            svg.EnsureSuccessStatusCode();
            Assert.Contains("checkout template 2.0 released", await svg.Content.ReadAsStringAsync());
        }
        finally
        {
            foreach (var annotation in (await Notes.AllAsync(team)).Where(a => a.Text == "checkout template 2.0 released"))
            {
                await Editor.RemoveAnnotationAsync(Tester, annotation.Id);
            }
        }
    }

    [Fact]
    public async Task A_lead_of_another_team_is_offered_no_form_and_the_rule_refuses_them()
    {
        var teams = await app.Services.GetRequiredService<CatalogLookups>().TeamSlugsAsync();
        var (own, other) = (teams[0], teams[1]);
        await using var context = NewContext(app, signIn: LeadOf(own));
        var page = RenderTeam(context, other, $"/teams/{other}");

        Assert.Single(page.FindAll("[data-testid=annotations]"));
        Assert.Empty(page.FindAll("[data-testid=annotation-form]"));
        Assert.Empty(page.FindAll("[data-testid=goal-form]"));

        var lead = new ClaimsPrincipal(new ClaimsIdentity(AnalyticsRoles.Claims([$"{AnalyticsRoles.TeamLead}:{own}"]), "test"));
        var admin = new ClaimsPrincipal(new ClaimsIdentity(AnalyticsRoles.Claims([AnalyticsRoles.Admin]), "test"));
        var viewer = new ClaimsPrincipal(new ClaimsIdentity(AnalyticsRoles.Claims([AnalyticsRoles.Viewer]), "test"));
        Assert.True(AnalyticsRoles.CanEditTeamNotes(lead, own));
        Assert.False(AnalyticsRoles.CanEditTeamNotes(lead, other));
        Assert.False(AnalyticsRoles.CanEditTeamNotes(lead, null));
        Assert.False(AnalyticsRoles.CanEditTeamNotes(viewer, own));
        Assert.True(AnalyticsRoles.CanEditTeamNotes(admin, null));
        Assert.True(AnalyticsRoles.CanEditTeamNotes(admin, other));
    }

    [Fact]
    public async Task Goals_show_met_or_not_met_with_the_team_s_figure_against_the_target_in_words()
    {
        var team = await TeamAsync();
        await Editor.SaveGoalAsync(Tester, team, "change-failure-rate", 100);
        await Editor.SaveGoalAsync(Tester, team, "deployments-per-week", 100_000);
        try
        {
            await using var context = NewContext(app);
            var page = RenderTeam(context, team, $"/teams/{team}");
            var window = WindowOf(page);
            var summary = Assert.Single((await app.Services.GetRequiredService<DoraQueries>().SummariesAsync(new DoraRequest(window.From, window.To, team))).Teams);
            var perWeek = summary.DeploymentFrequency.Deployments / ((window.To - window.From).TotalDays / 7);

            var failures = page.Find("[data-testid=goal-change-failure-rate]");
            Assert.Equal("met", failures.GetAttribute("data-met"));
            Assert.Contains($"Change failure rate: {GoalFigures.Format(summary.ChangeFailureRate.Rate!.Value * 100, GoalFigures.Percent)} against a target of at most 100% — met",
                failures.TextContent);
            var deployments = page.Find("[data-testid=goal-deployments-per-week]");
            Assert.Equal("not-met", deployments.GetAttribute("data-met"));
            Assert.Contains($"Production deployments per week: {GoalFigures.Format(perWeek, GoalFigures.PerWeek)} against a target of at least 100000 deployments per week — not met",
                deployments.TextContent);
            Assert.Contains("not met", deployments.QuerySelector(".rz-badge")!.TextContent);

            // The team-lead dashboard shows the same progress beside its keys.
            context.NavigateTo($"/dashboards/team-lead?team={team}");
            var dashboard = context.Render<Analytics.Web.Components.Pages.DashboardPage>(parameters => parameters.Add(p => p.Name, "team-lead"));
            dashboard.WaitForAssertion(() => Assert.Equal("not-met", dashboard.Find("[data-testid=goal-deployments-per-week]").GetAttribute("data-met")), RenderTimeout);
            Assert.Empty(dashboard.FindAll("[data-testid=goal-form]"));
        }
        finally
        {
            await Editor.RemoveGoalAsync(Tester, team, "change-failure-rate");
            await Editor.RemoveGoalAsync(Tester, team, "deployments-per-week");
        }
    }

    [Fact]
    public async Task A_mark_is_a_vertical_line_at_its_bucket_with_its_text_listed_under_the_chart()
    {
        await using var context = NewContext(app);
        // As prerendered: the chart names its width in pixels and draws on the server.
        context.RenderPrerendered();
        var weeks = Enumerable.Range(0, 4).Select(i => new DateOnly(2026, 10, 5).AddDays(7 * i)).ToList();
        var annotation = new AnnotationEntry(1, "payments", new(2026, 10, 21), new(2026, 10, 21), AnnotationKind.TemplateRelease, "checkout template 2.0");
        var marks = AnnotationMarks.Place(weeks, weeks[^1].AddDays(7), [annotation]);
        Assert.Equal([(annotation, 2)], marks);

        var chart = context.Render<TrendChart>(parameters => parameters
            .Add(p => p.Id, "lead-time").Add(p => p.Title, "Lead time").Add(p => p.BucketTitle, "Week").Add(p => p.Chart, "line")
            .Add(p => p.Values, [.. weeks.Select((week, i) => new TrendValue(week.ToDateTime(TimeOnly.MinValue), 10 + i))])
            .Add(p => p.Marks, marks));

        Assert.Equal("┊ 2026-10-21 template release: checkout template 2.0", chart.Find("[data-testid=lead-time-annotations] li").TextContent.Trim());
        var line = Assert.Single(chart.FindAll("[data-testid=lead-time-chart] path"), path => path.GetAttribute("style")?.Contains("stroke: #d55e00", StringComparison.Ordinal) == true);
        var numbers = Number().Matches(line.GetAttribute("d")!).Select(m => double.Parse(m.Value, CultureInfo.InvariantCulture)).ToList();
        // Vertical: both ends at one x, the third week's, which the figure's marker there shares.
        Assert.Equal(numbers[0], numbers[^2], 3);
        Assert.NotEqual(numbers[1], numbers[^1]);
        var markerXs = chart.FindAll("[data-testid=lead-time-chart] circle").Select(c => double.Parse(c.GetAttribute("cx")!, CultureInfo.InvariantCulture)).Distinct().Order().ToList();
        Assert.Equal(markerXs[2], numbers[0], 3);
    }

    [Fact]
    public async Task On_the_admin_page_an_admin_annotates_the_whole_organisation_and_a_team_lead_is_offered_no_form_there()
    {
        var teams = await app.Services.GetRequiredService<CatalogLookups>().TeamSlugsAsync();
        var messages = new List<Analytics.Web.Components.Admin.AdminMessage>();
        await using (var admin = NewContext(app))
        {
            var editor = admin.Render<AnnotationsEditor>(parameters => parameters.Add(p => p.Teams, teams)
                .Add(p => p.OnMessage, (Analytics.Web.Components.Admin.AdminMessage message) => messages.Add(message)));
            editor.Find("input[data-testid=annotation-from]").Change("2026-06-01");
            editor.Find("input[data-testid=annotation-text]").Change("admin test: platform reorganised");
            editor.Find("[data-testid=annotation-form] form").Submit();
            editor.WaitForAssertion(() => Assert.Contains("admin test: platform reorganised", editor.Find("[data-testid=annotation-list]").TextContent), RenderTimeout);
        }
        try
        {
            Assert.False(Assert.Single(messages).IsError);
            var saved = Assert.Single(await Notes.AllAsync(), a => a.Text == "admin test: platform reorganised");
            Assert.Null(saved.Team);
            Assert.Contains(saved, await Notes.ForChartAsync(teams[0], new(2026, 6, 1), new(2026, 6, 7)));

            await using var lead = NewContext(app, signIn: LeadOf(teams[0]));
            var page = lead.Render<AnnotationsEditor>(parameters => parameters.Add(p => p.Teams, teams).Add(p => p.OnMessage, (Analytics.Web.Components.Admin.AdminMessage _) => { }));
            Assert.Empty(page.FindAll("[data-testid=annotation-form]"));
            Assert.Empty(page.FindAll($"[data-testid=remove-annotation-{saved.Id}]"));
        }
        finally
        {
            foreach (var annotation in (await Notes.AllAsync()).Where(a => a.Text == "admin test: platform reorganised"))
            {
                await Editor.RemoveAnnotationAsync(Tester, annotation.Id);
            }
        }
    }

    [Fact]
    public async Task The_annotations_API_answers_a_team_s_annotations_touching_the_days_asked_and_refuses_bad_input()
    {
        var team = await TeamAsync();
        var id = await Editor.SaveAnnotationAsync(Tester, null, team, new(2026, 3, 2), new(2026, 3, 4), AnnotationKind.IncidentReview, "api test: outage review");
        try
        {
            var touching = await app.Http.GetStringAsync($"api/annotations?team={team}&from=2026-03-04&to=2026-03-31");
            var before = await app.Http.GetStringAsync($"api/annotations?team={team}&from=2026-02-01&to=2026-03-01");
            using var unknown = await app.Http.GetAsync("api/annotations?team=no-such-team");
            using var backwards = await app.Http.GetAsync("api/annotations?from=2026-03-04&to=2026-03-01");

            Assert.Contains($$"""{"id":{{id}},"team":"{{team}}","from":"2026-03-02","to":"2026-03-04","kind":"incident-review","text":"api test: outage review"}""", touching);
            Assert.DoesNotContain("api test: outage review", before);
            Assert.Equal(System.Net.HttpStatusCode.NotFound, unknown.StatusCode);
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, backwards.StatusCode);
        }
        finally
        {
            await Editor.RemoveAnnotationAsync(Tester, id);
        }
    }

    [Fact]
    public async Task The_monthly_report_lists_the_month_s_annotations_of_the_organisation_and_every_team()
    {
        var team = await TeamAsync();
        var reports = app.Services.GetRequiredService<Analytics.Web.Queries.MonthlyReportQueries>();
        var month = reports.MonthOf(null);
        var ids = new List<int>
        {
            await Editor.SaveAnnotationAsync(Tester, null, null, month.AddDays(-3), month.AddDays(2), AnnotationKind.Reorganisation, "report test: teams regrouped"),
            await Editor.SaveAnnotationAsync(Tester, null, team, month.AddDays(9), month.AddDays(9), AnnotationKind.IncidentReview, "report test: outage review"),
            await Editor.SaveAnnotationAsync(Tester, null, team, month.AddMonths(1).AddDays(1), month.AddMonths(1).AddDays(1), AnnotationKind.Other, "report test: next month"),
        };
        try
        {
            var report = await reports.LoadAsync(month, app.Services.GetRequiredService<Analytics.Web.Queries.DoraTierChoice>().Configured);

            Assert.Equal([(null, "report test: teams regrouped"), (team, "report test: outage review")],
                report.Annotations.Where(a => a.Text.StartsWith("report test:", StringComparison.Ordinal)).Select(a => (a.Team, a.Text)));
        }
        finally
        {
            foreach (var id in ids)
            {
                await Editor.RemoveAnnotationAsync(Tester, id);
            }
        }
    }

    [GeneratedRegex(@"-?\d+(\.\d+)?")]
    private static partial Regex Number();
}
