using System.Security.Claims;
using Analytics.Storage.Catalog;
using Microsoft.Extensions.Options;

namespace Analytics.Web.Security;

/// <summary>Why a local sign-in was refused; the page shows one message for all of them, so a name cannot be probed.</summary>
public enum SignInRefusal
{
    None,
    UnknownOrWrong,
    LockedOut,
}

/// <summary>
/// Checks a local account's password, counts failures and locks the account after Analytics:Auth:Local:MaxFailedAttempts.
/// Every refusal goes to the audit trail (action "signin.failed", or "signin.lockout" for the failure that locks),
/// with the account's name and the remote address; never the password. An unknown name is recorded as
/// <see cref="UnknownAccount"/>, not as typed: people type their password into the name field.
/// </summary>
public sealed class LocalSignIn(UserAccounts accounts, IOptions<AuthOptions> options, TimeProvider clock, ILogger<LocalSignIn> logger, IAuditTrail audit)
{
    public const string UnknownAccount = "(unknown account)";

    public async Task<(ClaimsPrincipal? User, SignInRefusal Refusal)> SignInAsync(
        string userName, string password, string scheme, string? remoteAddress = null, CancellationToken cancellationToken = default)
    {
        // Recorded even when the client has gone: a failed sign-in is worth keeping.
        Task RecordAsync(string who, string action, string outcome) =>
            audit.RecordAsync(new AuditRecord(new AuditActor(who, remoteAddress), action, "local account", outcome), CancellationToken.None);

        var account = await accounts.FindAsync(userName, cancellationToken);
        if (account is null)
        {
            // The same work as for a real account, so timing does not tell which names exist.
            LocalAccountPasswords.Verify(DummyHash.Value, password, out _);
            logger.LogWarning("Sign-in refused: no such account.");
            await RecordAsync(UnknownAccount, "signin.failed", "no such account");
            return (null, SignInRefusal.UnknownOrWrong);
        }
        var now = clock.GetUtcNow();
        if (account.LockoutEnd > now)
        {
            logger.LogWarning("Sign-in refused: account {Account} is locked until {LockoutEnd:O}.", account.Id, account.LockoutEnd);
            await RecordAsync(account.UserName, "signin.failed", $"locked until {account.LockoutEnd:O}");
            return (null, SignInRefusal.LockedOut);
        }
        if (!LocalAccountPasswords.Verify(account.PasswordHash, password, out var rehashed))
        {
            var local = options.Value.Local;
            var locked = await accounts.RecordFailureAsync(account.Id, local.MaxFailedAttempts, now + local.Lockout, cancellationToken);
            logger.LogWarning("Sign-in refused: wrong password for account {Account}.", account.Id);
            await RecordAsync(account.UserName, locked ? "signin.lockout" : "signin.failed",
                locked ? $"wrong password; locked until {now + local.Lockout:O} after {local.MaxFailedAttempts} failures" : "wrong password");
            return (null, SignInRefusal.UnknownOrWrong);
        }
        await accounts.RecordSuccessAsync(account.Id, rehashed, cancellationToken);
        // A team lead named for some teams: team-lead:<team> for each (AnalyticsRoles.Parse); no teams: every team.
        var (roles, teams) = (UserAccounts.Split(account.Roles), UserAccounts.Split(account.Teams));
        var values = teams.Count == 0 ? roles : roles.SelectMany(role => role == AnalyticsRoles.TeamLead ? teams.Select(team => $"{role}:{team}") : [role]);
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, account.UserName), .. AnalyticsRoles.Claims(values)], scheme);
        return (new ClaimsPrincipal(identity), SignInRefusal.None);
    }

    private static readonly Lazy<string> DummyHash = new(() => LocalAccountPasswords.Hash(Guid.NewGuid().ToString()));
}
