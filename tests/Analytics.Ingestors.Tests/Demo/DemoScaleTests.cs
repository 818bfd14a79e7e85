using Analytics.Ingestors.Demo;

namespace Analytics.Ingestors.Tests.Demo;

public class DemoScaleTests
{
    [Theory]
    [InlineData("tiny", 3, 6, 12, 3)]
    [InlineData("S", 12, 60, 150, 18)]
    [InlineData(" l ", 200, 2_000, 2_000, 36)]
    [InlineData("XL", 2_000, 20_000, 20_000, 36)]
    public void Presets_parse_case_insensitively(string name, int teams, int services, int engineers, int months)
    {
        Assert.Equal(new DemoScale(teams, services, engineers, months), DemoScale.Parse(name));
    }

    [Fact]
    public void Unknown_names_are_rejected_with_the_valid_choices()
    {
        var error = Assert.Throws<ArgumentException>(() => DemoScale.Parse("medium"));

        Assert.Contains("medium", error.Message, StringComparison.Ordinal);
        Assert.Contains("tiny, s, l or xl", error.Message, StringComparison.Ordinal);
        Assert.False(DemoScale.TryParse(null, out _));
    }

    [Fact]
    public void Scales_too_small_to_be_believable_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new DemoOrganisationGenerator(new DemoScale(1, 1, 5, 3), 1, ScaleSFixture.End));
        Assert.Throws<ArgumentException>(() => new DemoOrganisationGenerator(new DemoScale(3, 6, 5, 3), 1, ScaleSFixture.End));
    }
}
