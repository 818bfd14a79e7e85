using System.Text.Json;
using Analytics.Ingestors.Runs;
using Analytics.Storage.Catalog;
using Analytics.Storage.ClickHouse;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Quartz;

namespace Analytics.Web.Hosting;

/// <summary>
/// <c>/health/live</c> (the process answers) and <c>/health/ready</c> (ClickHouse answers a trivial query, the catalog
/// opens, the scheduler is started here or another instance runs it), each a JSON body with every check's status and nothing else: no connection
/// strings, no exception text. Open to everyone, as probes need.
/// </summary>
public static class HealthEndpoints
{
    private const string Ready = "ready";

    public static IServiceCollection AddAnalyticsHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck("process", () => HealthCheckResult.Healthy())
            .AddCheck<ClickHouseCheck>("clickhouse", tags: [Ready])
            .AddCheck<CatalogCheck>("catalog", tags: [Ready])
            .AddCheck<SchedulerCheck>("scheduler", tags: [Ready]);
        return services;
    }

    public static IEndpointRouteBuilder MapAnalyticsHealth(this IEndpointRouteBuilder endpoints)
    {
        // Probes do not sign in; the answers hold no figures and no secrets.
        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = check => !check.Tags.Contains(Ready), ResponseWriter = WriteAsync }).AllowAnonymous();
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = _ => true, ResponseWriter = WriteAsync }).AllowAnonymous();
        return endpoints;
    }

    private static Task WriteAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json";
        return http.Response.WriteAsync(JsonSerializer.Serialize(new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(entry => entry.Key, entry => new { status = entry.Value.Status.ToString(), description = entry.Value.Description }),
        }));
    }

    /// <remarks>
    /// The store is resolved inside the check: a server store opens (and checks its database) when first resolved, and
    /// one that cannot must make the probe say Unhealthy (503), not fail the request (500).
    /// </remarks>
    private sealed class ClickHouseCheck(IServiceProvider services, IOptions<StoreOptions> options) : IHealthCheck
    {
        private sealed record Row(int Value);

        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var transport = options.Value.Transport == StoreTransport.Server ? "server" : "embedded";
            try
            {
                var store = services.GetRequiredService<IClickHouseStore>();
                using (QueryTimeout.Use(TimeSpan.FromSeconds(5)))
                {
                    var rows = await store.QueryAsync<Row>("SELECT 1 AS value", cancellationToken: cancellationToken);
                    return rows is [{ Value: 1 }] ? HealthCheckResult.Healthy($"{store.Transport} ClickHouse answers") : HealthCheckResult.Unhealthy("ClickHouse gave no answer");
                }
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                // The type only: an engine's message may name hosts or users.
                return HealthCheckResult.Unhealthy($"{transport} ClickHouse does not answer ({error.GetType().Name})");
            }
        }
    }

    private sealed class CatalogCheck(IDbContextFactory<CatalogDbContext> catalog) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await using var db = await catalog.CreateDbContextAsync(cancellationToken);
                return await db.Database.CanConnectAsync(cancellationToken)
                    ? HealthCheckResult.Healthy("the catalog opens")
                    : HealthCheckResult.Unhealthy("the catalog does not open");
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                return HealthCheckResult.Unhealthy($"the catalog does not open ({error.GetType().Name})");
            }
        }
    }

    /// <summary>Ready as leader (the scheduler runs here) or follower (another instance sharing the store runs it).</summary>
    /// <remarks>The election is resolved inside the check, as the store is (<see cref="ClickHouseCheck"/>): it needs the store.</remarks>
    private sealed class SchedulerCheck(ISchedulerFactory schedulers, IServiceProvider services) : IHealthCheck
    {
        private static readonly TimeSpan FirstElectionWait = TimeSpan.FromSeconds(5);

        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            SchedulerElection election;
            try
            {
                election = services.GetRequiredService<SchedulerElection>();
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                return HealthCheckResult.Unhealthy($"no election without the store ({error.GetType().Name})");
            }
            // Before its first try this instance is neither leader nor a known follower: wait for that try, briefly.
            try
            {
                await election.FirstElection.WaitAsync(FirstElectionWait, cancellationToken);
            }
            catch (TimeoutException)
            {
                return HealthCheckResult.Unhealthy("no scheduler election yet: this instance has not tried for the lease");
            }
            if (!election.IsLeader)
            {
                return HealthCheckResult.Healthy("follower: another instance runs the scheduler");
            }
            var scheduler = await schedulers.GetScheduler(cancellationToken);
            var status = await scheduler.GetStatus(cancellationToken);
            return status == SchedulerStatus.Running
                ? HealthCheckResult.Healthy("leader: the scheduler runs here")
                : HealthCheckResult.Unhealthy($"leader, but the scheduler is not started ({status})");
        }
    }
}
