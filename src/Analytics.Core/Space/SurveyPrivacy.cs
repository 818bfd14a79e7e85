namespace Analytics.Core.Space;

/// <summary>Why a survey figure is withheld.</summary>
public enum SuppressionReason
{
    /// <summary>Shown.</summary>
    None,

    /// <summary>Fewer than K distinct respondents answered.</summary>
    FewerThanMinimum,

    /// <summary>
    /// Enough respondents, but showing it would let a smaller group be worked out by subtraction from a shown parent
    /// (the organisation's month): withheld together with the small group it protects.
    /// </summary>
    ProtectsSmallGroup,

    /// <summary>A figure over several months, one of whose months is withheld for this group.</summary>
    ContainsSuppressedMonth,
}

/// <summary>A team's answers to one question in one calendar month: the atom every survey figure is a union of.</summary>
public readonly record struct SurveyCell(string Team, DateOnly Month);

/// <summary>
/// The survey privacy rule (docs/metrics.md, "Survey privacy"). Survey figures are only ever computed over whole
/// calendar months; the atoms are the (team, month) cells of one question. With K = <see cref="MinimumRespondents"/>:
/// <list type="number">
/// <item>The organisation's month is withheld when 0 &lt; respondents &lt; K.</item>
/// <item>A (team, month) cell is withheld when it has fewer than K respondents. Then, within its month, while the
/// withheld cells together have 1 to K − 1 distinct respondents (the organisation's month minus the shown cells
/// would give them away), the shown cell with the fewest respondents is withheld too.</item>
/// <item>A figure over a period (a team's, the organisation's) is shown only if none of its months is withheld.</item>
/// </list>
/// Every figure shown is then a sum of "atoms" — shown cells, and per month the union of its withheld cells — that
/// never overlap and each hold 0 or at least K respondents, whatever periods and teams are asked for. So no
/// subtraction of shown figures, within one answer or across requests, isolates fewer than K respondents.
/// Decisions for a month depend only on that month's cells, never on the period or the team asked for.
/// </summary>
public sealed class SurveyPrivacy
{
    /// <summary>K is never below this, whatever the configuration says.</summary>
    public const int Floor = 3;

    public SurveyPrivacy(int minimumRespondents)
    {
        if (minimumRespondents < Floor)
        {
            throw new ArgumentOutOfRangeException(nameof(minimumRespondents), minimumRespondents,
                $"Survey figures need at least {Floor} respondents; smaller groups would identify people.");
        }
        MinimumRespondents = minimumRespondents;
    }

    public int MinimumRespondents { get; }

    /// <summary>Decides which cells, months and period totals of one question may be shown.</summary>
    /// <param name="cells">Every non-empty (team, month) cell of the period with its distinct respondents.</param>
    public SurveySuppression Decide<TRespondent>(IReadOnlyDictionary<SurveyCell, IReadOnlySet<TRespondent>> cells)
    {
        var k = MinimumRespondents;
        var cellReasons = new Dictionary<SurveyCell, SuppressionReason>();
        var monthReasons = new Dictionary<DateOnly, SuppressionReason>();
        foreach (var month in cells.Where(c => c.Value.Count > 0).GroupBy(c => c.Key.Month))
        {
            var monthCells = month.ToDictionary(c => c.Key, c => c.Value);
            var organisation = Union(monthCells.Values);
            if (organisation < k)
            {
                monthReasons[month.Key] = SuppressionReason.FewerThanMinimum;
                foreach (var cell in monthCells.Keys)
                {
                    cellReasons[cell] = SuppressionReason.FewerThanMinimum;
                }
                continue;
            }
            monthReasons[month.Key] = SuppressionReason.None;
            var withheld = monthCells.Where(c => c.Value.Count < k).Select(c => c.Key).ToHashSet();
            foreach (var cell in monthCells.Keys)
            {
                cellReasons[cell] = withheld.Contains(cell) ? SuppressionReason.FewerThanMinimum : SuppressionReason.None;
            }
            // Complementary suppression: the organisation's month minus the shown cells must not single out a small group.
            while (Union(withheld.Select(cell => monthCells[cell])) is var hidden && hidden > 0 && hidden < k)
            {
                var next = monthCells.Keys.Where(cell => !withheld.Contains(cell))
                    .OrderBy(cell => monthCells[cell].Count).ThenBy(cell => cell.Team, StringComparer.Ordinal)
                    .First();   // exists: with every cell withheld, hidden = the month's respondents ≥ K
                withheld.Add(next);
                cellReasons[next] = SuppressionReason.ProtectsSmallGroup;
            }
        }
        return new SurveySuppression(cellReasons, monthReasons, TeamTotals(cells, cellReasons, k), OrganisationTotal(cells, monthReasons, k));
    }

    /// <summary>
    /// Whether a distribution (answers per score) would let an answer be attributed: fewer than K of its answers differ
    /// from its most common score. Then everyone gave that score (or all but fewer than K did, and a coalition of fewer
    /// than K respondents pooling their own answers learns everyone else's). A sum of distributions that pass passes
    /// too (the answers off the sum's most common score are at least those off each part's own), which is what makes
    /// the rule hold for every sum of shown atoms (<see cref="DistributionWithheld"/>). No answers: nothing to attribute.
    /// </summary>
    public bool DistributionAttributes(IReadOnlyList<long> counts)
    {
        var answers = counts.Sum();
        return answers > 0 && answers - counts.Max() < MinimumRespondents;
    }

    /// <summary>
    /// Whether one month's distributions of a question are withheld: its atoms are the shown cells and the union of
    /// the withheld ones (the organisation's month minus the shown cells); if any atom attributes an answer, every
    /// distribution of that month is withheld (cells and organisation), and so is every period figure containing it.
    /// Each distribution shown is then a sum of atoms that pass, and so is any difference of two shown ones.
    /// </summary>
    /// <param name="organisation">The organisation's month: answers per score.</param>
    /// <param name="shownCells">Answers per score of each (team, month) cell of the month that is shown.</param>
    public bool DistributionWithheld(IReadOnlyList<long> organisation, IEnumerable<IReadOnlyList<long>> shownCells)
    {
        var rest = organisation.ToArray();
        foreach (var cell in shownCells)
        {
            if (DistributionAttributes(cell))
            {
                return true;
            }
            for (var score = 0; score < rest.Length; score++)
            {
                rest[score] -= cell[score];
            }
        }
        return DistributionAttributes(rest);
    }

    private static Dictionary<string, SuppressionReason> TeamTotals<TRespondent>(
        IReadOnlyDictionary<SurveyCell, IReadOnlySet<TRespondent>> cells, Dictionary<SurveyCell, SuppressionReason> cellReasons, int k)
    {
        var totals = new Dictionary<string, SuppressionReason>(StringComparer.Ordinal);
        foreach (var team in cells.Where(c => c.Value.Count > 0).GroupBy(c => c.Key.Team, StringComparer.Ordinal))
        {
            var reasons = team.Select(c => cellReasons[c.Key]).ToList();
            totals[team.Key] = reasons.All(r => r == SuppressionReason.None) ? SuppressionReason.None
                : Union(team.Select(c => c.Value)) < k ? SuppressionReason.FewerThanMinimum
                : reasons.Count == 1 ? reasons[0]
                : SuppressionReason.ContainsSuppressedMonth;
        }
        return totals;
    }

    private static SuppressionReason OrganisationTotal<TRespondent>(
        IReadOnlyDictionary<SurveyCell, IReadOnlySet<TRespondent>> cells, Dictionary<DateOnly, SuppressionReason> monthReasons, int k)
    {
        var respondents = Union(cells.Values);
        return respondents == 0 || monthReasons.Values.All(r => r == SuppressionReason.None) ? SuppressionReason.None
            : respondents < k ? SuppressionReason.FewerThanMinimum
            : monthReasons.Count == 1 ? monthReasons.Values.Single()
            : SuppressionReason.ContainsSuppressedMonth;
    }

    private static int Union<TRespondent>(IEnumerable<IReadOnlySet<TRespondent>> sets)
    {
        var union = new HashSet<TRespondent>();
        foreach (var set in sets)
        {
            union.UnionWith(set);
        }
        return union.Count;
    }
}

/// <summary>The decisions of <see cref="SurveyPrivacy.Decide"/> for one question over one period.</summary>
public sealed class SurveySuppression(
    IReadOnlyDictionary<SurveyCell, SuppressionReason> cells,
    IReadOnlyDictionary<DateOnly, SuppressionReason> organisationMonths,
    IReadOnlyDictionary<string, SuppressionReason> teams,
    SuppressionReason organisation)
{
    /// <summary>A group with no answers at all has no figure to withhold: None.</summary>
    public SuppressionReason Cell(string team, DateOnly month) => cells.GetValueOrDefault(new SurveyCell(team, month), SuppressionReason.None);

    public SuppressionReason OrganisationMonth(DateOnly month) => organisationMonths.GetValueOrDefault(month, SuppressionReason.None);

    public SuppressionReason Team(string team) => teams.GetValueOrDefault(team, SuppressionReason.None);

    public SuppressionReason Organisation => organisation;

    /// <summary>The reason for the group: team "" is the organisation, month null the whole period.</summary>
    public SuppressionReason For(string team, DateOnly? month) => (team, month) switch
    {
        ("", null) => Organisation,
        ("", { } m) => OrganisationMonth(m),
        (_, null) => Team(team),
        (_, { } m) => Cell(team, m),
    };
}
