using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Analytics.Ingestors.Push;

/// <summary>
/// The tokens configured under <c>Analytics:Push:Sources:&lt;name&gt;:Token</c> (kept for compatibility; catalog keys,
/// <see cref="Storage.Catalog.ApiKeys"/>, are the way forward). Only SHA-256 digests are kept: at start-up the raw token
/// is dropped from the bound options, and a presented token's digest is compared with every source's in constant time,
/// so neither the comparison's duration nor a memory dump of the options gives a token away.
/// </summary>
public sealed class PushTokens
{
    private readonly (string Source, byte[] Digest)[] _digests;

    public PushTokens(IOptions<PushOptions> options, IOptionsMonitor<PushOptions> monitor)
    {
        _digests = options.Value.Sources
            .Where(source => !string.IsNullOrEmpty(source.Value.Token))
            .Select(source => (source.Key, Digest(source.Value.Token!)))
            .ToArray();
        // Validated before this point (at start-up, or when first read), so the options need the raw tokens no more.
        foreach (var source in options.Value.Sources.Values.Concat(monitor.CurrentValue.Sources.Values))
        {
            source.Token = null;
        }
    }

    /// <summary>The token an <c>Authorization: Bearer …</c> header carries, or null when it carries none.</summary>
    public static string? BearerToken(string? authorizationHeader)
    {
        const string Scheme = "Bearer ";
        if (authorizationHeader is null || !authorizationHeader.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var token = authorizationHeader[Scheme.Length..].Trim();
        return token.Length == 0 ? null : token;
    }

    /// <summary>The source whose configured token this is, or null.</summary>
    public string? Authenticate(string token)
    {
        var presented = Digest(token);
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
