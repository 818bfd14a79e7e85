using Microsoft.Extensions.Options;

namespace Analytics.Web.Hosting;

/// <summary>The collector's address must be an absolute http(s) address.</summary>
public sealed class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>
{
    public ValidateOptionsResult Validate(string? name, TelemetryOptions options) =>
        options.OtlpEndpoint is { Length: > 0 } endpoint
        && !(Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            ? ValidateOptionsResult.Fail($"{TelemetryOptions.Section}:OtlpEndpoint must be an http(s) address such as http://otel-collector:4317 (was '{endpoint}').")
            : ValidateOptionsResult.Success;
}
