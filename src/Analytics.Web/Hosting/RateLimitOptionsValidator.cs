using Microsoft.Extensions.Options;

namespace Analytics.Web.Hosting;

/// <summary>Each limit needs a positive permit count and a window of one second to one day; the message names the setting.</summary>
public sealed class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, RateLimitOptions options)
    {
        var errors = new List<string>();
        foreach (var (key, limit) in new[] { ("Api", options.Api), ("Push", options.Push), ("Account", options.Account) })
        {
            if (limit.PermitLimit < 1)
            {
                errors.Add($"{RateLimitOptions.Section}:{key}:PermitLimit must be 1 or more requests per window.");
            }
            if (limit.Window < TimeSpan.FromSeconds(1) || limit.Window > TimeSpan.FromDays(1))
            {
                errors.Add($"{RateLimitOptions.Section}:{key}:Window must be from 00:00:01 to 1.00:00:00, e.g. 00:01:00.");
            }
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
