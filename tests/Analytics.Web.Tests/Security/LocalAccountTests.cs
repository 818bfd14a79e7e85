using Analytics.Storage.Catalog;
using Analytics.Web.Cli;
using Analytics.Web.Security;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Analytics.Web.Tests.Security;

/// <summary>Local accounts over a catalog of their own: the hash, lockout after N failures for M minutes, and the CLI's add/list/remove.</summary>
public sealed class LocalAccountTests : IAsyncLifetime
{
    private const string Password = "correct horse battery staple";
    private readonly string _catalogPath = Path.Combine(Path.GetTempPath(), $"analytics-accounts-{Guid.NewGuid():N}.db");
    private readonly MovableClock _clock = new(new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero));
    private ServiceProvider _services = default!;

    private UserAccounts Accounts => _services.GetRequiredService<UserAccounts>();

    public async Task InitializeAsync()
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_clock);
        services.AddCatalog($"Data Source={_catalogPath}");
        _services = services.BuildServiceProvider();
        await _services.GetRequiredService<CatalogDatabase>().MigrateAsync();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        File.Delete(_catalogPath);
    }

    [Fact]
    public async Task The_password_is_stored_only_as_a_salted_hash_that_verifies()
    {
        Assert.Equal(0, await UserCommands.AddAsync(Accounts, "ada", [AnalyticsRoles.Admin], [], Password, TextWriter.Null));
        Assert.Equal(0, await UserCommands.AddAsync(Accounts, "bob", [AnalyticsRoles.Viewer], [], Password, TextWriter.Null));

        var (ada, bob) = ((await Accounts.FindAsync("ADA"))!, (await Accounts.FindAsync("bob"))!);
        Assert.DoesNotContain(Password, ada.PasswordHash, StringComparison.Ordinal);
        Assert.NotEqual(ada.PasswordHash, bob.PasswordHash);
        Assert.True(LocalAccountPasswords.Verify(ada.PasswordHash, Password, out _));
        Assert.False(LocalAccountPasswords.Verify(ada.PasswordHash, Password + "!", out _));
    }

    [Fact]
    public async Task Max_failed_attempts_in_a_row_lock_the_account_for_the_lockout_then_it_signs_in_again()
    {
        await Accounts.AddAsync("carol", LocalAccountPasswords.Hash(Password), [AnalyticsRoles.TeamLead], ["payments"]);
        var signIn = NewSignIn();

        for (var attempt = 0; attempt < 2; attempt++)
        {
            Assert.Equal(SignInRefusal.UnknownOrWrong, (await signIn.SignInAsync("carol", "wrong", "test")).Refusal);
        }
        // Two failures do not lock: the right password still works, and clears them.
        Assert.Equal(SignInRefusal.None, (await signIn.SignInAsync("carol", Password, "test")).Refusal);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            await signIn.SignInAsync("carol", "wrong", "test");
        }
        Assert.Equal(SignInRefusal.LockedOut, (await signIn.SignInAsync("carol", Password, "test")).Refusal);
        _clock.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(SignInRefusal.LockedOut, (await signIn.SignInAsync("carol", Password, "test")).Refusal);
        _clock.Advance(TimeSpan.FromMinutes(2));
        var (user, refusal) = await signIn.SignInAsync("carol", Password, "test");

        Assert.Equal(SignInRefusal.None, refusal);
        Assert.True(user!.IsInRole(AnalyticsRoles.TeamLead) && user.IsInRole(AnalyticsRoles.Viewer) && !user.IsInRole(AnalyticsRoles.Admin));
        Assert.True(AnalyticsRoles.CanSeeRows(user, "payments"));
        Assert.False(AnalyticsRoles.CanSeeRows(user, "search"));
    }

    [Fact]
    public async Task Every_failure_and_the_lockout_are_audited_with_who_what_when_and_from_where_but_no_password()
    {
        await Accounts.AddAsync("dave", LocalAccountPasswords.Hash(Password), [AnalyticsRoles.Viewer], []);
        var signIn = NewSignIn();
        const string From = "203.0.113.7";

        await signIn.SignInAsync("nobody", "typed-secret-1", "test", From);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            await signIn.SignInAsync("dave", $"typed-secret-{attempt + 2}", "test", From);
        }
        await signIn.SignInAsync("dave", Password, "test", From);   // locked: refused although right
        _clock.Advance(TimeSpan.FromMinutes(11));
        await signIn.SignInAsync("dave", Password, "test", From);   // succeeds: not a failure

        var entries = (await _services.GetRequiredService<AuditTrail>().PageAsync(new AuditQuery(), 0, 100)).Entries.OrderBy(e => e.Id).ToList();
        Assert.Equal(
            [
                (LocalSignIn.UnknownAccount, "signin.failed"), ("dave", "signin.failed"), ("dave", "signin.failed"),
                ("dave", "signin.lockout"), ("dave", "signin.failed"),
            ],
            entries.Select(e => (e.Actor, e.Action)).ToList());
        Assert.All(entries, e => Assert.Equal(From, e.RemoteAddress));
        Assert.All(entries, e => Assert.Equal(_clock.GetUtcNow().AddMinutes(-11), e.At));
        Assert.Contains("locked until", entries[3].Outcome, StringComparison.Ordinal);
        Assert.Contains("locked until", entries[4].Outcome, StringComparison.Ordinal);
        Assert.All(entries, e => Assert.DoesNotContain("typed-secret", $"{e.Actor}{e.Target}{e.Outcome}{e.Before}{e.After}", StringComparison.Ordinal));
        Assert.All(entries, e => Assert.DoesNotContain(Password, $"{e.Actor}{e.Target}{e.Outcome}{e.Before}{e.After}", StringComparison.Ordinal));
        Assert.DoesNotContain("nobody", string.Join("|", entries.Select(e => $"{e.Actor}{e.Target}{e.Outcome}")), StringComparison.Ordinal);
        Assert.True((await _services.GetRequiredService<AuditTrail>().VerifyAsync()).Intact);
    }

    private LocalSignIn NewSignIn() =>
        new(Accounts, Options.Create(new AuthOptions { Local = { MaxFailedAttempts = 3, Lockout = TimeSpan.FromMinutes(10) } }), _clock,
            NullLogger<LocalSignIn>.Instance, _services.GetRequiredService<AuditTrail>());

    [Fact]
    public async Task The_cli_adds_lists_and_removes_and_refuses_bad_input()
    {
        var output = new StringWriter();
        Assert.Equal(0, await UserCommands.AddAsync(Accounts, "dora", [AnalyticsRoles.SurveyAnalyst], [], Password, output));
        Assert.Equal(1, await UserCommands.AddAsync(Accounts, "DORA", [AnalyticsRoles.Viewer], [], Password, output));
        Assert.Equal(2, await UserCommands.AddAsync(Accounts, "eve", ["boss"], [], Password, output));
        Assert.Equal(2, await UserCommands.AddAsync(Accounts, "eve", [AnalyticsRoles.Viewer], [], "short", output));
        Assert.Equal(["dora"], (await Accounts.ListAsync()).Select(a => a.UserName));
        Assert.Equal(AnalyticsRoles.SurveyAnalyst, (await Accounts.FindAsync("dora"))!.Roles);

        Assert.True(await Accounts.SetRolesAsync("dora", [AnalyticsRoles.Admin], []));
        Assert.Equal(AnalyticsRoles.Admin, (await Accounts.FindAsync("dora"))!.Roles);
        Assert.Equal(0, await UserCommands.RemoveAsync(Accounts, "dora", output));
        Assert.Equal(1, await UserCommands.RemoveAsync(Accounts, "dora", output));
        Assert.Empty(await Accounts.ListAsync());
        Assert.DoesNotContain(Password, output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_password_is_never_taken_from_the_command_line()
    {
        var parsed = AnalyticsCommandLine.Create().Parse(["users", "add", "frank", "--role", "admin", "--password", Password]);
        var roles = parsed.CommandResult.Children.OfType<System.CommandLine.Parsing.OptionResult>().Single(o => o.Option.Name == "--role").Tokens.Select(t => t.Value).ToList();

        // There is no such option: whatever follows is refused as a role, and no account is made.
        Assert.DoesNotContain(parsed.CommandResult.Command.Options, option => option.Name.Contains("password", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(2, await UserCommands.AddAsync(Accounts, "frank", roles, [], Password, TextWriter.Null));
        Assert.Null(await Accounts.FindAsync("frank"));
        Assert.Equal(Password + "!", UserCommands.ReadPassword(new StringReader(Password + "!\nignored")));
    }

    private sealed class MovableClock(DateTimeOffset now) : TimeProvider
    {
        private DateTimeOffset _now = now;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
