using Analytics.Core.Dora;

namespace Analytics.Core.Tests.Dora;

public sealed class LeadTimeUnitTests
{
    [Theory]
    [InlineData("commit", LeadTimeUnit.Commit)]
    [InlineData(" Pull-Request ", LeadTimeUnit.PullRequest)]
    [InlineData("pull request", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void A_unit_is_read_ignoring_case_and_blanks_and_nothing_else_is_one(string? written, string? unit) =>
        Assert.Equal(unit, LeadTimeUnit.Parse(written));

    [Fact]
    public void The_validator_refuses_a_unit_that_is_neither_naming_the_setting_and_the_choices()
    {
        var refused = new MetricOptionsValidator().Validate(null, new MetricOptions { LeadTimeUnit = "per-team" });
        var accepted = new MetricOptionsValidator().Validate(null, new MetricOptions { LeadTimeUnit = "pull-request" });

        Assert.True(refused.Failed);
        Assert.Contains("Analytics:Metrics:LeadTimeUnit must be commit or pull-request (was 'per-team').", refused.Failures);
        Assert.True(accepted.Succeeded);
        Assert.Equal(LeadTimeUnit.Commit, new MetricOptions().LeadTimeUnit);
    }
}
