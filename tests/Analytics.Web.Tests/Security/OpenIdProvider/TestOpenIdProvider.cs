using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Analytics.Web.Tests.Security.OpenIdProvider;

/// <summary>
/// A real OpenID Connect provider for the tests (OpenIddict on Kestrel at a free port of 127.0.0.1): discovery, JWKS,
/// authorization code flow with PKCE, a token endpoint that issues an ID token with the user's <c>groups</c>.
/// There is no login form: the authorization endpoint signs in the user named by the <see cref="UserCookie"/> cookie
/// (which the test sets in the browser), one of <see cref="Users"/>.
/// </summary>
public sealed class TestOpenIdProvider : IAsyncDisposable
{
    /// <summary>The cookie (on the provider's address) naming which of <see cref="Users"/> signs in.</summary>
    public const string UserCookie = "test-oidc-user";

    public const string GroupsScope = "groups";

    private readonly WebApplication _app;

    private TestOpenIdProvider(WebApplication app, IReadOnlyDictionary<string, TestUser> users)
    {
        _app = app;
        Users = users;
        Authority = new Uri(app.Urls.Single().TrimEnd('/') + "/");
    }

    /// <summary>The issuer, e.g. http://127.0.0.1:41235/ (its /.well-known/openid-configuration is served).</summary>
    public Uri Authority { get; }

    public IReadOnlyDictionary<string, TestUser> Users { get; }

    /// <summary>Starts the provider with these users; clients are registered afterwards (the app's address is known only once it runs).</summary>
    public static async Task<TestOpenIdProvider> StartAsync(IEnumerable<TestUser> users, ILoggerProvider? log = null)
    {
        var byId = users.ToDictionary(user => user.Id);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = [], EnvironmentName = Environments.Development });
        // Nothing from the app's appsettings.json (copied beside the tests) applies to the provider.
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        if (log is not null)
        {
            builder.Logging.AddProvider(log);
        }
        var database = $"oidc-{Guid.NewGuid():N}";
        builder.Services.AddDbContext<DbContext>(options =>
        {
            options.UseInMemoryDatabase(database);
            options.UseOpenIddict();
        });
        builder.Services.AddOpenIddict()
            .AddCore(options => options.UseEntityFrameworkCore().UseDbContext<DbContext>())
            .AddServer(options =>
            {
                options.SetAuthorizationEndpointUris("connect/authorize").SetTokenEndpointUris("connect/token");
                options.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
                options.RegisterScopes(Scopes.OpenId, Scopes.Profile, GroupsScope);
                options.AddEphemeralEncryptionKey().AddEphemeralSigningKey();
                // The token endpoint redeems codes on its own; only the authorization endpoint needs this host's code.
                options.UseAspNetCore().EnableAuthorizationEndpointPassthrough().DisableTransportSecurityRequirement();
            });

        var app = builder.Build();
        app.MapMethods("connect/authorize", [HttpMethods.Get, HttpMethods.Post], (HttpContext http) => Authorize(http, byId));
        await app.StartAsync();
        return new TestOpenIdProvider(app, byId);
    }

    /// <summary>Registers a confidential client (code flow with PKCE) whose redirect URI is <paramref name="redirectUri"/>.</summary>
    public async Task AddClientAsync(string clientId, string clientSecret, Uri redirectUri)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        await applications.CreateAsync(new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientSecret = clientSecret,
            ClientType = ClientTypes.Confidential,
            RedirectUris = { redirectUri },
            Permissions =
            {
                Permissions.Endpoints.Authorization,
                Permissions.Endpoints.Token,
                Permissions.GrantTypes.AuthorizationCode,
                Permissions.ResponseTypes.Code,
                Permissions.Scopes.Profile,
                Permissions.Prefixes.Scope + GroupsScope,
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        });
    }

    /// <summary>Signs in the user the cookie names, with the scopes asked for; the name and groups go into the ID token.</summary>
    private static IResult Authorize(HttpContext http, IReadOnlyDictionary<string, TestUser> users)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        if (!http.Request.Cookies.TryGetValue(UserCookie, out var id) || !users.TryGetValue(id, out var user))
        {
            return Results.Forbid(
                new Microsoft.AspNetCore.Authentication.AuthenticationProperties(new Dictionary<string, string?>
                {
                    [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.AccessDenied,
                    [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = $"No test user: set the {UserCookie} cookie.",
                }),
                [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }
        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.AddClaim(new Claim(Claims.Subject, user.Id));
        identity.AddClaim(new Claim(Claims.Name, user.Name));
        identity.AddClaims(user.Groups.Select(group => new Claim(GroupsScope, group)));
        identity.SetScopes(request.GetScopes());
        identity.SetDestinations(claim => claim.Type switch
        {
            Claims.Name when identity.HasScope(Scopes.Profile) => [Destinations.IdentityToken, Destinations.AccessToken],
            GroupsScope when identity.HasScope(GroupsScope) => [Destinations.IdentityToken, Destinations.AccessToken],
            Claims.Subject => [Destinations.IdentityToken, Destinations.AccessToken],
            _ => [],
        });
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>A person the provider can sign in: subject, display name and group memberships.</summary>
public sealed record TestUser(string Id, string Name, IReadOnlyList<string> Groups);
