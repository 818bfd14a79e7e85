using Analytics.Bench.DevLake;
using Xunit;

namespace Analytics.Bench.Tests;

/// <summary>
/// What the DevLake benchmark compares: DevLake's dashboard queries as Grafana sends them (macros expanded, nothing
/// else changed) and our organisation mapped into DevLake's tables by its dora plugin's rules. No MariaDB needed.
/// </summary>
public sealed class DevLakeSideBySideTests
{
    private static readonly DateTimeOffset From = new(2025, 6, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = new(2025, 12, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Grafana_expands_the_time_macros_to_unix_seconds_and_quotes_the_project()
    {
        var sql = DevLakeBenchmark.Expand("change_failure_rate", From, To, "o'brien", "2023");

        // $__timeFilter around a call: the argument runs to its balancing parenthesis.
        Assert.Contains("HAVING\n    max(cdc.finished_date) BETWEEN FROM_UNIXTIME(1748736000) AND FROM_UNIXTIME(1764547200)", sql);
        // A multi-value variable with one value: single-quoted, the quote doubled.
        Assert.Contains("pm.project_name in ('o''brien')", sql);
        // A single-value variable: raw, inside the query's own quotes.
        Assert.Contains("WHEN ('2023') = '2023' THEN", sql);
        Assert.DoesNotContain("$", sql);
        // The rest is the dashboard's query unchanged.
        Assert.Contains("left join project_incident_deployment_relationships pim on d.deployment_id = pim.deployment_id", sql);
    }

    [Fact]
    public void Every_dashboard_query_is_left_without_a_macro()
    {
        foreach (var file in new[] { "deployment_frequency", "lead_time", "change_failure_rate", "recovery_time", "monthly_deployments", "monthly_lead_time", "monthly_change_failure_rate", "monthly_recovery_time" })
        {
            var sql = DevLakeBenchmark.Expand(file, From, To, "payments", "2021");
            Assert.DoesNotContain("$", sql);
            Assert.Contains("'payments'", sql);
        }
        Assert.Contains("SELECT CAST((FROM_UNIXTIME(1764547200)-INTERVAL (H+T+U) DAY) AS date) day", DevLakeBenchmark.Expand("deployment_frequency", From, To, "payments", "2023"));
        Assert.Contains("AS 'Median Time to Restore Service In Hours'", DevLakeBenchmark.Expand("monthly_recovery_time", From, To, "payments", "2021"));
    }

    [Fact]
    public void The_mapping_derives_what_the_dora_plugin_would()
    {
        static DateTime At(int day, int hour, int minute = 0, int second = 0) => new(2025, 7, day, hour, minute, second, DateTimeKind.Utc);
        var deployments = new List<OurDeployment>
        {
            new("d0", "api", "production", "acme/api", "s0", Success: true, Production: true, At(1, 9), At(1, 10)),
            new("d1", "api", "production", "acme/api", "m2", Success: true, Production: true, At(2, 9), At(2, 10)),
            new("d2", "api", "production", "acme/api", "s2", Success: false, Production: true, At(3, 9), At(3, 10)),
            new("d3", "api", "staging", "acme/api", "s3", Success: true, Production: false, At(3, 11), At(3, 12)),
            new("d4", "api", "production", "acme/api", "s4", Success: true, Production: true, At(4, 9), At(4, 10)),
            new("w1", "web", "production", "acme/web", "w", Success: true, Production: true, At(1, 8), At(1, 9)),
        };
        var pullRequests = new List<OurPullRequest>
        {
            // m1 shipped only by api's first deployment, which has no previous one: DevLake finds no deployment.
            new("acme/api", 1, At(1, 6), At(1, 7), "m1", FirstCommitAt: At(1, 5)),
            // m2 shipped by d1 and again by d4: the earliest-started one counts. Coding 30 s rounds up to 1 minute.
            new("acme/api", 2, At(2, 6), At(2, 7), "m2", FirstCommitAt: At(2, 5, 59, 30)),
            // First commit after opening: coding time dropped (negative), not counted as 0 in the sum either way.
            new("acme/api", 3, At(2, 6), At(2, 8), "m3", FirstCommitAt: At(2, 6, 30)),
            new("acme/api", 4, At(2, 6), MergedAt: null, "", FirstCommitAt: At(2, 5)),
        };
        var shipped = new List<OurShippedCommit> { new("d0", "m1"), new("d1", "m2"), new("d4", "m2") };
        var incidents = new List<OurIncident>
        {
            new("i0", "api", At(1, 9, 30), At(1, 11, 0, 30)),   // before any api deployment finished: no relationship
            new("i1", "api", At(3, 11), At(3, 12, 30, 30)),     // after d1 (d2 failed, d3 staging): d1
            new("i2", "api", At(4, 10), null),                  // exactly at d4's finish: strictly before is d1
            new("i3", "web", At(5, 0), At(5, 1)),               // web's project: w1
        };
        var data = DevLakeMapping.Map(new OurOrganisation(
            new Dictionary<string, string> { ["api"] = "alpha", ["web"] = "beta" }, deployments, pullRequests, shipped, incidents));

        Assert.Equal(
            [new("alpha", "boards", "api"), new("alpha", "cicd_scopes", "api"), new("alpha", "repos", "acme/api"),
             new ProjectMapping("beta", "boards", "web"), new("beta", "cicd_scopes", "web"), new("beta", "repos", "acme/web")],
            data.ProjectMapping);

        var byId = data.DeploymentCommits.ToDictionary(d => d.Id);
        Assert.Equal(("", "SUCCESS", "PRODUCTION"), (byId["d0"].PrevSuccessDeploymentCommitId, byId["d0"].Result, byId["d0"].Environment));
        Assert.Equal("d0", byId["d1"].PrevSuccessDeploymentCommitId);
        Assert.Equal(("", "FAILURE"), (byId["d2"].PrevSuccessDeploymentCommitId, byId["d2"].Result));
        Assert.Equal(("", "STAGING"), (byId["d3"].PrevSuccessDeploymentCommitId, byId["d3"].Environment));
        Assert.Equal("d1", byId["d4"].PrevSuccessDeploymentCommitId);

        var metrics = data.PrMetrics.ToDictionary(m => m.Id);
        Assert.Equal(3, metrics.Count); // the open pull request gets none
        Assert.Equal((60L, (string?)null, (long?)null, 120L), (metrics["acme/api#1"].PrCodingTime!.Value, metrics["acme/api#1"].DeploymentCommitId, metrics["acme/api#1"].PrDeployTime, metrics["acme/api#1"].PrCycleTime));
        Assert.Equal((1L, "d1", 180L, 1 + 60 + 180L), (metrics["acme/api#2"].PrCodingTime!.Value, metrics["acme/api#2"].DeploymentCommitId, metrics["acme/api#2"].PrDeployTime!.Value, metrics["acme/api#2"].PrCycleTime));
        Assert.Equal(((long?)null, 120L), (metrics["acme/api#3"].PrCodingTime, metrics["acme/api#3"].PrCycleTime));

        Assert.Equal([new("i1", "alpha", "d1"), new("i2", "alpha", "d1"), new ProjectIncidentDeploymentRelationship("i3", "beta", "w1")],
            data.IncidentDeployments.OrderBy(r => r.Id));
        var leadTimes = data.Incidents.ToDictionary(i => i.Id, i => i.LeadTimeMinutes);
        Assert.Equal(((uint?)90, (uint?)90, (uint?)null), (leadTimes["i0"], leadTimes["i1"], leadTimes["i2"]));
    }
}
