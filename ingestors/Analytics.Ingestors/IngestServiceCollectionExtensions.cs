using Analytics.Ingestors.Csv;
using Analytics.Ingestors.Push;
using Analytics.Ingestors.Runs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Analytics.Ingestors;

// At the project's root, above its folders: it wires Runs, Csv and Push together, so none of them needs to know the
// others' registrations (Csv and Push use Runs; Runs uses neither).

public static class IngestServiceCollectionExtensions
{
    /// <summary>
    /// Run bookkeeping, the configured sources (<c>Analytics:Sources</c>), CSV import and push receiving.
    /// Needs the storage services (<c>AddAnalyticsStorage</c>). Push tokens are validated at start-up.
    /// </summary>
    public static IServiceCollection AddIngestion(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IngestRunner>();
        services.AddSingleton<IngestRunHistory>();
        services.AddSingleton<IngestSources>();

        services.AddOptions<SurveyOptions>().Bind(configuration.GetSection(SurveyOptions.Section));
        services.AddSingleton<RespondentHasher>();
        services.AddSingleton<CsvImporter>();
        services.AddSingleton<IIngestSourceFactory, CsvFolderSourceFactory>();

        services.AddOptions<PushOptions>().Bind(configuration.GetSection(PushOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PushOptions>, PushOptionsValidation>();
        services.AddSingleton<PushTokens>();
        services.AddSingleton<PushReceiver>();
        return services;
    }
}

/// <summary>Names each push source whose token is unusable (never the token itself).</summary>
internal sealed class PushOptionsValidation : IValidateOptions<PushOptions>
{
    public ValidateOptionsResult Validate(string? name, PushOptions options)
    {
        var problems = options.Validate().ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
