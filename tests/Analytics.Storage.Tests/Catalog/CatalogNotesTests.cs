using Analytics.Core.Goals;
using static Analytics.Storage.Tests.Catalog.CatalogTestDatabase;

namespace Analytics.Storage.Tests.Catalog;

/// <summary>
/// Annotations and team goals in a real, migrated SQLite catalog (the AnnotationsAndTeamGoals migration): saved, edited,
/// removed and audited; refused input says why and changes nothing; a chart reads the annotations that touch its days.
/// </summary>
public sealed class CatalogNotesTests : IAsyncLifetime
{
    private CatalogTestDatabase _catalog = null!;

    // Notes never re-sync the ClickHouse mirror (no query reads them there), so the editor needs no store here.
    private CatalogEditor Editor => new(_catalog.Contexts, null!, _catalog.Audit);

    private CatalogNotes Notes => new(_catalog.Contexts);

    public async Task InitializeAsync()
    {
        _catalog = await CreateMigratedAsync();
        await _catalog.SaveAsync(new Team { Slug = "payments", Name = "Payments" }, new Team { Slug = "search", Name = "Search" });
    }

    public async Task DisposeAsync() => await _catalog.DisposeAsync();

    [Fact]
    public async Task A_chart_shows_the_team_s_and_the_organisation_s_annotations_that_touch_its_days_and_no_other_team_s()
    {
        var release = await Editor.SaveAnnotationAsync(Tester, null, "payments", new(2026, 10, 5), new(2026, 10, 5), AnnotationKind.TemplateRelease, " checkout template 2.0 ");
        var reorg = await Editor.SaveAnnotationAsync(Tester, null, null, new(2026, 9, 28), new(2026, 10, 2), AnnotationKind.Reorganisation, "teams regrouped");
        await Editor.SaveAnnotationAsync(Tester, null, "search", new(2026, 10, 6), new(2026, 10, 6), AnnotationKind.IncidentReview, "search outage review");
        await Editor.SaveAnnotationAsync(Tester, null, "payments", new(2026, 11, 2), new(2026, 11, 2), AnnotationKind.Other, "after the window");

        var payments = await Notes.ForChartAsync("payments", new(2026, 10, 1), new(2026, 10, 31));
        var organisation = await Notes.ForChartAsync(null, new(2026, 10, 1), new(2026, 10, 31));

        Assert.Equal([(reorg, null, "teams regrouped"), (release, "payments", "checkout template 2.0")], payments.Select(a => (a.Id, a.Team, a.Text)));
        Assert.Equal("template release", payments[1].KindText);
        Assert.Equal("2026-09-28 to 2026-10-02", payments[0].Dates);
        Assert.Equal([reorg], organisation.Select(a => a.Id));
    }

    [Fact]
    public async Task An_annotation_is_edited_and_removed_and_each_change_is_in_the_audit_trail_with_the_rows()
    {
        var id = await Editor.SaveAnnotationAsync(Tester, null, "payments", new(2026, 10, 5), new(2026, 10, 5), AnnotationKind.Other, "first text");
        await Editor.SaveAnnotationAsync(Tester, id, "payments", new(2026, 10, 6), new(2026, 10, 7), AnnotationKind.IncidentReview, "second text");

        var edited = await Notes.FindAsync(id);
        Assert.Equal(new AnnotationEntry(id, "payments", new(2026, 10, 6), new(2026, 10, 7), AnnotationKind.IncidentReview, "second text"), edited);

        await Editor.RemoveAnnotationAsync(Tester, id);
        Assert.Null(await Notes.FindAsync(id));

        var audit = (await _catalog.Audit.PageAsync(new AuditQuery(Action: "catalog.annotation"), 0, 10)).Entries;
        Assert.Equal(["catalog.annotation.remove", "catalog.annotation.save", "catalog.annotation.save"], audit.Select(e => e.Action));
        Assert.Contains("second text", audit[1].After);
        Assert.Contains("first text", audit[1].Before);
        Assert.Contains("second text", audit[0].Before);
    }

    [Theory]
    [InlineData("", "An annotation needs a text.")]
    [InlineData("ok", "The last day (2026-10-04) must not be before the first (2026-10-05).")]
    public async Task A_bad_annotation_is_refused_with_why_recorded_and_nothing_saved(string text, string message)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Editor.SaveAnnotationAsync(Tester, null, "payments", new(2026, 10, 5), new(2026, 10, 4), AnnotationKind.Other, text));

        Assert.Equal(message, error.Message);
        Assert.Empty(await Notes.AllAsync());
        Assert.Equal($"refused: {message}", Assert.Single((await _catalog.Audit.PageAsync(new AuditQuery(Action: "catalog.annotation.save"), 0, 10)).Entries).Outcome);
    }

    [Fact]
    public async Task An_annotation_for_an_unknown_team_or_too_long_to_draw_is_refused()
    {
        var unknown = await Assert.ThrowsAsync<ArgumentException>(() => Editor.SaveAnnotationAsync(Tester, null, "nope", new(2026, 10, 5), new(2026, 10, 5), AnnotationKind.Other, "x"));
        var tooLong = await Assert.ThrowsAsync<ArgumentException>(() => Editor.SaveAnnotationAsync(Tester, null, "payments", new(2026, 10, 5), new(2026, 10, 5), AnnotationKind.Other, new string('x', 121)));

        Assert.Equal("There is no team 'nope'.", unknown.Message);
        Assert.Equal("An annotation's text is at most 120 characters (it is drawn on charts); this one has 121.", tooLong.Message);
        Assert.Empty(await Notes.AllAsync());
    }

    [Fact]
    public async Task A_goal_is_set_once_per_team_and_figure_and_replaced_when_set_again()
    {
        await Editor.SaveGoalAsync(Tester, "payments", "pr-pickup", 4);
        await Editor.SaveGoalAsync(Tester, "payments", "pr-pickup", 6, GoalFigures.Hours);
        await Editor.SaveGoalAsync(Tester, "payments", "change-failure-rate", 10);
        await Editor.SaveGoalAsync(Tester, "search", "deployments-per-week", 5);

        Assert.Equal([new GoalEntry("change-failure-rate", 10), new GoalEntry("pr-pickup", 6)], await Notes.GoalsAsync("payments"));
        Assert.Equal([new GoalEntry("deployments-per-week", 5)], await Notes.GoalsAsync("search"));

        await Editor.RemoveGoalAsync(Tester, "payments", "pr-pickup");
        Assert.Equal([new GoalEntry("change-failure-rate", 10)], await Notes.GoalsAsync("payments"));
    }

    [Theory]
    [InlineData("happiness", 4, null, "'happiness' is not a figure a goal can be set on; one of: pr-pickup, pr-review, lead-time, change-failure-rate, time-to-restore, deployments-per-week.")]
    [InlineData("change-failure-rate", 10, "hours", "The target of 'change-failure-rate' is in percent, not 'hours'.")]
    [InlineData("lead-time", -1, null, "The target of 'lead-time' must be a number of hours, zero or more (got -1).")]
    [InlineData("change-failure-rate", 150, null, "The target of 'change-failure-rate' is a percentage: at most 100 (got 150).")]
    public async Task A_goal_on_an_unknown_figure_in_the_wrong_unit_or_negative_is_refused_with_why(string figure, double target, string? unit, string message)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Editor.SaveGoalAsync(Tester, "payments", figure, target, unit));

        Assert.Equal(message, error.Message);
        Assert.Empty(await Notes.GoalsAsync("payments"));
    }
}
