namespace Analytics.Core.Tests.Space;

/// <summary>The privacy rule on hand-made cells (K = 5 unless said otherwise).</summary>
public sealed class SurveyPrivacyTests
{
    private static readonly DateOnly Jan = new(2025, 1, 1);
    private static readonly DateOnly Feb = new(2025, 2, 1);

    private static Dictionary<SurveyCell, IReadOnlySet<string>> Cells(params (string Team, DateOnly Month, string Respondents)[] cells) =>
        cells.ToDictionary(c => new SurveyCell(c.Team, c.Month), c => (IReadOnlySet<string>)c.Respondents.Split(' ').ToHashSet());

    [Fact]
    public void A_small_cell_is_withheld_with_the_smallest_sibling_that_would_otherwise_reveal_it()
    {
        // January: a 6, b 5, c 2 (< 5). Withheld {c} = 2 → also withhold the smallest shown, b: {b, c} = 7 ≥ 5.
        var decision = new SurveyPrivacy(5).Decide(Cells(
            ("a", Jan, "1 2 3 4 5 6"), ("b", Jan, "7 8 9 10 11"), ("c", Jan, "12 13")));

        Assert.Equal(SuppressionReason.None, decision.Cell("a", Jan));
        Assert.Equal(SuppressionReason.ProtectsSmallGroup, decision.Cell("b", Jan));
        Assert.Equal(SuppressionReason.FewerThanMinimum, decision.Cell("c", Jan));
        Assert.Equal(SuppressionReason.None, decision.OrganisationMonth(Jan));
        Assert.Equal(SuppressionReason.None, decision.Organisation);
    }

    [Fact]
    public void The_withheld_cells_of_a_month_must_hold_K_respondents_together()
    {
        // a 1, b 5, c 6, d 9. K = 5: {a} = 1 → add b (5 respondents, the smallest shown): {a, b} = 6 ≥ 5; c and d stay.
        // K = 7: a, b and c are each below 7; together 12 ≥ 7, so d stays.
        var cells = Cells(("a", Jan, "1"), ("b", Jan, "2 3 4 5 6"), ("c", Jan, "7 8 9 10 11 12"), ("d", Jan, "13 14 15 16 17 18 19 20 21"));

        var five = new SurveyPrivacy(5).Decide(cells);
        var seven = new SurveyPrivacy(7).Decide(cells);

        Assert.Equal(["a", "b"], new[] { "a", "b", "c", "d" }.Where(t => five.Cell(t, Jan) != SuppressionReason.None));
        Assert.Equal(["a", "b", "c"], new[] { "a", "b", "c", "d" }.Where(t => seven.Cell(t, Jan) != SuppressionReason.None));
    }

    [Fact]
    public void Withheld_cells_are_counted_by_distinct_people_not_by_cells()
    {
        // K = 3. a and b are the same two people under two teams (e.g. answers filed twice): together still 2 < 3.
        var decision = new SurveyPrivacy(3).Decide(Cells(("a", Jan, "1 2"), ("b", Jan, "1 2"), ("c", Jan, "3 4 5"), ("d", Jan, "6 7 8 9")));

        Assert.NotEqual(SuppressionReason.None, decision.Cell("c", Jan));   // {a, b} = 2 people, so c (the smallest shown) joins them
        Assert.Equal(SuppressionReason.None, decision.Cell("d", Jan));
    }

    [Fact]
    public void The_only_team_of_a_month_may_be_shown_beside_the_organisation_since_nothing_is_left_to_subtract()
    {
        var decision = new SurveyPrivacy(3).Decide(Cells(("a", Jan, "1 2 3")));

        Assert.Equal(SuppressionReason.None, decision.Cell("a", Jan));
        Assert.Equal(SuppressionReason.None, decision.Team("a"));
        Assert.Equal(SuppressionReason.None, decision.Organisation);
    }

    [Fact]
    public void A_month_of_the_organisation_below_K_is_withheld_with_every_figure_over_a_period_containing_it()
    {
        var decision = new SurveyPrivacy(3).Decide(Cells(("a", Jan, "1 2 3 4"), ("b", Jan, "5 6 7"), ("a", Feb, "1 2")));

        Assert.Equal(SuppressionReason.FewerThanMinimum, decision.OrganisationMonth(Feb));
        Assert.Equal(SuppressionReason.ContainsSuppressedMonth, decision.Organisation);
        Assert.Equal(SuppressionReason.ContainsSuppressedMonth, decision.Team("a"));
        Assert.Equal(SuppressionReason.None, decision.Team("b"));   // b answered only in January
        Assert.Equal(SuppressionReason.FewerThanMinimum, decision.For("a", Feb));
    }

    [Fact]
    public void Decisions_for_a_month_do_not_depend_on_the_other_months_of_the_period()
    {
        var january = Cells(("a", Jan, "1 2 3 4 5"), ("b", Jan, "6 7 8"), ("c", Jan, "9 10 11 12 13 14"));
        var both = new Dictionary<SurveyCell, IReadOnlySet<string>>(january)
        {
            [new SurveyCell("a", Feb)] = new HashSet<string> { "1" },
            [new SurveyCell("b", Feb)] = new HashSet<string> { "6", "7", "8", "15", "16" },
        };

        var alone = new SurveyPrivacy(5).Decide(january);
        var together = new SurveyPrivacy(5).Decide(both);

        Assert.All(new[] { "a", "b", "c" }, team => Assert.Equal(alone.Cell(team, Jan), together.Cell(team, Jan)));
        Assert.Equal(SuppressionReason.ProtectsSmallGroup, together.Cell("b", Feb));   // February's own business
    }

    [Fact]
    public void Ties_are_broken_by_team_name_so_decisions_are_repeatable()
    {
        var decision = new SurveyPrivacy(3).Decide(Cells(("z", Jan, "1 2 3"), ("y", Jan, "4 5 6"), ("x", Jan, "7")));

        Assert.Equal(SuppressionReason.ProtectsSmallGroup, decision.Cell("y", Jan));
        Assert.Equal(SuppressionReason.None, decision.Cell("z", Jan));
    }

    [Theory]
    [InlineData(int.MinValue)]
    [InlineData(0)]
    [InlineData(2)]
    public void K_below_3_is_refused(int k) => Assert.Throws<ArgumentOutOfRangeException>(() => new SurveyPrivacy(k));

    [Theory]
    [InlineData(new long[] { 0, 0, 5, 0, 0 }, true)]    // everyone chose 3
    [InlineData(new long[] { 0, 0, 4, 1, 0 }, true)]    // the one who chose 4 learns everyone else chose 3
    [InlineData(new long[] { 0, 1, 3, 1, 0 }, true)]    // two answers off the mode: a coalition of two learns the rest
    [InlineData(new long[] { 1, 1, 1, 1, 1 }, false)]   // four off the mode
    [InlineData(new long[] { 0, 3, 3, 0, 0 }, false)]   // three off the mode
    [InlineData(new long[] { 0, 0, 0, 0, 0 }, false)]   // no answers: nothing to attribute
    public void A_distribution_attributes_an_answer_when_fewer_than_k_answers_differ_from_its_most_common_score(long[] counts, bool attributes) =>
        Assert.Equal(attributes, new SurveyPrivacy(3).DistributionAttributes(counts));

    [Fact]
    public void A_months_distributions_are_withheld_when_any_atom_attributes_including_the_rest_behind_the_shown_cells()
    {
        var privacy = new SurveyPrivacy(3);
        // Two shown cells that pass, and an organisation month whose rest (its withheld cells) is everyone choosing 5.
        long[] a = [1, 1, 1, 1, 0], b = [0, 2, 1, 1, 1];
        Assert.False(privacy.DistributionWithheld([1, 3, 2, 2, 1], [a, b]));
        Assert.True(privacy.DistributionWithheld([1, 3, 2, 2, 3], [a, b]));
        // A shown cell where all agree withholds the month even though the organisation's sum passes.
        Assert.False(privacy.DistributionAttributes([1, 1, 1, 4, 4]));
        Assert.True(privacy.DistributionWithheld([1, 1, 1, 4, 4], [[0, 0, 0, 3, 0], [1, 1, 1, 1, 4]]));
    }
}
