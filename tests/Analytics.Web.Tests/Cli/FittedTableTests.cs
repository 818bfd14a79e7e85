using Analytics.Web.Cli;

namespace Analytics.Web.Tests.Cli;

/// <summary>The CLI's one table writer: never wider than the terminal, a cell never wrapped, and a note naming what did not fit.</summary>
public sealed class FittedTableTests
{
    private static FittedTable Dora() => new FittedTable { Alternative = "use --format csv" }
        .Column("Team")
        .Column("Deployments/day (tier, n)", "Deployments/day", "n")
        .Column("Lead time (median, n commits)", "Lead time (median)", "n")
        .Column("Change failure rate (n)", "Change failure rate", "n")
        .Column("Time to restore service (median, n)", "Time to restore (median)", "n")
        .Column("Rework rate (unknown kind)", "Rework rate", "unknown kind")
        .AddRow("Organisation", new("1.57 (Elite, 141)", "1.57 (Elite)"), new("1 d 2 h (High, 1234)", "1 d 2 h (High)"), new("12.3% (Medium, 141)", "12.3% (Medium)"),
            new("3 h 5 min (High by 2023, 12)", "3 h 5 min (High by 2023)"), new("4.2% (3)", "4.2%"))
        .AddRow("Payments Platform", new("0.1 (Low, 9)", "0.1 (Low)"), new("9 d 1 h (Low, 80)", "9 d 1 h (Low)"), new("33.3% (Low, 9)", "33.3% (Low)"),
            new("2 d 4 h (Low by 2023, 3)", "2 d 4 h (Low by 2023)"), new("— (0)", "—"));

    [Theory]
    [InlineData(80)]
    [InlineData(120)]
    [InlineData(200)]
    public void No_line_is_wider_than_the_terminal_and_each_row_is_one_line(int width)
    {
        var lines = Dora().Render(width);

        Assert.All(lines, line => Assert.True(line.Length <= width, $"{line.Length} > {width}: {line}"));
        var body = lines.SkipWhile(line => !line.StartsWith('├')).Skip(1).TakeWhile(line => !line.StartsWith('└')).ToList();
        Assert.Equal(2, body.Count);
        Assert.StartsWith("│ Organisation ", body[0]);
        Assert.StartsWith("│ Payments Platform ", body[1]);
    }

    [Fact]
    public void At_200_columns_everything_is_shown_in_full_and_nothing_is_said()
    {
        var lines = Dora().Render(200);
        var organisation = Assert.Single(lines, line => line.StartsWith("│ Organisation ", StringComparison.Ordinal));

        Assert.Contains("│ Deployments/day (tier, n) │", lines[1]);   // headers on one line when there is room
        Assert.Contains("1.57 (Elite, 141)", organisation);
        Assert.Contains("4.2% (3)", organisation);
        Assert.StartsWith("└", lines[^1]);
    }

    [Fact]
    public void At_80_columns_the_last_columns_are_shortened_or_hidden_and_the_note_names_them()
    {
        var lines = Dora().Render(80);
        var text = string.Join("\n", lines);
        var organisation = Assert.Single(lines, line => line.StartsWith("│ Organisation ", StringComparison.Ordinal));

        // The most important figures stay, whole, on the row's one line.
        Assert.Contains("1.57 (Elite", organisation);
        Assert.Contains("1 d 2 h (High", organisation);
        Assert.DoesNotContain("4.2%", organisation);
        Assert.Contains("hidden: ", text);
        Assert.Contains("Rework rate (unknown kind)", text);
        Assert.Contains("widen the terminal or use --format csv", text);
    }

    [Fact]
    public void At_120_columns_more_is_shown_than_at_80()
    {
        int Shown(int width) => Dora().Render(width)[1].Count(c => c == '│') - 1;

        Assert.True(Shown(120) > Shown(80), $"{Shown(120)} columns at 120, {Shown(80)} at 80");
    }

    [Fact]
    public void Shortening_without_hiding_says_what_the_short_form_leaves_out()
    {
        var table = new FittedTable().Column("Team").Column("Lead time (median, n commits)", "Lead time", "n")
            .AddRow("alpha", new("1 d 2 h (High, 1234567890)", "1 d 2 h (High)"));

        var lines = table.Render(30);

        Assert.All(lines, line => Assert.True(line.Length <= 30, line));
        Assert.Contains(lines, line => line.Contains("1 d 2 h (High)", StringComparison.Ordinal));
        Assert.Contains("without n", string.Join(" ", lines));
    }

    [Fact]
    public void A_terminal_too_narrow_for_the_first_column_cuts_its_cells_visibly()
    {
        var table = new FittedTable().Columns("Team", "Rows").AddRow("a-team-with-a-very-long-name-indeed", "12");

        var lines = table.Render(20);

        Assert.All(lines, line => Assert.True(line.Length <= 20, line));
        Assert.Contains(lines, line => line.Contains('…'));
    }

    [Fact]
    public void Without_unicode_the_borders_are_ascii()
    {
        var lines = new FittedTable().Columns("Table", "Rows").AddRow("commits", "1,234").Render(80, unicode: false);

        Assert.Equal("+---------+-------+", lines[0]);
        Assert.Equal("| commits | 1,234 |", lines[3]);
    }
}
