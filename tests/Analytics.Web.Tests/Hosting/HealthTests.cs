using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Analytics.Ingestors.Runs;
using Analytics.Web.Cli;
using Analytics.Web.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Quartz;

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

    [Theory]
    [InlineData("clickhouse")]
    [InlineData("catalog")]
    public async Task Readiness_answers_503_naming_clickhouse_or_the_catalog_when_it_does_not_answer(string broken)
    {
        var missingFolder = Path.Combine(Path.GetTempPath(), $"analytics-no-such-folder-{Guid.NewGuid():N}");
        var settings = AnalyticsAppFixture.OwnStoreSettings("health");
        if (broken == "clickhouse")
        {
            // A server transport to a loopback port nobody listens on: the real driver, really refused.
            settings["Analytics:Store:Transport"] = "Server";
            settings["Analytics:Store:ServerConnectionString"] = $"Host=127.0.0.1;Port={ClosedPort()};Username=default;Password=not-shown";
        }
        else
        {
            settings["ConnectionStrings:Catalog"] = $"Data Source={Path.Combine(missingFolder, "catalog.db")};Mode=ReadWrite";
        }
        // Kestrel and the probes only: the start-up work (migrations, the demo, the election) would stop at the broken part.
        var builder = AnalyticsCommandLine.ServeBuilder(["--urls", "http://127.0.0.1:0"], settings);
        builder.Services.RemoveAll<IHostedService>();
        await using var host = builder.Build();
        host.MapAnalyticsHealth();
        await host.StartAsync();

        var (status, body) = await GetAsync(host, "health/ready");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("Unhealthy", body.GetProperty("status").GetString());
        var checks = body.GetProperty("checks");
        Assert.Equal("Unhealthy", checks.GetProperty(broken).GetProperty("status").GetString());
        if (broken == "catalog")
        {
            // (The other way round the catalog is not there either: it is created by the start-up work left out here.)
            Assert.Equal("Healthy", checks.GetProperty("clickhouse").GetProperty("status").GetString());
        }
        var text = body.GetRawText();
        Assert.DoesNotContain("not-shown", text, StringComparison.Ordinal);
        Assert.DoesNotContain(missingFolder, text, StringComparison.Ordinal);
        await host.StopAsync();
    }

    [Fact]
    public async Task Readiness_answers_503_when_the_elected_leaders_scheduler_is_not_running()
    {
        var builder = AnalyticsCommandLine.ServeBuilder(["--urls", "http://127.0.0.1:0"], AnalyticsAppFixture.OwnStoreSettings("health"));
        await using var host = builder.Build();
        host.MapAnalyticsHealth();
        await host.StartAsync();
        var election = host.Services.GetRequiredService<SchedulerElection>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!election.IsLeader && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        Assert.True(election.IsLeader, "the only instance on its store was not elected within 30 s");
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(host, "health/ready")).Status);

        // The scheduler stops while this instance still holds the lease: it must not say it is ready.
        await (await host.Services.GetRequiredService<ISchedulerFactory>().GetScheduler()).Standby();
        var (status, body) = await GetAsync(host, "health/ready");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        var scheduler = body.GetProperty("checks").GetProperty("scheduler");
        Assert.Equal("Unhealthy", scheduler.GetProperty("status").GetString());
        Assert.StartsWith("leader, but the scheduler is not started", scheduler.GetProperty("description").GetString(), StringComparison.Ordinal);
        await host.StopAsync();
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(WebApplication host, string path)
    {
        using var http = new HttpClient { BaseAddress = AnalyticsAppFixture.AddressOf(host) };
        return await ReadAsync(await http.GetAsync(path));
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(string path) => await ReadAsync(await app.Http.GetAsync(path));

    private static async Task<(HttpStatusCode Status, JsonElement Body)> ReadAsync(HttpResponseMessage response)
    {
        using var _ = response;
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, document.RootElement.Clone());
    }
}
