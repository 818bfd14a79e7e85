using System.Security.Claims;
using Analytics.Storage.Catalog;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;

namespace Analytics.Web.Security;

/// <summary>
/// Re-checks a Blazor circuit's user every <see cref="Interval"/>: a circuit lives on after its HTTP request, so
/// without this a session that expired, or a local account removed or locked meanwhile, would keep its access for as
/// long as the tab stays open. When the check fails the circuit's user becomes anonymous and every authorised
/// component re-renders as not authorised.
/// </summary>
public sealed class SessionRevalidation(
    ILoggerFactory loggerFactory, IServiceScopeFactory scopes, AnalyticsAuthentication auth, TimeProvider clock, TimeSpan? interval = null)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    /// <summary>
    /// The session cookie's expiry, added to the request's user when the cookie is read: a circuit has no cookie to
    /// look at later. With sliding expiration it is the expiry before this request renewed it, so never later than real.
    /// </summary>
    public const string SessionExpiresClaim = "analytics:session_expires";

    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMinutes(3);

    public TimeSpan Interval { get; } = interval ?? DefaultInterval;

    protected override TimeSpan RevalidationInterval => Interval;

    protected override Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken) =>
        StillValidAsync(authenticationState.User, cancellationToken);

    /// <summary>False when the session has expired, or its local account is gone or locked.</summary>
    public async Task<bool> StillValidAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        if (user.Identity is not { IsAuthenticated: true } identity || !auth.HasSignIn)
        {
            return true;   // nothing to take away (anonymous, or mode Open)
        }
        var now = clock.GetUtcNow();
        if (user.FindFirst(SessionExpiresClaim) is { } claim
            && DateTimeOffset.TryParse(claim.Value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind, out var expires)
            && expires <= now)
        {
            return false;
        }
        if (auth.Mode != AuthMode.Local || identity.AuthenticationType != CookieAuthenticationDefaults.AuthenticationScheme)
        {
            return true;
        }
        await using var scope = scopes.CreateAsyncScope();
        var account = await scope.ServiceProvider.GetRequiredService<UserAccounts>().FindAsync(identity.Name ?? "", cancellationToken);
        return account is not null && !(account.LockoutEnd > now);
    }

    /// <summary>The cookie handler's hook: copies the ticket's expiry into the request's user as <see cref="SessionExpiresClaim"/>.</summary>
    public static Task AddSessionExpiry(CookieValidatePrincipalContext context)
    {
        if (context.Properties.ExpiresUtc is { } expires && context.Principal?.Identity is ClaimsIdentity identity)
        {
            var copy = identity.Clone();
            foreach (var old in copy.FindAll(SessionExpiresClaim).ToList())
            {
                copy.RemoveClaim(old);
            }
            copy.AddClaim(new Claim(SessionExpiresClaim, expires.ToString("O", System.Globalization.CultureInfo.InvariantCulture)));
            context.ReplacePrincipal(new ClaimsPrincipal(copy));
        }
        return Task.CompletedTask;
    }
}
