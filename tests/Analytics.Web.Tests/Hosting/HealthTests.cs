using System.Net;
using System.Text.Json;

namespace Analytics.Web.Tests.Hosting;

/// <summary>The probes: liveness and readiness (ClickHouse, the catalog, the scheduler) as JSON, without secrets.</summary>
[Collection(AnalyticsAppCollection.Name)]
public sealed class HealthTests(AnalyticsAppFixture app)
{
    [Fact]
    public async Task Liveness_says_the_process_answers()
    {
        var (status, body) = await GetAsync("health/live");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        Assert.Equal(["process"], body.GetProperty("checks").EnumerateObject().Select(check => check.Name));
    }

    [Fact]
    public async Task Readiness_checks_clickhouse_the_catalog_and_the_scheduler_and_shows_no_secret()
    {
        var (status, body) = await GetAsync("health/ready");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        var checks = body.GetProperty("checks");
        foreach (var name in new[] { "clickhouse", "catalog", "scheduler" })
        {
            Assert.Equal("Healthy", checks.GetProperty(name).GetProperty("status").GetString());
        }
        var text = body.GetRawText();
        Assert.DoesNotContain("Data Source", text);
        Assert.DoesNotContain(AnalyticsAppFixture.DataPath, text);
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(string path)
    {
        using var response = await app.Http.GetAsync(path);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, document.RootElement.Clone());
    }
}
