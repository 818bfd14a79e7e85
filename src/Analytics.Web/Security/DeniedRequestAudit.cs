using Analytics.Storage.Catalog;

namespace Analytics.Web.Security;

/// <summary>
/// Records every denied request (a 401 or 403 answer) in the audit trail: method and path, the principal (or
/// anonymous), the remote address and the status, with the reason an endpoint gave through <see cref="Explain"/>
/// (e.g. the push API's "key ak_… was revoked"). Register it before authentication and authorization, so it sees
/// their answers too.
/// </summary>
public sealed class DeniedRequestAudit(RequestDelegate next, IAuditTrail audit)
{
    private const string ReasonKey = "Analytics.Security.DeniedRequestAudit.Reason";

    /// <summary>Tells the audit who was refused and why (never a secret), for when the answer is 401 or 403.</summary>
    public static void Explain(HttpContext context, string actor, string reason) => context.Items[ReasonKey] = (actor, reason);

    public async Task InvokeAsync(HttpContext context)
    {
        await next(context);
        var status = context.Response.StatusCode;
        if (status is not (StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden))
        {
            return;
        }
        var (actor, reason) = context.Items.TryGetValue(ReasonKey, out var explained) && explained is (string who, string why)
            ? (who, why)
            : (context.User.Identity is { IsAuthenticated: true } identity ? identity.Name ?? "signed-in user" : AuditActor.Anonymous, "");
        await audit.RecordAsync(new AuditRecord(
            new AuditActor(actor, context.Connection.RemoteIpAddress?.ToString()), "request.denied",
            $"{context.Request.Method} {context.Request.Path}", reason.Length == 0 ? $"{status}" : $"{status}: {reason}"),
            // Recorded even when the client has gone: a denial is worth keeping.
            CancellationToken.None);
    }
}

public static class DeniedRequestAuditExtensions
{
    public static IApplicationBuilder UseDeniedRequestAudit(this IApplicationBuilder app) => app.UseMiddleware<DeniedRequestAudit>();
}
