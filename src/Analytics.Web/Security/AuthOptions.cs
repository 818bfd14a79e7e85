namespace Analytics.Web.Security;

/// <summary>How people sign in to the dashboard and the JSON API (docs/security.md). Bound from <see cref="Section"/>.</summary>
public sealed class AuthOptions
{
    public const string Section = "Analytics:Auth";

    /// <summary>
    /// <see cref="AuthMode.OpenIdConnect"/>, <see cref="AuthMode.Local"/> or <see cref="AuthMode.Open"/> (no sign-in, everyone is admin).
    /// Unset: Open in the Development environment; anywhere else the app refuses to start.
    /// </summary>
    public AuthMode? Mode { get; set; }

    public OpenIdConnectSettings OpenIdConnect { get; set; } = new();

    public LocalAccountSettings Local { get; set; } = new();
}

public enum AuthMode
{
    Open,
    Local,
    OpenIdConnect,
}

/// <summary>The organisation's identity provider.</summary>
public sealed class OpenIdConnectSettings
{
    /// <summary>The issuer, e.g. https://login.example.com/realms/acme; its /.well-known/openid-configuration is read.</summary>
    public string? Authority { get; set; }

    public string? ClientId { get; set; }

    /// <summary>Secret: never logged, never in a page.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Scopes asked for besides openid and profile, e.g. "groups".</summary>
    public List<string> Scopes { get; set; } = [];

    /// <summary>The claim of the ID token (or user info) whose values are mapped to roles.</summary>
    public string RoleClaim { get; set; } = "groups";

    /// <summary>A value of <see cref="RoleClaim"/> → a role (<c>viewer</c>, <c>team-lead</c>, <c>team-lead:&lt;team&gt;</c>, <c>survey-analyst</c>, <c>admin</c>).</summary>
    public Dictionary<string, string> RoleMap { get; set; } = [];

    /// <summary>Whether the authority must be https (false only for a provider on loopback, as in the tests).</summary>
    public bool RequireHttpsMetadata { get; set; } = true;
}

/// <summary>Accounts kept in the catalog, created with <c>analytics users add</c>.</summary>
public sealed class LocalAccountSettings
{
    /// <summary>Failed sign-ins in a row that lock the account.</summary>
    public int MaxFailedAttempts { get; set; } = 5;

    /// <summary>How long a locked account stays locked.</summary>
    public TimeSpan Lockout { get; set; } = TimeSpan.FromMinutes(15);
}
