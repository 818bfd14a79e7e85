using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Octokit;
using Octokit.Internal;

namespace Analytics.Ingestors.GitHub.App;

/// <summary>
/// Installation tokens of GitHub Apps, one per (GitHub, app, installation), shared by every run of the process: a
/// token is asked for with a JWT signed by the app's private key (RS256, POST
/// <c>/app/installations/{id}/access_tokens</c>, through Octokit's <c>GitHubApps.CreateInstallationToken</c>) and
/// used until <see cref="RefreshBefore"/> before its <c>expires_at</c> (GitHub's tokens last an hour), then replaced.
/// </summary>
/// <remarks>
/// The key, the JWT and the tokens are never logged and never in an error: a refusal names the app and the
/// installation and says what to check. Issued tokens are remembered so <see cref="Redact"/> can mask them in any
/// failure text of a run.
/// </remarks>
public sealed class GitHubAppTokens(TimeProvider clock)
{
    /// <summary>A token this close to its expiry is replaced before a request, so no request starts with one about to lapse.</summary>
    public static readonly TimeSpan RefreshBefore = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The JWT's lifetime: GitHub accepts at most 10 minutes, and its issue time is set 60 s in the past against
    /// clock drift, as GitHub's documentation advises.
    /// </summary>
    private static readonly TimeSpan JwtLifetime = TimeSpan.FromMinutes(9);

    private readonly ConcurrentDictionary<string, Installation> _installations = new(StringComparer.Ordinal);

    private readonly ConcurrentDictionary<string, byte> _issued = new(StringComparer.Ordinal);

    /// <summary>Installation tokens asked for so far (each an exchange of a JWT).</summary>
    public int Exchanges => _exchanges;

    private int _exchanges;

    /// <summary>Octokit's credential store for <paramref name="settings"/>' app: a current installation token on each request.</summary>
    public ICredentialStore CredentialStore(GitHubSourceSettings settings, Func<HttpMessageHandler> handler) =>
        new AppCredentialStore(this, settings, handler);

    /// <summary><paramref name="text"/> with every installation token issued in this process masked.</summary>
    public string Redact(string text)
    {
        foreach (var token in _issued.Keys)
        {
            text = text.Replace(token, "***", StringComparison.Ordinal);
        }
        return text;
    }

    /// <summary>A current installation token for the app of <paramref name="settings"/>, from the cache or asked for now.</summary>
    public async Task<string> TokenAsync(GitHubSourceSettings settings, Func<HttpMessageHandler> handler)
    {
        var app = settings.App ?? throw new InvalidOperationException($"GitHub source {settings.Name} has no App configured.");
        var api = GitHubSourceSettings.ApiAddress(settings.BaseUrl);
        var installation = _installations.GetOrAdd($"{api}|{app.AppId}|{app.InstallationId}", _ => new Installation());
        await installation.Gate.WaitAsync();
        try
        {
            if (installation.Token is { } current && clock.GetUtcNow() < installation.ExpiresAt - RefreshBefore)
            {
                return current;
            }
            var (token, expiresAt) = await ExchangeAsync(settings, app, api, handler);
            _issued.TryAdd(token, 0);
            (installation.Token, installation.ExpiresAt) = (token, expiresAt);
            return token;
        }
        finally
        {
            installation.Gate.Release();
        }
    }

    private async Task<(string Token, DateTimeOffset ExpiresAt)> ExchangeAsync(GitHubSourceSettings settings, GitHubAppSettings app, Uri api, Func<HttpMessageHandler> handler)
    {
        Interlocked.Increment(ref _exchanges);
        var jwt = Jwt(app, clock.GetUtcNow());
        var connection = new Connection(
            new ProductHeaderValue("analytics"), api,
            new InMemoryCredentialStore(new Credentials(jwt, AuthenticationType.Bearer)),
            new HttpClientAdapter(handler), new SimpleJsonSerializer());
        connection.SetRequestTimeout(settings.RequestTimeout);
        try
        {
            var token = await new GitHubClient(connection).GitHubApps.CreateInstallationToken(app.InstallationId);
            return (token.Token, token.ExpiresAt);
        }
        catch (ApiException error) when ((int)error.StatusCode is 401 or 403 or 404)
        {
            // GitHub's message ("A JSON web token could not be decoded", "Integration not found") quotes neither the JWT
            // nor the key, but is masked all the same.
            throw new GitHubAppException(
                $"{app} of GitHub source {settings.Name}: GitHub refused the app's signed token ({(int)error.StatusCode}: {error.Message.Replace(jwt, "***", StringComparison.Ordinal)}). "
                + "Check that AppId is the app's and that the private key is one of the app's current keys (GitHub App settings, 'Private keys'), "
                + "and that InstallationId is an installation of this app.");
        }
    }

    /// <summary>The app's JWT: RS256 over {iat, exp, iss = app id}, as GitHub's "Generating a JSON Web Token" describes.</summary>
    internal static string Jwt(GitHubAppSettings app, DateTimeOffset now)
    {
        var header = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new { alg = "RS256", typ = "JWT" }));
        var payload = Base64Url(JsonSerializer.SerializeToUtf8Bytes(new
        {
            iat = now.AddSeconds(-60).ToUnixTimeSeconds(),
            exp = now.Add(JwtLifetime).ToUnixTimeSeconds(),
            iss = app.AppId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }));
        using var rsa = RSA.Create();
        rsa.ImportFromPem(app.PrivateKeyPem);
        var signature = rsa.SignData(Encoding.ASCII.GetBytes($"{header}.{payload}"), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{header}.{payload}.{Base64Url(signature)}";
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private sealed class Installation
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public string? Token { get; set; }

        public DateTimeOffset ExpiresAt { get; set; }
    }

    private sealed class AppCredentialStore(GitHubAppTokens tokens, GitHubSourceSettings settings, Func<HttpMessageHandler> handler) : ICredentialStore
    {
        public async Task<Credentials> GetCredentials() => new(await tokens.TokenAsync(settings, handler));
    }
}

/// <summary>GitHub refused a GitHub App's signed token; the message says what to check, without the key or a token.</summary>
public sealed class GitHubAppException(string message) : Exception(message);
