using Analytics.Core.Dora;

namespace Analytics.Core.Tests.Dora;

public sealed class HotfixRulesTests
{
    [Theory]
    [InlineData(HotfixRuleTarget.Branch, "hotfix/login", true)]
    [InlineData(HotfixRuleTarget.Branch, "Hot-fix-42", true)]
    [InlineData(HotfixRuleTarget.Branch, "feature/hotfix-docs", false)]
    [InlineData(HotfixRuleTarget.Tag, "v2.0.1-hotfix", true)]
    [InlineData(HotfixRuleTarget.Tag, "v2.0.1", false)]
    [InlineData(HotfixRuleTarget.Label, "type: hotfix", true)]
    [InlineData(HotfixRuleTarget.Label, "Hotfix", true)]
    [InlineData(HotfixRuleTarget.Label, "not a hotfix", false)]
    public void The_default_rules_catch_common_hotfix_names(HotfixRuleTarget target, string name, bool hotfix) =>
        Assert.Equal(hotfix, new MetricOptions().Matches(target, name));

    [Theory]
    [InlineData("(?<=x)hotfix")]
    [InlineData("(hot)fix\\1")]
    [InlineData("[unclosed")]
    public void A_pattern_ClickHouse_or_dotnet_cannot_read_is_refused_at_start_up(string pattern)
    {
        var result = new MetricOptionsValidator().Validate(null, new MetricOptions { HotfixBranchPattern = pattern });

        Assert.True(result.Failed);
        Assert.Contains("Analytics:Metrics:HotfixBranchPattern", result.FailureMessage);
    }

    [Fact]
    public void An_empty_pattern_is_no_rule()
    {
        var options = new MetricOptions { HotfixTagPattern = "" };

        Assert.False(options.Matches(HotfixRuleTarget.Tag, "v1-hotfix"));
        Assert.True(new MetricOptionsValidator().Validate(null, options).Succeeded);
    }
}
