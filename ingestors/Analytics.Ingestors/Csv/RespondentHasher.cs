using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Analytics.Ingestors.Csv;

/// <summary>
/// Turns a survey respondent's id into a hash keyed per survey wave (docs/security.md, "Survey key"):
/// HMAC-SHA256(waveKey, id) in hex, where waveKey = HMAC-SHA256(secret, "survey-wave:" + wave). The same person gets
/// the same hash within one wave (so a corrected answer replaces the first) and an unrelated one in every other wave,
/// so nothing stored links a person's answers across waves. The secret (Analytics:Surveys:RespondentSalt, or the file
/// Analytics:Surveys:KeyFile) lives only in configuration, never in ClickHouse or the catalog.
/// </summary>
public sealed class RespondentHasher(IOptions<SurveyOptions> options)
{
    public const int MinimumSaltLength = 16;

    private byte[]? _secret;

    /// <summary>Why surveys cannot be imported or erased now, or null when the secret is usable. Never includes the secret.</summary>
    public string? Problem => Load().Problem;

    public string Hash(string respondentId, string wave)
    {
        var secret = _secret ??= Load() is { Secret: { } loaded } ? loaded : throw new InvalidOperationException(Problem);
        var waveKey = HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes("survey-wave:" + wave));
        return Convert.ToHexStringLower(HMACSHA256.HashData(waveKey, Encoding.UTF8.GetBytes(respondentId.Trim())));
    }

    private (byte[]? Secret, string? Problem) Load()
    {
        var (salt, keyFile) = (options.Value.RespondentSalt, options.Value.KeyFile);
        const string Salt = $"{SurveyOptions.Section}:RespondentSalt", File = $"{SurveyOptions.Section}:KeyFile";
        if (!string.IsNullOrEmpty(salt) && !string.IsNullOrEmpty(keyFile))
        {
            return (null, $"{Salt} and {File} are both set: set one");
        }
        if (!string.IsNullOrEmpty(keyFile))
        {
            if (!System.IO.File.Exists(keyFile))
            {
                return (null, $"{File} names '{keyFile}', which does not exist");
            }
            if (!OperatingSystem.IsWindows() && (System.IO.File.GetUnixFileMode(keyFile) & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
            {
                return (null, $"{File} '{keyFile}' can be read or written by others: make it readable by its owner only (chmod 600)");
            }
            salt = System.IO.File.ReadAllText(keyFile).Trim();
            if (salt.Length < MinimumSaltLength)
            {
                return (null, $"{File} '{keyFile}' holds fewer than {MinimumSaltLength} characters");
            }
            return (Encoding.UTF8.GetBytes(salt), null);
        }
        return salt switch
        {
            null or "" => (null, $"{Salt} is not set: set a secret of at least {MinimumSaltLength} characters (user-secrets, the environment variable " +
                                 $"Analytics__Surveys__RespondentSalt, or a file of its own named by {File}) before importing or erasing survey responses"),
            { Length: < MinimumSaltLength } => (null, $"{Salt} is shorter than {MinimumSaltLength} characters"),
            _ => (Encoding.UTF8.GetBytes(salt), null),
        };
    }
}
