using Microsoft.Extensions.Options;

namespace Analytics.Web.Api;

/// <summary>Each limit must be one the API can keep; every message names the setting.</summary>
public sealed class ApiOptionsValidator : IValidateOptions<ApiOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiOptions options)
    {
        var errors = new List<string>();
        if (options.MaxPeriod < TimeSpan.FromDays(1) || options.MaxPeriod > TimeSpan.FromDays(3660))
        {
            errors.Add($"{ApiOptions.Section}:MaxPeriod must be from 1.00:00:00 to 3660.00:00:00 (ten years), e.g. 1096.00:00:00 for three years.");
        }
        if (options.QueryTimeout <= TimeSpan.Zero || options.QueryTimeout > TimeSpan.FromHours(1))
        {
            errors.Add($"{ApiOptions.Section}:QueryTimeout must be more than 00:00:00 and at most 01:00:00, e.g. 00:00:30.");
        }
        if (options.MaxPushBodySize < 1024)
        {
            errors.Add($"{ApiOptions.Section}:MaxPushBodySize must be at least 1024 bytes, e.g. 5242880 (5 MiB).");
        }
        if (options.MaxRequestBodySize < 0)
        {
            errors.Add($"{ApiOptions.Section}:MaxRequestBodySize must be 0 or more bytes, e.g. 16384.");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
