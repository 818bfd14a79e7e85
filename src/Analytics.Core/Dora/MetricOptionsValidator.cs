using Microsoft.Extensions.Options;

namespace Analytics.Core.Dora;

/// <summary>Refuses metric choices no figure can be computed with; each message names the setting's full path.</summary>
public sealed class MetricOptionsValidator : IValidateOptions<MetricOptions>
{
    public ValidateOptionsResult Validate(string? name, MetricOptions options)
    {
        var errors = new List<string>();
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(options.TimeZone, out _))
        {
            errors.Add($"{MetricOptions.Section}:TimeZone is not a known IANA time zone (was '{options.TimeZone}').");
        }
        if (LeadTimeUnit.Parse(options.LeadTimeUnit) is null)
        {
            errors.Add($"{MetricOptions.Section}:LeadTimeUnit must be {LeadTimeUnit.Choices} (was '{options.LeadTimeUnit}').");
        }
        if (!options.IncidentAttributionWindowIsValid)
        {
            errors.Add(MetricOptions.IncidentAttributionWindowRule);
        }
        if (options.FirstDeploymentLookback <= TimeSpan.Zero)
        {
            errors.Add($"{MetricOptions.Section}:FirstDeploymentLookback must be positive.");
        }
        if (options.AwaitingRestoreLimit <= TimeSpan.Zero)
        {
            errors.Add($"{MetricOptions.Section}:AwaitingRestoreLimit must be positive.");
        }
        foreach (var (setting, _, pattern) in options.Rules())
        {
            if (HotfixRules.Problem(pattern) is { } problem)
            {
                errors.Add($"{MetricOptions.Section}:{setting} {problem}");
            }
        }
        foreach (var project in options.IssueKeyProjectsParameter().Where(project => !System.Text.RegularExpressions.Regex.IsMatch(project, MetricOptions.IssueKeyProjectPattern)))
        {
            errors.Add($"{MetricOptions.Section}:IssueKeyProjects has '{project}', which is no Jira project key (a letter, then at least one letter, digit or underscore).");
        }
        if (!DoraTierTables.TryGet(options.TierYear, out _))
        {
            errors.Add($"{MetricOptions.Section}:TierYear must be a DORA benchmark year with a tier table ({string.Join(", ", DoraTierTables.Years)}).");
        }
        if (options.MinimumSample < 1)
        {
            errors.Add($"{MetricOptions.Section}:MinimumSample must be at least 1 (was {options.MinimumSample}).");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
