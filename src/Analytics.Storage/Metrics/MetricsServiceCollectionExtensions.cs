using Analytics.Core.Space;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Analytics.Storage.Metrics;

public static class MetricsServiceCollectionExtensions
{
    /// <summary>The metric query layer: DORA figures, the rows behind them, and PR cycle time; with the SPACE, adoption and ROI queries.</summary>
    public static IServiceCollection AddDoraMetrics(this IServiceCollection services) =>
        services.AddSingleton<DoraQueries>().AddSingleton<DoraDrillDown>().AddSingleton<PullRequestQueries>().AddSingleton<EnvironmentNameQueries>().AddSpaceMetrics();

    /// <summary>
    /// Survey (satisfaction), activity, collaboration and flow, platform adoption and ROI queries, with their options
    /// bound to "Analytics:Space" and validated (a survey minimum below 3 respondents is refused).
    /// </summary>
    public static IServiceCollection AddSpaceMetrics(this IServiceCollection services)
    {
        services.AddOptions<SpaceOptions>().BindConfiguration(SpaceOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SpaceOptions>, SpaceOptionsValidator>();
        return services.AddSingleton<SurveyQueries>().AddSingleton<SpaceQueries>().AddSingleton<AdoptionQueries>().AddSingleton<RoiQueries>();
    }

    private sealed class SpaceOptionsValidator : IValidateOptions<SpaceOptions>
    {
        public ValidateOptionsResult Validate(string? name, SpaceOptions options) =>
            options.Validate() is { Count: > 0 } errors ? ValidateOptionsResult.Fail(errors) : ValidateOptionsResult.Success;
    }
}
