using Analytics.Ingestors.GitHub.Webhooks;
using Analytics.Storage.Catalog;
using Analytics.Web.Security;
using Microsoft.AspNetCore.Http.Features;

namespace Analytics.Web.Api;

/// <summary>
/// POST /api/webhooks/github: GitHub's webhook deliveries, authenticated by their X-Hub-Signature-256 against the
/// configured sources' webhook secrets (no sign-in, no API key). The HTTP side only: checking and applying a
/// delivery is <see cref="GitHubWebhookReceiver"/>'s job; a refused signature (401) is explained to the audit
/// trail's denied-request record.
/// </summary>
public static class GitHubWebhookApi
{
    public const string Path = "/api/webhooks/github";

    public static IEndpointRouteBuilder MapGitHubWebhookApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(Path, ReceiveAsync);
        return endpoints;
    }

    private static async Task<IResult> ReceiveAsync(HttpContext http, GitHubWebhookReceiver receiver, CancellationToken cancellationToken)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = GitHubWebhookReceiver.MaxBodyBytes;
        }
        using var body = new MemoryStream();
        await http.Request.Body.CopyToAsync(body, cancellationToken);
        var headers = http.Request.Headers.ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.OrdinalIgnoreCase);
        var outcome = await receiver.ReceiveAsync(headers, body.GetBuffer().AsMemory(0, (int)body.Length), cancellationToken);
        switch (outcome)
        {
            case GitHubWebhookOutcome.Unauthorized unauthorized:
                DeniedRequestAudit.Explain(http, AuditActor.Anonymous, $"GitHub webhook refused: {unauthorized.Reason}");
                return Results.Problem(
                    statusCode: StatusCodes.Status401Unauthorized,
                    title: "Unauthorized",
                    // One answer for a missing and a wrong signature: the caller learns nothing about the secrets.
                    detail: "The delivery's X-Hub-Signature-256 does not match a configured webhook secret.");
            case GitHubWebhookOutcome.Invalid invalid:
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Not a GitHub delivery", detail: invalid.Reason);
            case GitHubWebhookOutcome.Failed failed:
                return Results.Problem(
                    statusCode: StatusCodes.Status503ServiceUnavailable,
                    title: "The delivery could not be applied",
                    detail: $"Ingest run {failed.RunId} of {failed.Source} failed: {failed.Error} Redeliver it from GitHub later; the scheduled sync also repairs it.");
            case GitHubWebhookOutcome.Accepted accepted:
                return Results.Ok(new { outcome = "applied", source = accepted.Source, runId = accepted.RunId, rows = accepted.Rows });
            case GitHubWebhookOutcome.Duplicate duplicate:
                return Results.Ok(new { outcome = "duplicate", source = duplicate.Source, delivery = duplicate.DeliveryId });
            case GitHubWebhookOutcome.Stale stale:
                return Results.Ok(new { outcome = "stale", source = stale.Source, delivery = stale.DeliveryId, @object = stale.Object });
            case GitHubWebhookOutcome.Ignored ignored:
                return Results.Ok(new { outcome = "ignored", source = ignored.Source, reason = ignored.Reason });
            default:
                throw new InvalidOperationException($"Unknown webhook outcome {outcome.GetType().Name}.");
        }
    }
}
