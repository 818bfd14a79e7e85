using Microsoft.EntityFrameworkCore;

namespace Analytics.Storage.Catalog;

/// <summary>An annotation as pages, exports and the API show it; <see cref="Team"/> null = the whole organisation.</summary>
public sealed record AnnotationEntry(int Id, string? Team, DateOnly From, DateOnly To, AnnotationKind Kind, string Text)
{
    /// <summary>"template release", "incident review": the kind in words.</summary>
    public string KindText => AnnotationKinds.Text(Kind);

    /// <summary>"2026-10-05" or "2026-10-05 to 2026-10-09".</summary>
    public string Dates => From == To ? $"{From:yyyy-MM-dd}" : $"{From:yyyy-MM-dd} to {To:yyyy-MM-dd}";

    /// <summary>Whether it touches the days [first, last] (both included).</summary>
    public bool Overlaps(DateOnly first, DateOnly last) => From <= last && To >= first;
}

/// <summary>A team's goal as stored: the figure's key and its target in the figure's unit.</summary>
public sealed record GoalEntry(string Figure, double Target);

/// <summary>The kinds of annotation by their names in the API ("template-release") and in words ("template release").</summary>
public static class AnnotationKinds
{
    public static string Key(AnnotationKind kind) => kind switch
    {
        AnnotationKind.TemplateRelease => "template-release",
        AnnotationKind.IncidentReview => "incident-review",
        _ => kind.ToString().ToLowerInvariant(),
    };

    public static string Text(AnnotationKind kind) => Key(kind).Replace('-', ' ');

    public static AnnotationKind? Parse(string? key) => Enum.GetValues<AnnotationKind>().Cast<AnnotationKind?>().FirstOrDefault(kind => Key(kind!.Value) == key?.Trim().ToLowerInvariant());
}

/// <summary>Reads annotations and team goals; each call uses its own short-lived context, so one instance is safe to share.</summary>
public sealed class CatalogNotes(IDbContextFactory<CatalogDbContext> contexts)
{
    /// <summary>
    /// The annotations a chart of <paramref name="team"/> (null: of the organisation) over the days [first, last] shows: the
    /// team's own and the organisation's; an organisation chart shows the organisation's only. By first day.
    /// </summary>
    public async Task<IReadOnlyList<AnnotationEntry>> ForChartAsync(string? team, DateOnly first, DateOnly last, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Annotations.AsNoTracking()
            .Where(a => a.From <= last && a.To >= first && (a.TeamId == null || (team != null && a.Team!.Slug == team)))
            .OrderBy(a => a.From).ThenBy(a => a.Id)
            .Select(a => new AnnotationEntry(a.Id, a.Team == null ? null : a.Team.Slug, a.From, a.To, a.Kind, a.Text))
            .ToListAsync(cancellationToken);
    }

    /// <summary>Every annotation, newest first, optionally one team's only (<paramref name="team"/>) — for the admin page and the API.</summary>
    public async Task<IReadOnlyList<AnnotationEntry>> AllAsync(string? team = null, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Annotations.AsNoTracking()
            .Where(a => team == null || a.Team!.Slug == team)
            .OrderByDescending(a => a.From).ThenByDescending(a => a.Id)
            .Select(a => new AnnotationEntry(a.Id, a.Team == null ? null : a.Team.Slug, a.From, a.To, a.Kind, a.Text))
            .ToListAsync(cancellationToken);
    }

    /// <summary>The annotation with this id, or null.</summary>
    public async Task<AnnotationEntry?> FindAsync(int id, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.Annotations.AsNoTracking().Where(a => a.Id == id)
            .Select(a => new AnnotationEntry(a.Id, a.Team == null ? null : a.Team.Slug, a.From, a.To, a.Kind, a.Text))
            .SingleOrDefaultAsync(cancellationToken);
    }

    /// <summary>The team's goals.</summary>
    public async Task<IReadOnlyList<GoalEntry>> GoalsAsync(string team, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.TeamGoals.AsNoTracking().Where(g => g.Team.Slug == team).OrderBy(g => g.Figure)
            .Select(g => new GoalEntry(g.Figure, g.Target)).ToListAsync(cancellationToken);
    }
}
