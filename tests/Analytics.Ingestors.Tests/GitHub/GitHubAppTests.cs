using System.Security.Cryptography;
using Analytics.Ingestors.GitHub;
using Analytics.Ingestors.GitHub.App;
using Analytics.Simulators.GitHub;
using Microsoft.Extensions.Configuration;

namespace Analytics.Ingestors.Tests.GitHub;

/// <summary>
/// A GitHub source signing in as a GitHub App against the fake: a JWT signed with the app's private key (checked by
/// the fake with the public key), exchanged for installation tokens that expire an hour later on the fake's clock.
/// </summary>
public sealed class GitHubAppTests
{
    private const long AppId = 123456;
    private const long InstallationId = 987654;

    private static Dictionary<string, string?> AppSettings(string pem) => new()
    {
        ["Token"] = null,
        ["AppId"] = AppId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["InstallationId"] = InstallationId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["AppPrivateKey"] = pem,
    };

    private static async Task<(GitHubScenario Scenario, string Pem)> AppScenarioAsync(RSA? registeredKey = null)
    {
        var key = RSA.Create(2048);
        var pem = key.ExportRSAPrivateKeyPem();
        var scenario = await GitHubScenario.CreateAsync(settings: AppSettings(pem));
        scenario.GitHub.RegisterApp(new FakeGitHubApp(AppId, registeredKey ?? key, [InstallationId]));
        return (scenario, pem);
    }

    [Fact]
    public async Task A_sync_as_a_github_app_stores_the_same_rows_as_with_a_token()
    {
        await using var withToken = await GitHubScenario.CreateAsync();
        Assert.True((await withToken.RunAsync()).Succeeded);
        var (scenario, _) = await AppScenarioAsync();
        await using var asApp = scenario;

        var outcome = await asApp.RunAsync();

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal(await withToken.SnapshotAsync(), await asApp.SnapshotAsync());
        Assert.Equal(1, asApp.GitHub.InstallationTokensIssued);
        // Every REST request went with the installation token (the fake answers 401 to anything else).
        Assert.DoesNotContain(asApp.GitHub.Served, served => served.Status == 401);
    }

    [Fact]
    public async Task An_installation_token_is_reused_then_refreshed_before_it_expires_and_after()
    {
        var (scenario, _) = await AppScenarioAsync();
        await using var asApp = scenario;
        Assert.True((await asApp.RunAsync()).Succeeded);
        Assert.True((await asApp.RunAsync()).Succeeded);
        Assert.Equal(1, asApp.GitHub.InstallationTokensIssued);

        // 56 minutes on: the token has 4 minutes left, less than GitHubAppTokens.RefreshBefore, so a new one is asked for.
        asApp.Clock.Advance(TimeSpan.FromMinutes(56));
        var beforeExpiry = await asApp.RunAsync();
        Assert.True(beforeExpiry.Succeeded, beforeExpiry.Error);
        Assert.Equal(2, asApp.GitHub.InstallationTokensIssued);

        // Two hours on: both tokens have expired on the fake; the run gets a third and succeeds.
        asApp.Clock.Advance(TimeSpan.FromHours(2));
        var afterExpiry = await asApp.RunAsync();
        Assert.True(afterExpiry.Succeeded, afterExpiry.Error);
        Assert.Equal(3, asApp.GitHub.InstallationTokensIssued);
        Assert.DoesNotContain(asApp.GitHub.Served, served => served.Status == 401);
    }

    [Fact]
    public async Task A_wrong_private_key_fails_the_run_with_a_clear_error_without_the_key_or_a_token()
    {
        var (scenario, pem) = await AppScenarioAsync(registeredKey: RSA.Create(2048));
        await using var asApp = scenario;

        var outcome = await asApp.RunAsync();

        Assert.False(outcome.Succeeded);
        Assert.Contains($"GitHub App {AppId}, installation {InstallationId} of GitHub source acme: GitHub refused the app's signed token (401", outcome.Error);
        Assert.Contains("private key", outcome.Error);
        var keyBody = pem.Split('\n')[1];
        Assert.DoesNotContain(keyBody, outcome.Error);
        Assert.DoesNotContain("ghs_", outcome.Error);
        Assert.DoesNotContain("eyJ", outcome.Error); // no JWT (base64url of '{"')
        Assert.Equal(0, asApp.GitHub.InstallationTokensIssued);
    }

    [Fact]
    public void App_settings_are_checked_without_quoting_the_key()
    {
        static IReadOnlyList<string> Problems(Dictionary<string, string?> values) =>
            GitHubSourceSettings.Validate(new ConfigurationBuilder()
                .AddInMemoryCollection(values.ToDictionary(v => $"Analytics:Sources:acme:{v.Key}", v => v.Value)).Build()
                .GetSection("Analytics:Sources:acme"));
        const string NotAKey = "-----BEGIN RSA PRIVATE KEY-----\nTm90QUtleVRoYXRNdXN0TmV2ZXJCZVF1b3RlZA==\n-----END RSA PRIVATE KEY-----";

        var problems = Problems(new() { ["Organizations"] = "acme", ["AppId"] = "12x", ["AppPrivateKey"] = NotAKey });

        Assert.Equal(
        [
            "Analytics:Sources:acme:AppId must be the GitHub App's App ID, a positive whole number (GitHub shows it on the app's settings page).",
            "Analytics:Sources:acme:InstallationId must be the GitHub App's installation id, a positive whole number (GitHub shows it on the app's settings page and in the installation's address).",
            "Analytics:Sources:acme:AppPrivateKey holds no RSA private key in PEM form (-----BEGIN RSA PRIVATE KEY----- as GitHub generates it).",
        ], problems);
        Assert.DoesNotContain(problems, p => p.Contains("Tm90QUtl", StringComparison.Ordinal));

        var key = RSA.Create(2048).ExportRSAPrivateKeyPem();
        var parsed = GitHubSourceSettings.Parse(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Analytics:Sources:acme:Organizations"] = "acme", ["Analytics:Sources:acme:AppId"] = "7", ["Analytics:Sources:acme:InstallationId"] = "8",
            ["Analytics:Sources:acme:AppPrivateKey"] = key,
        }).Build().GetSection("Analytics:Sources:acme"));
        Assert.Equal((7L, 8L, ""), (parsed.App!.AppId, parsed.App.InstallationId, parsed.Token));
        Assert.DoesNotContain("PRIVATE", parsed.App.ToString(), StringComparison.Ordinal);
    }
}
