using Microsoft.Extensions.Options;

namespace Analytics.Web.Dashboards;

/// <summary>A configured dashboards folder must exist: otherwise every dashboard would quietly be missing.</summary>
public sealed class DashboardOptionsValidator : IValidateOptions<DashboardOptions>
{
    public ValidateOptionsResult Validate(string? name, DashboardOptions options) =>
        options.Path is { Length: > 0 } path && !Directory.Exists(path)
            ? ValidateOptionsResult.Fail($"{DashboardOptions.Section}:Path names no folder (was '{path}'); leave it empty to read the copy beside the executable.")
            : ValidateOptionsResult.Success;
}
