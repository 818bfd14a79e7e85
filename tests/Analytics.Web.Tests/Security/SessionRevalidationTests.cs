using System.Security.Claims;
using Analytics.Storage.Catalog;
using Analytics.Web.Security;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Logging.Abstractions;

namespace Analytics.Web.Tests.Security;

/// <summary>
/// The Blazor circuit's user is re-checked (<see cref="SessionRevalidation"/>) over a real catalog: a removed or locked
/// local account, or an expired session, loses access on the next check; the framework's revalidation loop then
/// turns the circuit's user anonymous.
/// </summary>
public sealed class SessionRevalidationTests : IAsyncLifetime
{
    private readonly string _catalogPath = Path.Combine(Path.GetTempPath(), $"analytics-revalidation-{Guid.NewGuid():N}.db");
    private readonly DateTimeOffset _now = DateTimeOffset.UtcNow;
    private ServiceProvider _services = default!;

    private UserAccounts Accounts => _services.GetRequiredService<UserAccounts>();

    public async Task InitializeAsync()
    {
        var services = new ServiceCollection();
        services.AddSingleton(TimeProvider.System);
        services.AddCatalog($"Data Source={_catalogPath}");
        _services = services.BuildServiceProvider();
        await _services.GetRequiredService<CatalogDatabase>().MigrateAsync();
        await Accounts.AddAsync("erin", LocalAccountPasswords.Hash("irrelevant here"), [AnalyticsRoles.Viewer], []);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_catalogPath);
    }

    private SessionRevalidation Provider(AuthMode mode, TimeSpan? interval = null) =>
        new(NullLoggerFactory.Instance, _services.GetRequiredService<IServiceScopeFactory>(), new AnalyticsAuthentication(mode), TimeProvider.System, interval);

    private static ClaimsPrincipal Session(string name, DateTimeOffset? expires = null) => new(new ClaimsIdentity(
        [new Claim(ClaimTypes.Name, name), .. AnalyticsRoles.Claims([AnalyticsRoles.Viewer]),
            .. expires is { } at ? [new Claim(SessionRevalidation.SessionExpiresClaim, at.ToString("O"))] : Array.Empty<Claim>()],
        CookieAuthenticationDefaults.AuthenticationScheme));

    [Fact]
    public async Task A_live_session_stays_and_a_removed_or_locked_account_or_an_expired_session_loses_access()
    {
        var provider = Provider(AuthMode.Local);
        Assert.True(await provider.StillValidAsync(Session("erin", _now.AddHours(1))));
        Assert.False(await provider.StillValidAsync(Session("erin", _now.AddSeconds(-1))));
        Assert.False(await provider.StillValidAsync(Session("someone-removed")));

        var account = (await Accounts.FindAsync("erin"))!;
        for (var attempt = 0; attempt < 2; attempt++)
        {
            await Accounts.RecordFailureAsync(account.Id, maxFailedAttempts: 2, lockoutEnd: _now.AddMinutes(15));
        }
        Assert.False(await provider.StillValidAsync(Session("erin")));

        // An OpenID Connect session has no local account to look up; only its expiry counts. Mode Open takes nothing away.
        Assert.True(await Provider(AuthMode.OpenIdConnect).StillValidAsync(Session("someone-removed", _now.AddHours(1))));
        Assert.False(await Provider(AuthMode.OpenIdConnect).StillValidAsync(Session("someone-removed", _now.AddSeconds(-1))));
        Assert.True(await Provider(AuthMode.Open).StillValidAsync(Session("someone-removed", _now.AddSeconds(-1))));
    }

    [Fact]
    public async Task The_circuit_user_becomes_anonymous_on_the_first_check_after_the_account_is_removed()
    {
        using var provider = Provider(AuthMode.Local, TimeSpan.FromMilliseconds(200));
        provider.SetAuthenticationState(Task.FromResult(new AuthenticationState(Session("erin", _now.AddHours(8)))));
        // Subscribed after the circuit's first state (setting it raises the event too): only revalidation's change counts.
        var changed = new TaskCompletionSource<AuthenticationState>(TaskCreationOptions.RunContinuationsAsynchronously);
        provider.AuthenticationStateChanged += async task => changed.TrySetResult(await task);

        await Task.Delay(700);   // several checks pass while the account exists
        Assert.False(changed.Task.IsCompleted);
        Assert.True((await provider.GetAuthenticationStateAsync()).User.Identity!.IsAuthenticated);

        Assert.True(await Accounts.RemoveAsync("erin"));
        var state = await changed.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(state.User.Identity?.IsAuthenticated ?? false);
        Assert.False((await provider.GetAuthenticationStateAsync()).User.IsInRole(AnalyticsRoles.Viewer));
    }
}
