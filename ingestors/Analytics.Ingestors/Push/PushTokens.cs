using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Analytics.Ingestors.Push;

/// <summary>Configuration section "Analytics:Push": one bearer token per pushing source.</summary>
public sealed class PushOptions
{
    public const string Section = "Analytics:Push";

    /// <summary>At least this long, so a token cannot be guessed; e.g. <c>openssl rand -hex 32</c>.</summary>
    public const int MinimumTokenLength = 32;

    /// <summary>By source name, e.g. Sources:github-actions:Token. Tokens come from user-secrets or the environment.</summary>
    public Dictionary<string, PushSourceOptions> Sources { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Problems naming each setting, never a token's value.</summary>
    public IEnumerable<string> Validate()
    {
        foreach (var (name, source) in Sources)
        {
            if (string.IsNullOrEmpty(source.Token) || source.Token.Length < MinimumTokenLength)
            {
                yield return $"{Section}:Sources:{name}:Token must be at least {MinimumTokenLength} characters (e.g. the output of `openssl rand -hex 32`).";
            }
        }
    }
}

public sealed class PushSourceOptions
{
    /// <summary>The bearer token; only its SHA-256 is kept once the app has started. Never logged.</summary>
    public string? Token { get; set; }
}

/// <summary>
/// Tells which source a bearer token belongs to. Only SHA-256 digests of the configured tokens are kept, and a
/// presented token's digest is compared with every source's in constant time, so neither the comparison's
/// duration nor a memory dump gives a token away.
/// </summary>
public sealed class PushTokens
{
    private readonly (string Source, byte[] Digest)[] _digests;

    public PushTokens(IOptions<PushOptions> options)
    {
        _digests = options.Value.Sources
            .Where(source => !string.IsNullOrEmpty(source.Value.Token))
            .Select(source => (source.Key, Digest(source.Value.Token!)))
            .ToArray();
    }

    /// <summary>The source whose token the <c>Authorization: Bearer …</c> header carries, or null.</summary>
    public string? Authenticate(string? authorizationHeader)
    {
        const string Scheme = "Bearer ";
        if (authorizationHeader is null || !authorizationHeader.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var presented = Digest(authorizationHeader[Scheme.Length..].Trim());
        string? match = null;
        // Every digest is compared, whichever matches, so the time taken does not say which source (if any) matched.
        foreach (var (source, digest) in _digests)
        {
            if (CryptographicOperations.FixedTimeEquals(presented, digest))
            {
                match = source;
            }
        }
        return match;
    }

    private static byte[] Digest(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
