namespace Analytics.Storage.Catalog;

/// <summary>
/// A local account (Analytics:Auth:Mode=Local), created with <c>analytics users add</c>. The password is stored only as a
/// hash (ASP.NET Core Identity's PasswordHasher format); roles and teams as the app names them (docs/security.md).
/// </summary>
public class UserAccount
{
    public int Id { get; set; }

    /// <summary>Unique, compared ignoring case.</summary>
    public required string UserName { get; set; }

    public required string PasswordHash { get; set; }

    /// <summary>Role names, comma-separated, e.g. "viewer,survey-analyst".</summary>
    public string Roles { get; set; } = "";

    /// <summary>Team slugs a team lead sees the rows of, comma-separated; empty: every team.</summary>
    public string Teams { get; set; } = "";

    /// <summary>Failed sign-ins since the last successful one (or the last lockout).</summary>
    public int FailedAttempts { get; set; }

    /// <summary>Until when sign-in is refused; null when not locked.</summary>
    public DateTimeOffset? LockoutEnd { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
