using Analytics.Core.Dora;

namespace Analytics.Core.Tests.Dora;

/// <summary>The tier table of docs/metrics.md, checked at each boundary (lower bounds inclusive).</summary>
public sealed class DoraTiersTests
{
    [Theory]
    [InlineData(3, 0, DoraTier.Elite)]
    [InlineData(2.99, 100, DoraTier.High)]
    [InlineData(1, 0, DoraTier.High)]
    [InlineData(0.5, 1, DoraTier.Medium)]
    [InlineData(0, 0.99, DoraTier.Low)]
    public void Deployment_frequency(double medianDaysPerWeek, double perMonth, DoraTier expected) =>
        Assert.Equal(expected, DoraTiers.DeploymentFrequency(medianDaysPerWeek, perMonth));

    [Theory]
    [InlineData(23.99, DoraTier.Elite)]
    [InlineData(24, DoraTier.High)]
    [InlineData(7 * 24 - 0.01, DoraTier.High)]
    [InlineData(7 * 24, DoraTier.Medium)]
    [InlineData(30 * 24, DoraTier.Low)]
    public void Lead_time(double hours, DoraTier expected) => Assert.Equal(expected, DoraTiers.LeadTime(TimeSpan.FromHours(hours)));

    [Theory]
    [InlineData(0.05, DoraTier.Elite)]
    [InlineData(0.0501, DoraTier.High)]
    [InlineData(0.10, DoraTier.High)]
    [InlineData(0.15, DoraTier.Medium)]
    [InlineData(0.1501, DoraTier.Low)]
    public void Change_failure_rate(double rate, DoraTier expected) => Assert.Equal(expected, DoraTiers.ChangeFailureRate(rate));

    [Theory]
    [InlineData(59, DoraTier.Elite)]
    [InlineData(60, DoraTier.High)]
    [InlineData(24 * 60, DoraTier.Medium)]
    [InlineData(7 * 24 * 60, DoraTier.Low)]
    public void Recovery_time(double minutes, DoraTier expected) => Assert.Equal(expected, DoraTiers.RecoveryTime(TimeSpan.FromMinutes(minutes)));
}
