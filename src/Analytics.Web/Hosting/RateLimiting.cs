using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Analytics.Web.Hosting;

/// <summary>
/// ASP.NET Core's rate limiter over the JSON API, the push API and the sign-in pages (<see cref="RateLimitOptions"/>):
/// a fixed window per client, the client being the remote address (the forwarded one behind a known proxy). Chosen
/// by path, so endpoints added later under those paths are limited too. A refused request gets 429 and Retry-After.
/// </summary>
public static class RateLimiting
{
    public static IServiceCollection AddAnalyticsRateLimiting(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitOptions>>((limiter, limits) =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http => Partition(http, limits.Value));
            limiter.OnRejected = RejectAsync;
        });
        return services;
    }

    /// <summary>The area a path belongs to and its limit, or none for the pages and static files.</summary>
    internal static (string Area, RateLimit Limit)? AreaOf(PathString path, RateLimitOptions limits) =>
        path.StartsWithSegments("/api/push") ? ("push", limits.Push)
        : path.StartsWithSegments("/api") ? ("api", limits.Api)
        : path.StartsWithSegments("/account") ? ("account", limits.Account)
        : null;

    private static RateLimitPartition<string> Partition(HttpContext http, RateLimitOptions limits)
    {
        if (AreaOf(http.Request.Path, limits) is not { } area)
        {
            return RateLimitPartition.GetNoLimiter("");
        }
        var client = http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        return RateLimitPartition.GetFixedWindowLimiter($"{area.Area}|{client}", _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = area.Limit.PermitLimit,
            Window = area.Limit.Window,
            QueueLimit = 0,
        });
    }

    private static async ValueTask RejectAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var http = context.HttpContext;
        var limits = http.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
        var (area, limit) = AreaOf(http.Request.Path, limits) ?? ("", new RateLimit());
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : limit.Window;
        http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        var setting = $"{RateLimitOptions.Section}:{char.ToUpperInvariant(area[0])}{area[1..]}";
        await Results.Problem(
            $"Too many requests from this client: at most {limit.PermitLimit} per {limit.Window} ({setting}); try again in {http.Response.Headers.RetryAfter} s.",
            statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests").ExecuteAsync(http);
    }
}
