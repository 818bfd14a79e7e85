using Microsoft.EntityFrameworkCore;

namespace Analytics.Storage.Catalog;

/// <summary>The local accounts in the catalog: created, listed and removed by the CLI; read and updated by sign-in.</summary>
public sealed class UserAccounts(IDbContextFactory<CatalogDbContext> contextFactory, TimeProvider clock)
{
    public async Task<UserAccount?> FindAsync(string userName, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.UserAccounts.AsNoTracking().SingleOrDefaultAsync(a => a.UserName == userName.Trim(), cancellationToken);
    }

    public async Task<IReadOnlyList<UserAccount>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.UserAccounts.AsNoTracking().OrderBy(a => a.UserName).ToListAsync(cancellationToken);
    }

    /// <exception cref="ArgumentException">An account of that name exists already.</exception>
    public async Task AddAsync(string userName, string passwordHash, IEnumerable<string> roles, IEnumerable<string> teams, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var name = userName.Trim();
        if (await db.UserAccounts.AnyAsync(a => a.UserName == name, cancellationToken))
        {
            throw new ArgumentException($"There is already an account '{name}'.", nameof(userName));
        }
        db.UserAccounts.Add(new UserAccount { UserName = name, PasswordHash = passwordHash, Roles = Join(roles), Teams = Join(teams), CreatedAt = clock.GetUtcNow() });
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <returns>False when there is no such account.</returns>
    public async Task<bool> RemoveAsync(string userName, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        return await db.UserAccounts.Where(a => a.UserName == userName.Trim()).ExecuteDeleteAsync(cancellationToken) > 0;
    }

    /// <returns>False when there is no such account.</returns>
    public async Task<bool> SetRolesAsync(string userName, IEnumerable<string> roles, IEnumerable<string> teams, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var (joinedRoles, joinedTeams) = (Join(roles), Join(teams));
        return await db.UserAccounts.Where(a => a.UserName == userName.Trim())
            .ExecuteUpdateAsync(set => set.SetProperty(a => a.Roles, joinedRoles).SetProperty(a => a.Teams, joinedTeams), cancellationToken) > 0;
    }

    /// <summary>Counts a failed sign-in; the <paramref name="maxFailedAttempts"/>-th in a row locks the account until <paramref name="lockoutEnd"/>.</summary>
    /// <returns>True when this failure locked the account.</returns>
    public async Task<bool> RecordFailureAsync(int id, int maxFailedAttempts, DateTimeOffset lockoutEnd, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var account = await db.UserAccounts.SingleAsync(a => a.Id == id, cancellationToken);
        account.FailedAttempts++;
        var locks = account.FailedAttempts >= maxFailedAttempts;
        if (locks)
        {
            account.LockoutEnd = lockoutEnd;
            account.FailedAttempts = 0;
        }
        await db.SaveChangesAsync(cancellationToken);
        return locks;
    }

    /// <summary>A successful sign-in clears the failures and any lockout that has ended; a rehashed password is stored.</summary>
    public async Task RecordSuccessAsync(int id, string? rehashedPassword, CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var account = await db.UserAccounts.SingleAsync(a => a.Id == id, cancellationToken);
        account.FailedAttempts = 0;
        account.LockoutEnd = null;
        account.PasswordHash = rehashedPassword ?? account.PasswordHash;
        await db.SaveChangesAsync(cancellationToken);
    }

    public static IReadOnlyList<string> Split(string joined) => joined.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string Join(IEnumerable<string> values) =>
        string.Join(',', values.Select(v => v.Trim()).Where(v => v.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase));
}
