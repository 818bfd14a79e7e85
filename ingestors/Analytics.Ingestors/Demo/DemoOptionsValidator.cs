using Microsoft.Extensions.Options;

namespace Analytics.Ingestors.Demo;

public sealed class DemoOptionsValidator : IValidateOptions<DemoOptions>
{
    public ValidateOptionsResult Validate(string? name, DemoOptions options) =>
        DemoScale.TryParse(options.Scale, out _)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{DemoOptions.Section}:Scale must be {DemoScale.Names} (was '{options.Scale}').");
}
