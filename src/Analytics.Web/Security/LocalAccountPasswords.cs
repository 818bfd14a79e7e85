using Analytics.Storage.Catalog;
using Microsoft.AspNetCore.Identity;

namespace Analytics.Web.Security;

/// <summary>Hashes and checks local account passwords with ASP.NET Core Identity's hasher (PBKDF2, its current format and iteration count).</summary>
public static class LocalAccountPasswords
{
    private static readonly PasswordHasher<UserAccount> Hasher = new();

    /// <summary>The fewest characters a password may have.</summary>
    public const int MinimumLength = 12;

    public static string Hash(string password) => Hasher.HashPassword(null!, password);

    /// <returns>Whether it matches; <paramref name="rehashed"/> is a new hash when the stored one uses older parameters.</returns>
    public static bool Verify(string hash, string password, out string? rehashed)
    {
        var result = Hasher.VerifyHashedPassword(null!, hash, password);
        rehashed = result == PasswordVerificationResult.SuccessRehashNeeded ? Hash(password) : null;
        return result != PasswordVerificationResult.Failed;
    }
}
