using Analytics.Ingestors.GitHub.App;
using Analytics.Ingestors.GitHub.Webhooks;
using Analytics.Ingestors.Linking;
using Analytics.Ingestors.Runs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Analytics.Ingestors.GitHub;

public static class GitHubIngestionServiceCollectionExtensions
{
    /// <summary>
    /// Registers the <c>github</c> source kind (<c>Analytics:Sources:&lt;name&gt;:Kind = github</c>) and the deployment
    /// linker it runs after every run. Needs the storage services and <c>AddIngestion</c>.
    /// </summary>
    public static IServiceCollection AddGitHubIngestion(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddDeploymentLinking(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<GitHubServiceDirectory>();
        services.TryAddSingleton<GitHubAppTokens>();
        services.TryAddSingleton<GitHubWebhookReceiver>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IIngestSourceFactory, GitHubSourceFactory>());
        services.AddSourceKindSettings(GitHubSourceSettings.KindSettings);
        return services;
    }
}
