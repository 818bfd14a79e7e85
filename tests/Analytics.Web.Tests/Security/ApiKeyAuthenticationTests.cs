using System.Security.Claims;
using Analytics.Storage.Catalog;
using Analytics.Web.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;

namespace Analytics.Web.Tests.Security;

/// <summary>The "ApiKey" scheme on its own, without endpoints: what a request's bearer key makes of its principal.</summary>
public sealed class ApiKeyAuthenticationTests : IAsyncLifetime
{
    private static readonly AuditActor Admin = new("admin-user", "127.0.0.1");
    private readonly string _folder = Directory.CreateTempSubdirectory("analytics-apikey-").FullName;
    private ServiceProvider _services = null!;

    private ApiKeys Keys => _services.GetRequiredService<ApiKeys>();

    public async Task InitializeAsync()
    {
        var services = new ServiceCollection().AddLogging().AddCatalog($"Data Source={Path.Combine(_folder, "catalog.db")}");
        services.AddAuthentication().AddApiKeys();
        _services = services.BuildServiceProvider();
        await _services.GetRequiredService<CatalogDatabase>().MigrateAsync();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private async Task<AuthenticateResult> AuthenticateAsync(string? key, string path = "/api/dora")
    {
        // A scope per request, as the host gives each: the handler and its result belong to one request.
        await using var scope = _services.CreateAsyncScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        context.Request.Method = "GET";
        context.Request.Path = path;
        if (key is not null)
        {
            context.Request.Headers.Authorization = $"Bearer {key}";
        }
        return await context.AuthenticateAsync(ApiKeyAuthenticationHandler.SchemeName);
    }

    [Fact]
    public async Task A_read_key_yields_a_principal_with_its_role_and_prefix()
    {
        var created = await Keys.CreateAsync(new ApiKeyRequest("backstage", ApiKeys.ReadPurpose, Role: AnalyticsRoles.TeamLead), Admin);

        var result = await AuthenticateAsync(created.Secret);

        Assert.True(result.Succeeded, result.Failure?.Message);
        var user = result.Principal!;
        Assert.True(user.IsInRole(AnalyticsRoles.TeamLead));
        Assert.False(user.IsInRole(AnalyticsRoles.Admin));
        Assert.Equal($"key {created.Key.Prefix}", user.Identity!.Name);
        Assert.Equal(created.Key.Prefix, user.FindFirstValue(ApiKeyAuthenticationHandler.KeyPrefixClaim));
    }

    [Fact]
    public async Task A_push_revoked_or_wrong_key_fails_and_is_audited_while_no_key_or_another_path_is_no_result()
    {
        var push = await Keys.CreateAsync(new ApiKeyRequest("ci", ApiKeys.PushPurpose, Source: "ci"), Admin);
        var read = await Keys.CreateAsync(new ApiKeyRequest("portal", ApiKeys.ReadPurpose, Role: AnalyticsRoles.Viewer), Admin);
        await Keys.RevokeAsync(read.Key.Prefix, Admin);

        Assert.Equal($"key {push.Key.Prefix} is a push key, not a read key", (await AuthenticateAsync(push.Secret)).Failure?.Message);
        Assert.Equal($"key {read.Key.Prefix} was revoked", (await AuthenticateAsync(read.Secret)).Failure?.Message);
        Assert.Equal("no such key", (await AuthenticateAsync("ak_0123456789." + new string('b', 43))).Failure?.Message);
        Assert.True((await AuthenticateAsync(null)).None);
        Assert.True((await AuthenticateAsync("a-configured-push-token-not-a-catalog-key")).None);
        Assert.True((await AuthenticateAsync(push.Secret, path: "/team/alpha")).None);
        Assert.True((await AuthenticateAsync(push.Secret, path: "/api/push/deployments")).None);

        var failures = (await _services.GetRequiredService<AuditTrail>().PageAsync(new AuditQuery(Action: "apikey."), 0, 10)).Entries;
        Assert.Equal(3, failures.Count);
        Assert.All(failures, entry => Assert.Equal(("apikey.authenticate", "GET /api/dora"), (entry.Action, entry.Target)));
        Assert.DoesNotContain(failures, entry => entry.Outcome.Contains(push.Secret[(push.Key.Prefix.Length + 1)..], StringComparison.Ordinal));
    }

    [Fact]
    public void The_roles_a_read_key_may_carry_are_the_apps_roles()
    {
        Assert.Equal(AnalyticsRoles.All.Order(), ApiKeys.Roles.Order());
    }
}
