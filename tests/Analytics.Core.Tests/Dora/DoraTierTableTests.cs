namespace Analytics.Core.Tests.Dora;

/// <summary>
/// Each benchmark year's boundaries, read from the shipped tier file, under the one rule: the best tier whose band's
/// worst bound the value meets, else Low. Comments name the published band each case falls in or between.
/// </summary>
public class DoraTierTableTests
{
    private static readonly DoraTierTable Y2021 = DoraTierTables.Get(2021);
    private static readonly DoraTierTable Y2024 = DoraTierTables.Get(2024);

    [Fact]
    public void The_shipped_years_are_2021_2023_and_2024_with_2023_the_default()
    {
        Assert.Equal([2021, 2023, 2024], DoraTierTables.Years);
        Assert.Equal(2023, DoraTierTables.DefaultYear);
        Assert.Equal(2023, new MetricOptions().TierYear);
    }

    [Theory]
    [InlineData(2021, "Accelerate State of DevOps 2021")]
    [InlineData(2023, "Accelerate State of DevOps Report 2023")]
    [InlineData(2024, "Accelerate State of DevOps Report 2024")]
    public void Every_year_cites_its_report_section_page_and_address(int year, string report)
    {
        var source = DoraTierTables.Get(year).Source;
        Assert.Equal(report, source.Report);
        Assert.False(string.IsNullOrWhiteSpace(source.Section));
        Assert.False(string.IsNullOrWhiteSpace(source.Page));
        Assert.Equal($"https://dora.dev/research/{year}/dora-report/", source.Url);
    }

    [Fact]
    public void The_static_tiers_are_the_default_years()
    {
        Assert.Equal(DoraTier.Medium, DoraTiers.LeadTime(TimeSpan.FromDays(7)));
        Assert.Equal(DoraTier.Medium, DoraTiers.ChangeFailureRate(0.15));
        Assert.Equal(DoraTier.High, DoraTiers.RecoveryTime(TimeSpan.FromHours(1)));
        Assert.Equal(DoraTier.High, DoraTiers.DeploymentFrequency(1, 4));
    }

    [Theory]
    [InlineData("2021", 2021)]
    [InlineData("2024", 2024)]
    [InlineData("2019", null)]
    [InlineData("20x1", null)]
    [InlineData(null, null)]
    public void A_year_written_by_a_reader_names_a_table_or_none(string? written, int? expected) =>
        Assert.Equal(expected, DoraTierTables.Parse(written)?.Year);

    [Fact]
    public void An_unknown_year_is_refused_naming_the_years_there_are()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => DoraTierTables.Get(2022));
        Assert.Contains("2021, 2023, 2024", error.Message);
    }

    // Deployment frequency. 2021: elite on demand, high weekly–monthly, medium monthly–six-monthly, low less often.
    // 2023: medium and low publish the same band; low is what medium does not take. 2024: low is monthly–six-monthly.
    [Theory]
    [InlineData(2021, 3, 30, DoraTier.Elite)]
    [InlineData(2021, 2.99, 20, DoraTier.High)]   // weekly: inside high's band
    [InlineData(2021, 0, 1, DoraTier.High)]       // once a month: high's worst bound, met
    [InlineData(2021, 0, 0.99, DoraTier.Medium)]
    [InlineData(2021, 0, 1.0 / 6, DoraTier.Medium)]
    [InlineData(2021, 0, 0.16, DoraTier.Low)]
    [InlineData(2021, 0, 0, null)]                // no deployments: no tier
    [InlineData(2023, 3, 30, DoraTier.Elite)]
    [InlineData(2023, 1, 4, DoraTier.High)]
    [InlineData(2023, 0.5, 1, DoraTier.Medium)]
    [InlineData(2023, 0, 0.99, DoraTier.Low)]
    [InlineData(2023, 0, 0, null)]
    [InlineData(2024, 3, 30, DoraTier.Elite)]
    [InlineData(2024, 1, 4, DoraTier.High)]
    [InlineData(2024, 0.5, 1, DoraTier.Medium)]
    [InlineData(2024, 0, 0.5, DoraTier.Low)]
    [InlineData(2024, 0, 0.1, DoraTier.Low)]      // less than every six months: worse than low's band, still low
    [InlineData(2024, 0, 0, null)]
    public void Deployment_frequency(int year, double medianDaysPerWeek, double perMonth, DoraTier? expected) =>
        Assert.Equal(expected, DoraTierTables.Get(year).ClassifyDeploymentFrequency(medianDaysPerWeek, perMonth));

    [Theory]
    [InlineData(2021, 59.0 / 60, DoraTier.Elite)]
    [InlineData(2021, 1, DoraTier.High)]          // gap between "less than one hour" and "one day to one week": the worse band
    [InlineData(2021, 7 * 24 - 0.01, DoraTier.High)]
    [InlineData(2021, 7 * 24, DoraTier.Medium)]   // gap between "one week" and "one month": medium
    [InlineData(2021, 180 * 24 - 0.01, DoraTier.Medium)]
    [InlineData(2021, 180 * 24, DoraTier.Low)]
    [InlineData(2023, 23.99, DoraTier.Elite)]
    [InlineData(2023, 24, DoraTier.High)]
    [InlineData(2023, 7 * 24, DoraTier.Medium)]
    [InlineData(2023, 30 * 24, DoraTier.Low)]     // medium and low publish "one week to one month": low is what medium leaves
    [InlineData(2024, 23.99, DoraTier.Elite)]
    [InlineData(2024, 24, DoraTier.High)]
    [InlineData(2024, 29 * 24, DoraTier.Medium)]
    [InlineData(2024, 30 * 24, DoraTier.Low)]
    public void Lead_time(int year, double hours, DoraTier expected) =>
        Assert.Equal(expected, DoraTierTables.Get(year).ClassifyLeadTime(TimeSpan.FromHours(hours)));

    [Theory]
    [InlineData(2021, 0.15, DoraTier.Elite)]
    [InlineData(2021, 0.155, DoraTier.High)]      // gap between 15% and 16%
    [InlineData(2021, 0.30, DoraTier.High)]       // high, medium and low all publish 16–30%: the better tier
    [InlineData(2021, 0.3001, DoraTier.Low)]
    [InlineData(2023, 0.05, DoraTier.Elite)]
    [InlineData(2023, 0.07, DoraTier.High)]       // between the published 5% and 10%: high
    [InlineData(2023, 0.15, DoraTier.Medium)]
    [InlineData(2023, 0.30, DoraTier.Low)]        // below low's published 64%, above medium's 15%: low
    [InlineData(2024, 0.05, DoraTier.Elite)]
    [InlineData(2024, 0.10, DoraTier.High)]       // medium's published 10%, but high (20%) is the better tier it meets
    [InlineData(2024, 0.20, DoraTier.High)]
    [InlineData(2024, 0.2001, DoraTier.Low)]
    public void Change_failure_rate_overlapping_or_out_of_order_bands_take_the_better_tier(int year, double rate, DoraTier expected) =>
        Assert.Equal(expected, DoraTierTables.Get(year).ClassifyChangeFailureRate(rate));

    [Theory]
    [InlineData(2021, 59, DoraTier.Elite)]
    [InlineData(2021, 60, DoraTier.High)]
    [InlineData(2021, 24 * 60, DoraTier.Medium)]
    [InlineData(2021, 7 * 24 * 60, DoraTier.Low)] // gap between "one week" and "more than six months": low
    [InlineData(2023, 59, DoraTier.Elite)]
    [InlineData(2023, 23 * 60, DoraTier.High)]
    [InlineData(2023, 6 * 24 * 60, DoraTier.Medium)]
    [InlineData(2023, 7 * 24 * 60, DoraTier.Low)]
    [InlineData(2024, 59, DoraTier.Elite)]
    [InlineData(2024, 60, DoraTier.High)]         // high and medium both publish "less than one day": high
    [InlineData(2024, 24 * 60, DoraTier.Low)]     // gap between "one day" and low's "one week to one month": low
    public void Recovery_time(int year, double minutes, DoraTier expected) =>
        Assert.Equal(expected, DoraTierTables.Get(year).ClassifyRecoveryTime(TimeSpan.FromMinutes(minutes)));

    [Fact]
    public void Applying_a_year_retiers_every_key_keeps_the_figures_and_names_the_year()
    {
        var from = new DateTimeOffset(2026, 8, 1, 0, 0, 0, TimeSpan.Zero);
        // 30 days, 2 deployments (2 a month, median 0 deployment days a week), lead time 3 days, 10% failures, recovery 2 hours.
        var summary = new DoraSummary("payments", from, from.AddDays(30),
            new DeploymentFrequencyFigure(2, 1, 2 / 30.0, 0, DoraTier.Medium),
            new LeadTimeFigure(40, TimeSpan.FromDays(3), null, null, 0, 0, DoraTier.High) { LowConfidence = false },
            new ChangeFailureFigure(20, 2, 0.10, DoraTier.High) { LowConfidence = true },
            new RecoveryFigure(3, TimeSpan.FromHours(2), 1, DoraTier.High),
            new ReworkFigure(20, 1, 0.05));

        var in2021 = Y2021.Apply(summary);
        var in2024 = Y2024.Apply(summary);

        Assert.Equal(2021, in2021.TiersYear);
        Assert.Equal(DoraTier.High, in2021.DeploymentFrequency.Tier);   // twice a month: 2021's high is weekly–monthly
        Assert.Equal(DoraTier.Medium, in2024.DeploymentFrequency.Tier);
        Assert.Equal(DoraTier.High, in2021.LeadTime.Tier);
        Assert.Equal(DoraTier.Elite, in2021.ChangeFailureRate.Tier);     // 10% is inside 2021's elite 0–15%
        Assert.True(in2021.ChangeFailureRate.LowConfidence);
        Assert.Equal(DoraTier.High, in2024.RecoveryTime.Tier);
        Assert.Equal(summary.LeadTime.Median, in2024.LeadTime.Median);
        Assert.Equal(2024, in2024.TiersYear);
    }

    [Fact]
    public void A_team_with_no_deployments_has_no_deployment_frequency_tier_in_any_year()
    {
        var from = new DateTimeOffset(2026, 8, 1, 0, 0, 0, TimeSpan.Zero);
        var idle = new DoraSummary("idle", from, from.AddDays(90),
            new DeploymentFrequencyFigure(0, 3, 0, 0, DoraTier.Low),
            new LeadTimeFigure(0, null, null, null, 0, 0, null),
            new ChangeFailureFigure(0, 0, null, null),
            new RecoveryFigure(0, null, 0, null),
            new ReworkFigure(0, 0, null));

        Assert.All(DoraTierTables.Years, year => Assert.Null(DoraTierTables.Get(year).Apply(idle).DeploymentFrequency.Tier));
        Assert.Null(DoraTiers.DeploymentFrequency(0, 0));
    }
}
