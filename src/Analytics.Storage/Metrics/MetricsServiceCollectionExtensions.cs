using Analytics.Core.Dora;
using Analytics.Core.Space;
using Analytics.Storage.Settings;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Analytics.Storage.Metrics;

public static class MetricsServiceCollectionExtensions
{
    /// <summary>
    /// The metric query layer: DORA figures, the rows behind them, and PR cycle time; with the SPACE, adoption and ROI
    /// queries and their options ("Analytics:Metrics", "Analytics:Space"), validated at start-up.
    /// </summary>
    public static IServiceCollection AddDoraMetrics(this IServiceCollection services, IConfiguration configuration) =>
        services.AddMetricOptions(configuration)
            .AddSingleton<DoraQueries>().AddSingleton<DoraDrillDown>().AddSingleton<PullRequestQueries>().AddSingleton<EnvironmentNameQueries>().AddSpaceMetrics(configuration);

    /// <summary>The metric choices ("Analytics:Metrics"), for everything whose figures depend on them (queries, deployment linking).</summary>
    public static IServiceCollection AddMetricOptions(this IServiceCollection services, IConfiguration configuration) =>
        services.AddValidatedOptions<MetricOptions, MetricOptionsValidator>(configuration, MetricOptions.Section);

    /// <summary>
    /// Survey (satisfaction), activity, collaboration and flow, platform adoption and ROI queries, with their options
    /// bound to "Analytics:Space" and validated (a survey minimum below 3 respondents is refused).
    /// </summary>
    public static IServiceCollection AddSpaceMetrics(this IServiceCollection services, IConfiguration configuration) =>
        services.AddSurveyWaves(configuration)
            .AddSingleton<SurveyQueries>().AddSingleton<SpaceQueries>().AddSingleton<AdoptionQueries>().AddSingleton<RoiQueries>();

    /// <summary>Survey waves and their closing, with "Analytics:Space": for the survey figures and for survey imports.</summary>
    public static IServiceCollection AddSurveyWaves(this IServiceCollection services, IConfiguration configuration)
    {
        if (services.Any(d => d.ServiceType == typeof(SurveyWaves)))
        {
            return services;
        }
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<Analytics.Storage.ClickHouse.SqlFiles>();
        return services.AddValidatedOptions<SpaceOptions, SpaceOptionsValidator>(configuration, SpaceOptions.Section).AddSingleton<SurveyWaves>();
    }
}
