namespace Analytics.Core.Tests.Dora;

/// <summary>The oracle's own reading of the definitions on small cases (the SQL is checked against it elsewhere).</summary>
public sealed class DoraOracleTests
{
    private static readonly DateTimeOffset Day = new(2025, 3, 3, 0, 0, 0, TimeSpan.Zero);

    private static DeploymentEvent Deployment(string id, string environment, string status, int hour, string kind = "normal", string related = "") =>
        new(id, "api", environment, status, kind, related, "t", Day.AddHours(hour), status == "success" ? Day.AddHours(hour).AddMinutes(5) : null);

    [Fact]
    public void Change_failure_rate_never_exceeds_one_however_many_incidents_fall_on_a_deployment()
    {
        var history = new DoraHistory(
            [Deployment("d1", "production", "success", 1)],
            [], [],
            [new("i1", "api", Day.AddHours(2), Day.AddHours(3), ""), new("i2", "api", Day.AddHours(4), null, ""), new("i3", "api", Day.AddHours(5), null, "d1")],
            [new("api", "alpha", Day.AddYears(-1), null)],
            [new("", "production")]);

        var summary = new DoraOracle(history, new MetricOptions()).Summaries(Day, Day.AddDays(1))[""];

        Assert.Equal(1, summary.ChangeFailureRate.FailedDeployments);
        Assert.Equal(1.0, summary.ChangeFailureRate.Rate);
        Assert.Equal(2, summary.RecoveryTime.Open);
    }

    [Fact]
    public void An_incident_with_no_earlier_deployment_blames_nothing()
    {
        var history = new DoraHistory(
            [Deployment("d1", "production", "success", 10)],
            [], [], [new("i1", "api", Day.AddHours(2), Day.AddHours(3), "")],
            [new("api", "alpha", Day.AddYears(-1), null)], [new("", "production")]);

        var summary = new DoraOracle(history, new MetricOptions()).Summaries(Day, Day.AddDays(1))[""];

        Assert.Equal(0, summary.ChangeFailureRate.FailedDeployments);
        Assert.Equal(TimeSpan.FromHours(1), summary.RecoveryTime.Median);
    }

    [Fact]
    public void Staging_deployments_and_failed_attempts_are_not_deployments()
    {
        var history = new DoraHistory(
            [Deployment("d1", "staging", "success", 1), Deployment("d2", "production", "failure", 2), Deployment("d3", "prod-eu", "success", 3)],
            [], [], [], [new("api", "alpha", Day.AddYears(-1), null)], [new("", "production"), new("", "prod-.*")]);

        var summary = new DoraOracle(history, new MetricOptions()).Summaries(Day, Day.AddDays(1))["alpha"];

        Assert.Equal(1, summary.DeploymentFrequency.Deployments);
        Assert.Equal(1, summary.DeploymentFrequency.FailedAttempts);
    }

    [Fact]
    public void Days_are_cut_in_the_organisations_time_zone()
    {
        // Sunday 2 March: one deployment at 12:05 UTC, one at 23:30 UTC — 00:30 on Monday 3 March in Berlin.
        DeploymentEvent At(string id, DateTimeOffset started) => new(id, "api", "production", "success", "normal", "", "t", started, started.AddMinutes(5));
        var history = new DoraHistory(
            [At("d1", new DateTimeOffset(2025, 3, 2, 12, 0, 0, TimeSpan.Zero)), At("d2", new DateTimeOffset(2025, 3, 2, 23, 25, 0, TimeSpan.Zero))],
            [], [], [], [new("api", "alpha", Day.AddYears(-1), null)], [new("", "production")]);
        var window = (From: new DateTimeOffset(2025, 2, 24, 0, 0, 0, TimeSpan.Zero), To: new DateTimeOffset(2025, 3, 10, 0, 0, 0, TimeSpan.Zero));

        var utc = new DoraOracle(history, new MetricOptions()).Summaries(window.From, window.To)[""];
        var berlin = new DoraOracle(history, new MetricOptions { TimeZone = "Europe/Berlin" }).Summaries(window.From, window.To)[""];

        // UTC: both on Sunday 2 March → deployment days per week [1, 0] → median 0.5.
        // Berlin: the window starts at 01:00 on Monday 24 February, so that week is partial; the whole week of 3 March
        // has Monday 3 March (00:30) → [1] → median 1.
        Assert.Equal(0.5, utc.DeploymentFrequency.MedianDeploymentDaysPerWeek);
        Assert.Equal(1, berlin.DeploymentFrequency.MedianDeploymentDaysPerWeek);
    }
}
