using Microsoft.Extensions.Options;

namespace Analytics.Ingestors.Push;

/// <summary>Names each push source whose token is unusable (never the token itself).</summary>
public sealed class PushOptionsValidator : IValidateOptions<PushOptions>
{
    public ValidateOptionsResult Validate(string? name, PushOptions options)
    {
        var problems = options.Sources
            .Where(source => string.IsNullOrEmpty(source.Value.Token) || source.Value.Token.Length < PushOptions.MinimumTokenLength)
            .Select(source => $"{PushOptions.Section}:Sources:{source.Key}:Token must be at least {PushOptions.MinimumTokenLength} characters (e.g. the output of `openssl rand -hex 32`).")
            .ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
