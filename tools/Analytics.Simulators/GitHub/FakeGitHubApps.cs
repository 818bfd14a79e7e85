using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Analytics.Simulators.GitHub;

/// <summary>A GitHub App the fake knows: its id, the public half of its key, and its installations.</summary>
public sealed record FakeGitHubApp(long AppId, RSA PublicKey, IReadOnlyList<long> Installations);

/// <summary>
/// GitHub Apps on the fake: <c>POST /app/installations/{id}/access_tokens</c> with the app's JWT (RS256, checked with
/// the app's public key; <c>iss</c> the app id, <c>exp</c> in the future and at most 10 minutes after <c>iat</c>), answered
/// 201 with GitHub's documented body (<c>token</c>, <c>expires_at</c>, <c>permissions</c>, <c>repository_selection</c>).
/// An issued token is accepted for REST calls until its <c>expires_at</c> on the fake's clock.
/// </summary>
public sealed partial class FakeGitHubServer
{
    private readonly List<FakeGitHubApp> _apps = [];
    private readonly Dictionary<string, DateTimeOffset> _installationTokens = new(StringComparer.Ordinal);
    private int _tokensIssued;

    /// <summary>How long an installation token lasts (GitHub: one hour).</summary>
    public TimeSpan InstallationTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Installation tokens issued so far.</summary>
    public int InstallationTokensIssued
    {
        get
        {
            lock (_gate)
            {
                return _tokensIssued;
            }
        }
    }

    public void RegisterApp(FakeGitHubApp app)
    {
        lock (_gate)
        {
            _apps.Add(app);
        }
    }

    private static long? AppRoute(HttpRequest request)
    {
        var path = request.Path.Value ?? "";
        var segments = path.StartsWith(ApiRoot, StringComparison.Ordinal) ? path[ApiRoot.Length..].Split('/', StringSplitOptions.RemoveEmptyEntries) : [];
        return segments is ["app", "installations", var id, "access_tokens"] && long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number : null;
    }

    private bool IsInstallationToken(string token) =>
        _installationTokens.TryGetValue(token, out var expiresAt) && _clock.GetUtcNow() < expiresAt;

    private Answer IssueInstallationToken(long installationId, string authorization)
    {
        lock (_gate)
        {
            var parts = authorization.Split(' ', 2);
            var app = parts is ["Bearer" or "bearer", var jwt] ? VerifiedApp(jwt) : null;
            if (app is null)
            {
                return Error(401, "A JSON web token could not be decoded");
            }
            if (!app.Installations.Contains(installationId))
            {
                return Error(404, "Not Found");
            }
            var token = "ghs_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(18));
            var expiresAt = _clock.GetUtcNow() + InstallationTokenLifetime;
            _installationTokens[token] = expiresAt;
            _tokensIssued++;
            var body = new JsonObject
            {
                ["token"] = token,
                ["expires_at"] = Time(expiresAt),
                ["permissions"] = new JsonObject { ["actions"] = "read", ["contents"] = "read", ["deployments"] = "read", ["issues"] = "read", ["metadata"] = "read", ["pull_requests"] = "read" },
                ["repository_selection"] = "all",
            };
            return new Answer(201, body.ToJsonString(), null, null, new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase));
        }
    }

    /// <summary>The app whose key signed <paramref name="jwt"/>, if the JWT is RS256, names it, and is current; else null.</summary>
    private FakeGitHubApp? VerifiedApp(string jwt)
    {
        var parts = jwt.Split('.');
        if (parts.Length != 3)
        {
            return null;
        }
        try
        {
            using var header = JsonDocument.Parse(FromBase64Url(parts[0]));
            using var payload = JsonDocument.Parse(FromBase64Url(parts[1]));
            if (header.RootElement.GetProperty("alg").GetString() != "RS256")
            {
                return null;
            }
            var claims = payload.RootElement;
            var issuer = claims.GetProperty("iss") is { ValueKind: JsonValueKind.Number } number ? number.GetInt64().ToString(CultureInfo.InvariantCulture) : claims.GetProperty("iss").GetString();
            var (issuedAt, expires) = (DateTimeOffset.FromUnixTimeSeconds(claims.GetProperty("iat").GetInt64()), DateTimeOffset.FromUnixTimeSeconds(claims.GetProperty("exp").GetInt64()));
            var now = _clock.GetUtcNow();
            if (expires <= now || expires - issuedAt > TimeSpan.FromMinutes(10) || issuedAt > now.AddSeconds(60))
            {
                return null;
            }
            var app = _apps.FirstOrDefault(a => a.AppId.ToString(CultureInfo.InvariantCulture) == issuer);
            return app is not null && app.PublicKey.VerifyData(
                Encoding.ASCII.GetBytes($"{parts[0]}.{parts[1]}"), FromBase64Url(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
                ? app : null;
        }
        catch (Exception error) when (error is FormatException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    private static byte[] FromBase64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded.PadRight(padded.Length + (4 - padded.Length % 4) % 4, '='));
    }
}
