using Microsoft.Extensions.Options;

namespace Analytics.Web.Security;

/// <summary>
/// Sign-in must be configured outside development (an unset mode would otherwise leave every figure and the admin page
/// open), and a chosen mode must have what it needs.
/// </summary>
public sealed class AuthOptionsValidator(IHostEnvironment environment) : IValidateOptions<AuthOptions>
{
    private const string Oidc = $"{AuthOptions.Section}:{nameof(AuthOptions.OpenIdConnect)}";
    private const string Local = $"{AuthOptions.Section}:{nameof(AuthOptions.Local)}";

    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new List<string>();
        if (options.Mode is null && !environment.IsDevelopment())
        {
            failures.Add($"{AuthOptions.Section}:Mode is not set: outside development sign-in is required. Set it to OpenIdConnect or Local, " +
                $"or to Open to let anyone who reaches the app see and change everything (docs/security.md).");
        }
        if (options.Mode == AuthMode.OpenIdConnect)
        {
            var oidc = options.OpenIdConnect;
            if (!Uri.TryCreate(oidc.Authority, UriKind.Absolute, out var authority) || authority.Scheme is not ("https" or "http"))
            {
                failures.Add($"{Oidc}:Authority must be the identity provider's absolute URL (was '{oidc.Authority}').");
            }
            else if (authority.Scheme == "http" && oidc.RequireHttpsMetadata)
            {
                failures.Add($"{Oidc}:Authority must be https (was '{oidc.Authority}'); only a provider on loopback may use http, with RequireHttpsMetadata=false.");
            }
            if (string.IsNullOrWhiteSpace(oidc.ClientId))
            {
                failures.Add($"{Oidc}:ClientId is required with Mode=OpenIdConnect.");
            }
            if (string.IsNullOrWhiteSpace(oidc.ClientSecret))
            {
                failures.Add($"{Oidc}:ClientSecret is required with Mode=OpenIdConnect (set it as a secret, not in appsettings.json).");
            }
            if (string.IsNullOrWhiteSpace(oidc.RoleClaim))
            {
                failures.Add($"{Oidc}:RoleClaim names no claim; the default is 'groups'.");
            }
            foreach (var (value, role) in oidc.RoleMap.Where(pair => AnalyticsRoles.Parse(pair.Value) is null))
            {
                failures.Add($"{Oidc}:RoleMap:{value} maps to '{role}', which is no role: use {string.Join(", ", AnalyticsRoles.All)} or team-lead:<team>.");
            }
        }
        if (options.Local.MaxFailedAttempts is < 1 or > 100)
        {
            failures.Add($"{Local}:MaxFailedAttempts must be 1–100 (was {options.Local.MaxFailedAttempts}).");
        }
        if (options.Local.Lockout <= TimeSpan.Zero)
        {
            failures.Add($"{Local}:Lockout must be positive (was {options.Local.Lockout}).");
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>The mode in force: the configured one, else Open in development (else none: start-up has already failed).</summary>
    public static AuthMode? Effective(AuthMode? configured, IHostEnvironment environment) =>
        configured ?? (environment.IsDevelopment() ? AuthMode.Open : null);
}
