using Analytics.Core.Dora;
using Analytics.Ingestors.Git;
using Analytics.Ingestors.GitHub;
using Analytics.Ingestors.Runs;
using Analytics.Storage.ClickHouse;
using Analytics.Storage.Metrics;
using Microsoft.Extensions.Options;

namespace Analytics.Web.Hosting;

public static class AnalyticsServiceCollectionExtensions
{
    /// <summary>Everything both the dashboard and the CLI need: storage, catalog, metric queries, demo loading.</summary>
    public static IServiceCollection AddAnalyticsServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAnalyticsStorage(configuration);
        services.AddIngestion(configuration);
        services.AddGitIngestion(configuration);
        services.AddGitHubIngestion(configuration);
        services.AddOptions<MetricOptions>().Bind(configuration.GetSection(MetricOptions.Section))
            .Validate(options => TimeZoneInfo.TryFindSystemTimeZoneById(options.TimeZone, out _), "Analytics:Metrics:TimeZone is not a known IANA time zone.")
            .Validate(options => options.IncidentAttributionWindowIsValid, MetricOptions.IncidentAttributionWindowRule)
            .Validate(options => DoraTierTables.TryGet(options.TierYear, out _),
                $"Analytics:Metrics:TierYear must be a DORA benchmark year with a tier table ({string.Join(", ", DoraTierTables.Years)}).")
            .ValidateOnStart();
        services.AddOptions<DemoOptions>().Bind(configuration.GetSection(DemoOptions.Section))
            .Validate(options => Analytics.Ingestors.Demo.DemoScale.TryParse(options.Scale, out _), "Analytics:Demo:Scale must be tiny, s or l.")
            .ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddDoraMetrics();
        services.AddSingleton<DoraTierChoice>();
        services.AddSingleton<AnalyticsInitializer>();
        return services;
    }

    /// <summary>Resolves the options once so a bad configuration fails before anything starts.</summary>
    public static void ValidateOptions(this IServiceProvider services)
    {
        _ = services.GetRequiredService<IOptions<StoreOptions>>().Value;
        _ = services.GetRequiredService<IOptions<MetricOptions>>().Value;
        _ = services.GetRequiredService<IOptions<DemoOptions>>().Value;
    }
}
