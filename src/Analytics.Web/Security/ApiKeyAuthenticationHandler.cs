using System.Security.Claims;
using System.Text.Encodings.Web;
using Analytics.Ingestors.Push;
using Analytics.Storage.Catalog;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Analytics.Web.Security;

/// <summary>
/// The "ApiKey" authentication scheme: <c>Authorization: Bearer &lt;key&gt;</c> on /api/* with a read key from the
/// catalog yields a principal named "key ak_…" carrying the key's role (<see cref="ClaimTypes.Role"/>). No header, a
/// bearer token that is not in the form of a catalog key, or a request to /api/push (which checks its push keys
/// itself) is no result (another scheme may take it); a key that is unknown, wrong, revoked, expired or a push key
/// fails, and the failure is recorded in the audit trail.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ApiKeys keys, IAuditTrail audit)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    /// <summary>The claim holding the key's public prefix.</summary>
    public const string KeyPrefixClaim = "analytics:key";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Carries(Request) || PushTokens.BearerToken(Request.Headers.Authorization.ToString()) is not { } token)
        {
            return AuthenticateResult.NoResult();
        }
        var check = await keys.AuthenticateAsync(token, Context.RequestAborted);
        var failure = check.Status != ApiKeyStatus.Valid ? check.Reason
            : check.Key!.Purpose != ApiKeys.ReadPurpose ? $"key {check.Key.Prefix} is a {check.Key.Purpose} key, not a read key"
            : null;
        if (failure is not null)
        {
            await audit.RecordAsync(new AuditRecord(new AuditActor(check.Actor, Context.Connection.RemoteIpAddress?.ToString()),
                "apikey.authenticate", $"{Request.Method} {Request.Path}", $"failed: {failure}"), Context.RequestAborted);
            return AuthenticateResult.Fail(failure);
        }
        // The key's role with the roles it implies (a team-lead key reads figures too), as a signed-in person's are.
        var identity = new ClaimsIdentity(
            [new Claim(ClaimTypes.Name, check.Actor), .. AnalyticsRoles.Claims([check.Key!.Role!]), new Claim(KeyPrefixClaim, check.Key.Prefix)],
            SchemeName, ClaimTypes.Name, ClaimTypes.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    /// <summary>Whether this scheme answers for the request: a catalog key as bearer token on /api/*, push excepted.</summary>
    public static bool Carries(HttpRequest request) =>
        request.Path.StartsWithSegments("/api") && !request.Path.StartsWithSegments("/api/push")
        && PushTokens.BearerToken(request.Headers.Authorization.ToString()) is { } token && ApiKeys.PrefixOf(token) is not null;

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }
}

public static class ApiKeyAuthenticationExtensions
{
    /// <summary>Adds the <see cref="ApiKeyAuthenticationHandler.SchemeName"/> scheme; policies name it to accept read keys.</summary>
    public static AuthenticationBuilder AddApiKeys(this AuthenticationBuilder builder) =>
        builder.AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
}
