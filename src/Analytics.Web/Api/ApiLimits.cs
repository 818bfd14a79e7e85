using System.Globalization;
using Analytics.Storage.ClickHouse;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Analytics.Web.Api;

/// <summary>
/// What every API endpoint is held to (<see cref="ApiOptions"/>): a request body no larger than the endpoint reads,
/// enforced before a byte of it is read (413); and for the figures, a bounded period (400 naming the parameter) and
/// a time limit on each ClickHouse query (503 with one line, not a stack trace).
/// </summary>
public static class ApiLimits
{
    /// <summary>The figures' endpoints: small bodies, bounded periods, queries with a time limit.</summary>
    public static TBuilder WithQueryLimits<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilterFactory((factory, next) =>
        {
            var names = factory.MethodInfo.GetParameters().Select(parameter => parameter.Name).ToList();
            var (from, to, days) = (names.IndexOf("from"), names.IndexOf("to"), names.IndexOf("days"));
            return async context =>
            {
                var options = context.HttpContext.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value;
                if (TooLarge(context.HttpContext, options.MaxRequestBodySize, "MaxRequestBodySize") is { } tooLarge)
                {
                    return tooLarge;
                }
                var clock = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>();
                if (PeriodTooLong(Argument<DateTimeOffset?>(context, from), Argument<DateTimeOffset?>(context, to), Argument<string>(context, days), options.MaxPeriod, clock) is { } tooLong)
                {
                    return tooLong;
                }
                using (QueryTimeout.Use(options.QueryTimeout))
                {
                    try
                    {
                        return await next(context);
                    }
                    catch (ClickHouseException error) when (error.Code == ClickHouseException.TimeoutExceeded)
                    {
                        return Results.Problem(
                            $"A query took longer than {QueryTimeout.Seconds(options.QueryTimeout)} s ({ApiOptions.Section}:QueryTimeout) and was stopped; ask for a shorter period, or again later.",
                            statusCode: StatusCodes.Status503ServiceUnavailable, title: "The query took too long");
                    }
                    catch (BadHttpRequestException error) when (error.StatusCode == StatusCodes.Status413PayloadTooLarge)
                    {
                        return Problem413(options.MaxRequestBodySize, "MaxRequestBodySize");
                    }
                }
            };
        });

    /// <summary>The push endpoints: a body of at most <see cref="ApiOptions.MaxPushBodySize"/>.</summary>
    public static TBuilder WithPushLimits<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var limit = context.HttpContext.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value.MaxPushBodySize;
            if (TooLarge(context.HttpContext, limit, "MaxPushBodySize") is { } tooLarge)
            {
                return tooLarge;
            }
            // A body without Content-Length (chunked) is taken in up to the limit before the receiver reads it.
            if (context.HttpContext.Request.ContentLength is null && !await BufferAsync(context.HttpContext, limit))
            {
                return Problem413(limit, "MaxPushBodySize");
            }
            return await next(context);
        });

    /// <summary>Reads the body into memory, stopping at <paramref name="limit"/>; false when it is longer.</summary>
    private static async Task<bool> BufferAsync(HttpContext http, long limit)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
            {
                if (buffer.Length + read > limit)
                {
                    return false;
                }
                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException error) when (error.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return false;
        }
        buffer.Position = 0;
        http.Request.Body = buffer;
        http.Response.RegisterForDispose(buffer);
        return true;
    }

    /// <summary>A 413 when the declared length is over <paramref name="limit"/>; otherwise sets the limit Kestrel enforces while the body is read.</summary>
    private static IResult? TooLarge(HttpContext http, long limit, string setting)
    {
        if (http.Request.ContentLength > limit)
        {
            return Problem413(limit, setting);
        }
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }
        return null;
    }

    private static IResult Problem413(long limit, string setting) => Results.Problem(
        $"The request body is larger than the {limit.ToString("N0", CultureInfo.InvariantCulture)} bytes this endpoint accepts ({ApiOptions.Section}:{setting}); send less per request.",
        statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request body too large");

    /// <summary>A 400 naming the parameter when the period asked for is longer than <paramref name="max"/>.</summary>
    private static IResult? PeriodTooLong(DateTimeOffset? from, DateTimeOffset? to, string? days, TimeSpan max, TimeProvider clock)
    {
        var maxDays = (int)max.TotalDays;
        if (int.TryParse(days, NumberStyles.None, CultureInfo.InvariantCulture, out var asked) && asked > maxDays)
        {
            return Results.Problem($"days={asked} is longer than the API answers: at most {maxDays} days ({ApiOptions.Section}:MaxPeriod).",
                statusCode: StatusCodes.Status400BadRequest);
        }
        // Without 'from' the period is a default one, shorter than any allowed maximum.
        if (from is { } start)
        {
            var end = to ?? new DateTimeOffset(clock.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero);
            if (end - start > max)
            {
                return Results.Problem(
                    $"'from' ({start:yyyy-MM-dd}) is {(end - start).TotalDays:0} days before 'to' ({end:yyyy-MM-dd}); the API answers at most {maxDays} days ({ApiOptions.Section}:MaxPeriod).",
                    statusCode: StatusCodes.Status400BadRequest);
            }
        }
        return null;
    }

    private static T? Argument<T>(EndpointFilterInvocationContext context, int index) =>
        index >= 0 && context.Arguments[index] is T value ? value : default;
}
