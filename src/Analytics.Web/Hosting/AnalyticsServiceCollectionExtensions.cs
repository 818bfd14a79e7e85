using Analytics.Core.Dora;
using Analytics.Ingestors;
using Analytics.Ingestors.Backstage;
using Analytics.Ingestors.Demo;
using Analytics.Ingestors.Git;
using Analytics.Ingestors.GitHub;
using Analytics.Ingestors.GitLab;
using Analytics.Ingestors.Jira;
using Analytics.Ingestors.Opsgenie;
using Analytics.Ingestors.PagerDuty;
using Analytics.Ingestors.Runs;
using Analytics.Storage;
using Analytics.Storage.ClickHouse;
using Analytics.Storage.Metrics;
using Analytics.Storage.Settings;
using Analytics.Web.Api;
using Analytics.Web.Queries;
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
        services.AddGitLabIngestion(configuration);
        services.AddBackstageIngestion();
        services.AddPagerDutyIngestion();
        services.AddOpsgenieIngestion();
        services.AddJiraIngestion();
        services.AddDemoOrganisation(configuration);
        services.AddSingleton(TimeProvider.System);
        services.AddDoraMetrics(configuration);
        services.AddSingleton<DoraTierChoice>();
        services.AddSingleton<AnalyticsInitializer>();
        // The dashboard host's own settings, checked by every command too, so a wrong one is reported the same way.
        services.AddValidatedOptions<ApiOptions, ApiOptionsValidator>(configuration, ApiOptions.Section);
        services.AddValidatedOptions<HttpsOptions, HttpsOptionsValidator>(configuration, HttpsOptions.Section);
        services.AddValidatedOptions<RateLimitOptions, RateLimitOptionsValidator>(configuration, RateLimitOptions.Section);
        services.AddValidatedOptions<TelemetryOptions, TelemetryOptionsValidator>(configuration, TelemetryOptions.Section);
        return services;
    }

    /// <summary>
    /// Validates every options class registered to be validated on start (all of them), as starting the host would:
    /// the CLI's commands never start their host, and the dashboard fails here before anything opens.
    /// </summary>
    /// <exception cref="OptionsValidationException">One options class is invalid (the message names each bad setting).</exception>
    /// <exception cref="AggregateException">Several are.</exception>
    public static void ValidateOptions(this IServiceProvider services) => services.GetService<IStartupValidator>()?.Validate();
}
