using Analytics.Ingestors.Csv;
using Analytics.Ingestors.Linking;
using Analytics.Ingestors.Push;
using Analytics.Ingestors.Runs;
using Analytics.Ingestors.Surveys;
using Analytics.Storage;
using Analytics.Storage.Metrics;
using Analytics.Storage.Settings;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Analytics.Ingestors;

// At the project's root, above its folders: it wires Runs, Csv and Push together, so none of them needs to know the
// others' registrations (Csv and Push use Runs; Runs uses neither).

public static class IngestServiceCollectionExtensions
{
    /// <summary>
    /// Run bookkeeping, the configured sources (<c>Analytics:Sources</c>), CSV import and push receiving.
    /// Needs the storage services (<c>AddAnalyticsStorage</c>). Sources, the survey salt and push tokens are validated at start-up.
    /// </summary>
    public static IServiceCollection AddIngestion(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IngestRunner>();
        services.AddSingleton<IngestRunHistory>();
        services.AddSingleton<IngestSources>();
        services.AddValidatedOptions<IngestSourcesOptions, IngestSourcesOptionsValidator>(configuration, IngestSourcesOptions.Section);

        services.AddValidatedOptions<SurveyOptions, SurveyOptionsValidator>(configuration, SurveyOptions.Section);
        services.AddSingleton<RespondentHasher>();
        services.AddSingleton<RespondentErasure>();
        // Survey dates are days of the organisation's calendar ("Analytics:Metrics:TimeZone").
        services.AddMetricOptions(configuration);
        services.AddSurveyWaves(configuration);
        // An import of commits or deployments links them (interchange files, docs/ingestion.md).
        services.AddDeploymentLinking(configuration);
        services.AddSingleton<CsvImporter>();
        services.AddSingleton<IIngestSourceFactory, CsvFolderSourceFactory>();
        services.AddSingleton<SurveyExportImporter>();
        services.AddSingleton<IIngestSourceFactory, SurveyExportSourceFactory>();
        services.AddSourceKindSettings(SurveyExportSourceSettings.KindSettings);
        services.AddSourceKindSettings(CsvSourceSettings.KindSettings);

        services.AddValidatedOptions<PushOptions, PushOptionsValidator>(configuration, PushOptions.Section);
        services.AddSingleton<PushTokens>();
        services.AddSingleton<PushReceiver>();
        return services;
    }
}
