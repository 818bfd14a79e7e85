using Microsoft.Extensions.Options;

namespace Analytics.Core.Space;

/// <summary>Refuses survey-privacy and ROI settings that would identify respondents or make no sense; each message names the setting's full path.</summary>
public sealed class SpaceOptionsValidator : IValidateOptions<SpaceOptions>
{
    public ValidateOptionsResult Validate(string? name, SpaceOptions options)
    {
        var errors = new List<string>();
        if (options.MinimumRespondents < SurveyPrivacy.Floor)
        {
            errors.Add($"{SpaceOptions.Section}:MinimumRespondents must be at least {SurveyPrivacy.Floor} (was {options.MinimumRespondents}): smaller groups would identify respondents.");
        }
        if (options.SurveyWaveDays is < 1 or > 366)
        {
            errors.Add($"{SpaceOptions.Section}:SurveyWaveDays must be between 1 and 366 (was {options.SurveyWaveDays}).");
        }
        if (options.RoiMonths is < 1 or > 24)
        {
            errors.Add($"{SpaceOptions.Section}:RoiMonths must be between 1 and 24 (was {options.RoiMonths}).");
        }
        if (options.BootstrapResamples is < 100 or > 100_000)
        {
            errors.Add($"{SpaceOptions.Section}:BootstrapResamples must be between 100 and 100000 (was {options.BootstrapResamples}).");
        }
        if (!double.IsFinite(options.HourlyCost) || options.HourlyCost < 0)
        {
            errors.Add($"{SpaceOptions.Section}:HourlyCost must be a finite amount of zero or more (was {options.HourlyCost}).");
        }
        if (!double.IsFinite(options.RoiAdoptionThreshold) || options.RoiAdoptionThreshold is <= 0 or > 1)
        {
            errors.Add($"{SpaceOptions.Section}:RoiAdoptionThreshold must be a share above 0 and at most 1 (was {options.RoiAdoptionThreshold}).");
        }
        if (options.RoiMinimumAdopters is < 2 or > 1000)
        {
            errors.Add($"{SpaceOptions.Section}:RoiMinimumAdopters must be between 2 and 1000 (was {options.RoiMinimumAdopters}).");
        }
        foreach (var (setting, hours) in options.TicketEffortByKind.Select(p => ($"TicketEffortByKind:{p.Key}", p.Value))
                     .Prepend(("TicketEffort", options.TicketEffort)).Append(("SelfServiceEffort", options.SelfServiceEffort)))
        {
            if (!double.IsFinite(hours) || hours is < 0 or > 1000)
            {
                errors.Add($"{SpaceOptions.Section}:{setting} must be a number of hours from 0 to 1000 (was {hours}).");
            }
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
