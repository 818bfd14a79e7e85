using System.Security.Claims;
using Analytics.Storage.Catalog;
using Analytics.Storage.Settings;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;

namespace Analytics.Web.Security;

/// <summary>Sign-in (Analytics:Auth) and the role policies: cookie sessions, fed by local accounts or an OpenID Connect provider, or mode Open.</summary>
public static class SecurityServiceCollectionExtensions
{
    public static IServiceCollection AddAnalyticsSecurity(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddValidatedOptions<AuthOptions, AuthOptionsValidator>(configuration, AuthOptions.Section);
        // The mode decides which handlers exist; a value that is no mode leaves none signed in, and start-up fails on it.
        var configured = Enum.TryParse<AuthMode>(configuration[$"{AuthOptions.Section}:Mode"], ignoreCase: true, out var parsed) ? parsed : (AuthMode?)null;
        var mode = AuthOptionsValidator.Effective(configured, environment);
        services.AddSingleton(new AnalyticsAuthentication(mode));
        services.AddSingleton<LocalSignIn>();
        services.AddCascadingAuthenticationState();
        // The circuit's user is re-checked every few minutes (expired session, removed or locked account).
        services.AddScoped<Microsoft.AspNetCore.Components.Authorization.AuthenticationStateProvider>(provider => new SessionRevalidation(
            provider.GetRequiredService<ILoggerFactory>(), provider.GetRequiredService<IServiceScopeFactory>(),
            provider.GetRequiredService<AnalyticsAuthentication>(), provider.GetRequiredService<TimeProvider>()));
        services.AddAuthorizationBuilder().AddAnalyticsPolicies();

        if (mode == AuthMode.Open)
        {
            services.AddAuthentication(OpenAccessHandler.SchemeName).AddScheme<AuthenticationSchemeOptions, OpenAccessHandler>(OpenAccessHandler.SchemeName, null);
            return services;
        }
        var authentication = services.AddAuthentication(options =>
        {
            options.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
            options.DefaultChallengeScheme = mode == AuthMode.OpenIdConnect ? OpenIdConnectDefaults.AuthenticationScheme : CookieAuthenticationDefaults.AuthenticationScheme;
        });
        authentication.AddApiKeys();
        authentication.AddCookie(options =>
        {
            // A read key on the JSON API signs the request in instead of the session cookie (docs/security.md, "Keys").
            options.ForwardDefaultSelector = context => ApiKeyAuthenticationHandler.Carries(context.Request) ? ApiKeyAuthenticationHandler.SchemeName : null;
            options.Cookie.Name = "analytics.session";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.ExpireTimeSpan = TimeSpan.FromHours(8);
            options.SlidingExpiration = true;
            options.LoginPath = AnalyticsAuthentication.SignInPath;
            options.LogoutPath = AnalyticsAuthentication.SignOutPath;
            options.AccessDeniedPath = AnalyticsAuthentication.DeniedPath;
            options.Events.OnRedirectToLogin = context => RedirectOrStatus(context, StatusCodes.Status401Unauthorized);
            options.Events.OnRedirectToAccessDenied = context => RedirectOrStatus(context, StatusCodes.Status403Forbidden);
            options.Events.OnValidatePrincipal = SessionRevalidation.AddSessionExpiry;
        });
        if (mode == AuthMode.OpenIdConnect)
        {
            authentication.AddOpenIdConnect();
            services.AddOptions<OpenIdConnectOptions>(OpenIdConnectDefaults.AuthenticationScheme).Configure<IOptions<AuthOptions>>(ConfigureOpenIdConnect);
            services.AddOptions<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme).Configure<IOptions<AuthOptions>>((cookie, auth) =>
                cookie.Events.OnSigningIn = context =>
                {
                    context.Principal = OpenIdConnectRoles.Map(context.Principal!, auth.Value.OpenIdConnect, context.Scheme.Name);
                    return Task.CompletedTask;
                });
        }
        return services;
    }

    /// <summary>A browser is sent to the sign-in or access-denied page; the JSON API answers 401 or 403.</summary>
    private static Task RedirectOrStatus(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (IsApi(context.Request))
        {
            context.Response.StatusCode = status;
        }
        else
        {
            context.Response.Redirect(context.RedirectUri);
        }
        return Task.CompletedTask;
    }

    private static bool IsApi(HttpRequest request) => request.Path.StartsWithSegments("/api");

    private static void ConfigureOpenIdConnect(OpenIdConnectOptions oidc, IOptions<AuthOptions> auth)
    {
        var settings = auth.Value.OpenIdConnect;
        oidc.Authority = settings.Authority;
        oidc.ClientId = settings.ClientId;
        oidc.ClientSecret = settings.ClientSecret;
        oidc.RequireHttpsMetadata = settings.RequireHttpsMetadata;
        oidc.ResponseType = "code";
        oidc.UsePkce = true;
        // Tokens are not kept in the cookie: the app needs who and which roles, nothing to call the provider with later.
        oidc.SaveTokens = false;
        oidc.GetClaimsFromUserInfoEndpoint = true;
        oidc.MapInboundClaims = false;
        oidc.TokenValidationParameters.NameClaimType = "name";
        oidc.SignInScheme = CookieAuthenticationDefaults.AuthenticationScheme;
        foreach (var scope in settings.Scopes)
        {
            oidc.Scope.Add(scope);
        }
        oidc.ClaimActions.MapJsonKey(settings.RoleClaim, settings.RoleClaim);
        // A failed sign-in at the provider (an error answer, a bad state or token) goes to the audit trail, then to the
        // access-denied page instead of an exception page. The message names the failure, never a token.
        oidc.Events.OnRemoteFailure = async context =>
        {
            await RecordOpenIdConnectFailureAsync(context.HttpContext, context.Failure?.Message ?? "remote sign-in failed");
            context.Response.Redirect(AnalyticsAuthentication.DeniedPath);
            context.HandleResponse();
        };
        oidc.Events.OnAuthenticationFailed = context =>
            RecordOpenIdConnectFailureAsync(context.HttpContext, context.Exception.Message);
        // The JSON API answers 401 instead of sending a script to the provider's login page.
        oidc.Events.OnRedirectToIdentityProvider = context =>
        {
            if (IsApi(context.Request))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.HandleResponse();
            }
            return Task.CompletedTask;
        };
    }

    private static Task RecordOpenIdConnectFailureAsync(HttpContext http, string reason) =>
        http.RequestServices.GetRequiredService<IAuditTrail>().RecordAsync(new AuditRecord(
            new AuditActor(AuditActor.Anonymous, http.Connection.RemoteIpAddress?.ToString()),
            "signin.failed", "openid connect", reason.Length > 500 ? reason[..500] : reason), CancellationToken.None);

    /// <summary>The sign-in, challenge and sign-out endpoints the sign-in page and the layout post to.</summary>
    public static IEndpointRouteBuilder MapAnalyticsSecurity(this IEndpointRouteBuilder endpoints)
    {
        var account = endpoints.MapGroup("").AllowAnonymous();
        account.MapPost(AnalyticsAuthentication.PasswordSignInPath, SignInAsync);
        account.MapGet(AnalyticsAuthentication.ChallengePath, (string? returnUrl, AnalyticsAuthentication auth) => auth.Mode == AuthMode.OpenIdConnect
            ? Results.Challenge(new AuthenticationProperties { RedirectUri = AnalyticsAuthentication.LocalPath(returnUrl) }, [OpenIdConnectDefaults.AuthenticationScheme])
            : Results.Redirect(AnalyticsAuthentication.LocalPath(returnUrl)));
        account.MapPost(AnalyticsAuthentication.SignOutPath, async (HttpContext http, AnalyticsAuthentication auth, IAntiforgery antiforgery) =>
        {
            // The layout's form carries a token; another site's post (or a script's) signs no one out.
            if (!await antiforgery.IsRequestValidAsync(http))
            {
                return Results.BadRequest();
            }
            if (auth.HasSignIn)
            {
                await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            }
            return Results.Redirect($"{AnalyticsAuthentication.SignInPath}?signedOut=true");
        });
        return endpoints;
    }

    /// <summary>The sign-in form's post (antiforgery checked, as for every form-bound endpoint): a cookie and back to the page, or the form again.</summary>
    private static async Task<IResult> SignInAsync(
        [Microsoft.AspNetCore.Mvc.FromForm] SignInForm form, HttpContext http, AnalyticsAuthentication auth, LocalSignIn local, CancellationToken cancellationToken)
    {
        var returnUrl = AnalyticsAuthentication.LocalPath(form.ReturnUrl);
        if (auth.Mode != AuthMode.Local)
        {
            return Results.Redirect(returnUrl);
        }
        var (user, refusal) = await local.SignInAsync(form.UserName ?? "", form.Password ?? "", CookieAuthenticationDefaults.AuthenticationScheme,
            http.Connection.RemoteIpAddress?.ToString(), cancellationToken);
        if (user is null)
        {
            return Results.Redirect($"{AnalyticsAuthentication.SignInPath}?failed=true&returnUrl={Uri.EscapeDataString(returnUrl)}");
        }
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, user);
        return Results.Redirect(returnUrl);
    }

    /// <summary>The sign-in form's fields.</summary>
    public sealed class SignInForm
    {
        public string? UserName { get; set; }

        public string? Password { get; set; }

        public string? ReturnUrl { get; set; }
    }
}

/// <summary>From the identity provider's claims to the app's roles (Analytics:Auth:OpenIdConnect:RoleClaim and RoleMap).</summary>
public static class OpenIdConnectRoles
{
    /// <summary>A principal with the person's name and the mapped roles and teams only; unmapped values give no role (access denied).</summary>
    public static ClaimsPrincipal Map(ClaimsPrincipal external, OpenIdConnectSettings settings, string scheme)
    {
        var values = external.FindAll(settings.RoleClaim)
            .Select(claim => settings.RoleMap.GetValueOrDefault(claim.Value))
            .OfType<string>();
        var name = external.FindFirst("name") ?? external.FindFirst("preferred_username") ?? external.FindFirst("email") ?? external.FindFirst("sub");
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, name?.Value ?? "unknown"), .. AnalyticsRoles.Claims(values)], scheme);
        return new ClaimsPrincipal(identity);
    }
}
