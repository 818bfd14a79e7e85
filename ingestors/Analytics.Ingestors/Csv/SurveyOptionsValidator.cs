using Microsoft.Extensions.Options;

namespace Analytics.Ingestors.Csv;

/// <summary>
/// Refuses a respondent secret (or key file) too short, unreadable or open to others, to keep respondents unguessable. An unset salt is allowed at start-up: only a
/// survey import needs it, and <see cref="RespondentHasher.Problem"/> says so then.
/// </summary>
public sealed class SurveyOptionsValidator : IValidateOptions<SurveyOptions>
{
    public ValidateOptionsResult Validate(string? name, SurveyOptions options) =>
        (options.RespondentSalt is { Length: > 0 } || options.KeyFile is { Length: > 0 }) && new RespondentHasher(Options.Create(options)).Problem is { } problem
            ? ValidateOptionsResult.Fail(problem + ".")
            : ValidateOptionsResult.Success;
}
