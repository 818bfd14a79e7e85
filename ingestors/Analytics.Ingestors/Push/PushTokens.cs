using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Analytics.Ingestors.Push;

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
