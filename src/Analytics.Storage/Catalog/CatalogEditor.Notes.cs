using Analytics.Core.Goals;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Storage.Catalog;

/// <summary>
/// Annotations and team goals: checked, saved and audited as every other catalog edit. Who may make them (admins, and team
/// leads for their own team) is the caller's check (docs/security.md); the editor only records who did.
/// </summary>
public sealed partial class CatalogEditor
{
    /// <summary>
    /// Adds an annotation (<paramref name="id"/> null) or changes the one with that id: [from, to] both included, for
    /// <paramref name="teamSlug"/> or (null) the whole organisation. Returns its id.
    /// </summary>
    public async Task<int> SaveAnnotationAsync(AuditActor actor, int? id, string? teamSlug, DateOnly from, DateOnly to, AnnotationKind kind, string text,
        CancellationToken cancellationToken = default)
    {
        Annotation? saved = null;
        await EditAsync(actor, "catalog.annotation.save", $"annotation {(id is { } known ? $"#{known} " : "")}{from:yyyy-MM-dd} for {teamSlug ?? "the organisation"}", async db =>
        {
            Require(!string.IsNullOrWhiteSpace(text), "An annotation needs a text.");
            Require(text.Trim().Length <= Annotation.MaxTextLength, $"An annotation's text is at most {Annotation.MaxTextLength} characters (it is drawn on charts); this one has {text.Trim().Length}.");
            Require(to >= from, $"The last day ({to:yyyy-MM-dd}) must not be before the first ({from:yyyy-MM-dd}).");
            Require(Enum.IsDefined(kind), $"'{kind}' is not a kind of annotation; one of: {string.Join(", ", Enum.GetNames<AnnotationKind>())}.");
            var team = teamSlug is null ? null : await TeamAsync(db, teamSlug, cancellationToken);
            saved = id is { } existing
                ? await db.Annotations.SingleOrDefaultAsync(a => a.Id == existing, cancellationToken) ?? throw Refused($"There is no annotation #{existing}.")
                : db.Annotations.Add(new Annotation { Text = "" }).Entity;
            (saved.TeamId, saved.From, saved.To, saved.Kind, saved.Text) = (team?.Id, from, to, kind, text.Trim());
        }, cancellationToken, syncMirror: false);
        return saved!.Id;
    }

    /// <summary>Removes the annotation with this id.</summary>
    public Task RemoveAnnotationAsync(AuditActor actor, int id, CancellationToken cancellationToken = default) => EditAsync(actor, "catalog.annotation.remove", $"annotation #{id}", async db =>
    {
        var annotation = await db.Annotations.SingleOrDefaultAsync(a => a.Id == id, cancellationToken) ?? throw Refused($"There is no annotation #{id}.");
        db.Annotations.Remove(annotation);
    }, cancellationToken, syncMirror: false);

    /// <summary>
    /// Sets the team's target for a figure (<see cref="GoalFigures"/>), replacing any it had; <paramref name="unit"/> null
    /// = the figure's own unit, any other unit is refused, as are an unknown figure and a negative target.
    /// </summary>
    public Task SaveGoalAsync(AuditActor actor, string teamSlug, string figure, double target, string? unit = null, CancellationToken cancellationToken = default) =>
        EditAsync(actor, "catalog.goal.save", $"goal {figure} for team {teamSlug}", async db =>
        {
            Require(GoalFigures.Problem(figure, target, unit) is null, GoalFigures.Problem(figure, target, unit)!);
            var team = await TeamAsync(db, teamSlug, cancellationToken);
            if (await db.TeamGoals.SingleOrDefaultAsync(g => g.TeamId == team.Id && g.Figure == figure, cancellationToken) is { } goal)
            {
                goal.Target = target;
            }
            else
            {
                db.TeamGoals.Add(new TeamGoal { TeamId = team.Id, Figure = figure, Target = target });
            }
        }, cancellationToken, syncMirror: false);

    public Task RemoveGoalAsync(AuditActor actor, string teamSlug, string figure, CancellationToken cancellationToken = default) =>
        EditAsync(actor, "catalog.goal.remove", $"goal {figure} for team {teamSlug}", async db =>
        {
            var goal = await db.TeamGoals.SingleOrDefaultAsync(g => g.Team.Slug == teamSlug && g.Figure == figure, cancellationToken)
                ?? throw Refused($"Team '{teamSlug}' has no goal for '{figure}'.");
            db.TeamGoals.Remove(goal);
        }, cancellationToken, syncMirror: false);
}
