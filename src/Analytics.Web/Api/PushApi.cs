using Analytics.Ingestors.Push;
using Analytics.Web.Security;

namespace Analytics.Web.Api;

/// <summary>
/// POST /api/push/&lt;kind&gt; (deployments, incidents, and the interchange kinds commits, pull-requests, reviews): one
/// JSON event or an array of them, authenticated by a
/// push key (<c>analytics keys create --source …</c>) or a source's configured token
/// (<c>Analytics:Push:Sources:&lt;name&gt;:Token</c>). The HTTP side only: checking, storing and recording the push is
/// <see cref="PushReceiver"/>'s job; a refusal (401, 403) is explained to the audit trail's denied-request record.
/// GET /api/push/schemas/&lt;kind&gt;.schema.json serves each kind's JSON Schema (docs/interchange/, embedded at build).
/// </summary>
public static class PushApi
{
    public static IEndpointRouteBuilder MapPushApi(this IEndpointRouteBuilder endpoints)
    {
        var push = endpoints.MapGroup("/api/push");
        foreach (var events in PushedEvents.All)
        {
            push.MapPost($"/{events.Kind}", (HttpContext http, PushReceiver receiver, CancellationToken cancellationToken) =>
                ReceiveAsync(http, receiver, events, cancellationToken));
        }
        // The schemas document the format for whoever writes an exporter: public, like docs/interchange/ in the repository.
        push.MapGet("/schemas/{file}", (string file) => Schema(file) is { } schema
                ? Results.Text(schema, "application/schema+json")
                : Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found",
                    detail: $"There is no schema '{file}'; the schemas are {string.Join(", ", PushedEvents.All.Select(e => $"{e.Kind}.schema.json"))}."))
            .AllowAnonymous();
        return endpoints;
    }

    /// <summary>The JSON Schema of a kind (<c>commits.schema.json</c>), as shipped in docs/interchange/; null for another name.</summary>
    public static string? Schema(string file)
    {
        if (!PushedEvents.All.Any(e => $"{e.Kind}.schema.json" == file))
        {
            return null;
        }
        using var stream = typeof(PushApi).Assembly.GetManifestResourceStream($"interchange/{file}");
        return stream is null ? null : new StreamReader(stream).ReadToEnd();
    }

    private static async Task<IResult> ReceiveAsync(HttpContext http, PushReceiver receiver, PushedEvents events, CancellationToken cancellationToken)
    {
        var outcome = await receiver.ReceiveAsync(http.Request.Headers.Authorization.ToString(), http.Request.Body, events, cancellationToken);
        switch (outcome)
        {
            case PushOutcome.Unauthorized unauthorized:
                DeniedRequestAudit.Explain(http, unauthorized.Actor, $"push refused: {unauthorized.Reason}");
                http.Response.Headers.WWWAuthenticate = "Bearer";
                return Results.Problem(
                    statusCode: StatusCodes.Status401Unauthorized,
                    title: "Unauthorized",
                    // One answer for unknown, wrong, revoked and expired: the caller learns nothing about other keys.
                    detail: unauthorized.TokenMissing
                        ? "Send a push key as 'Authorization: Bearer <key>'."
                        : "The bearer token is not a valid push key or source token (unknown, revoked or expired).");
            case PushOutcome.Forbidden forbidden:
                DeniedRequestAudit.Explain(http, forbidden.Actor, $"push refused: {forbidden.Reason}");
                return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: forbidden.Reason);
            case PushOutcome.Invalid invalid:
                return Results.ValidationProblem(invalid.Errors, detail: invalid.Summary);
            case PushOutcome.StoreUnavailable unavailable:
                return Results.Problem(
                    statusCode: StatusCodes.Status503ServiceUnavailable,
                    title: "The event store is unavailable",
                    detail: $"Nothing was stored (ingest run {unavailable.RunId}); send the same request again later.");
            case PushOutcome.Accepted accepted:
                return Results.Ok(accepted.Answer);
            default:
                throw new InvalidOperationException($"Unknown push outcome {outcome.GetType().Name}.");
        }
    }
}
