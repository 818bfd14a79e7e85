namespace Analytics.Storage.Catalog;

/// <summary>What an annotation marks (docs/dashboards.md, "Annotations").</summary>
public enum AnnotationKind
{
    TemplateRelease,
    Reorganisation,
    IncidentReview,
    Other,
}

/// <summary>
/// A dated note that explains a change in the figures, e.g. "checkout template 2.0 released": a day or a range of days
/// [From, To] (both included), for one team or, with no team, for the whole organisation. Shown on every chart that spans it.
/// </summary>
public class Annotation
{
    /// <summary>The longest text an annotation may have: it is drawn on charts.</summary>
    public const int MaxTextLength = 120;

    public int Id { get; set; }

    /// <summary>The team it is about; null = the whole organisation.</summary>
    public int? TeamId { get; set; }

    public Team? Team { get; set; }

    public DateOnly From { get; set; }

    /// <summary>The last day it covers (included); equal to <see cref="From"/> for a single day.</summary>
    public DateOnly To { get; set; }

    public AnnotationKind Kind { get; set; }

    public required string Text { get; set; }
}

/// <summary>A team's target for one figure (a working agreement), e.g. PR pickup at most 4 hours; one per team and figure.</summary>
public class TeamGoal
{
    public int Id { get; set; }

    public int TeamId { get; set; }

    public Team Team { get; set; } = default!;

    /// <summary>A key of <see cref="Analytics.Core.Goals.GoalFigures.All"/>, e.g. "pr-pickup".</summary>
    public required string Figure { get; set; }

    /// <summary>In the figure's unit (hours, percent, deployments per week).</summary>
    public double Target { get; set; }
}
