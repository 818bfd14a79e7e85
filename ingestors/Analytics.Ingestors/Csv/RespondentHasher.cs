using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Analytics.Ingestors.Csv;

/// <summary>
/// Turns a survey respondent's id into HMAC-SHA256(salt, id) in hex: the same person gets the same hash in every
/// survey (so answers can be followed over time), but the id cannot be recovered or guessed without the salt.
/// </summary>
public sealed class RespondentHasher(IOptions<SurveyOptions> options)
{
    public const int MinimumSaltLength = 16;

    private byte[]? _key;

    /// <summary>Why surveys cannot be imported now, or null when the salt is usable. Never includes the salt.</summary>
    public string? Problem => options.Value.RespondentSalt switch
    {
        null or "" => $"{SurveyOptions.Section}:RespondentSalt is not set: set a secret of at least {MinimumSaltLength} characters " +
                      "(user-secrets, or the environment variable Analytics__Surveys__RespondentSalt) before importing survey responses",
        { Length: < MinimumSaltLength } => $"{SurveyOptions.Section}:RespondentSalt is shorter than {MinimumSaltLength} characters",
        _ => null,
    };

    public string Hash(string respondentId)
    {
        if (Problem is { } problem)
        {
            throw new InvalidOperationException(problem);
        }
        _key ??= Encoding.UTF8.GetBytes(options.Value.RespondentSalt!);
        return Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(respondentId.Trim())));
    }
}
