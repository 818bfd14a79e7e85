using Analytics.Ingestors.GitHub;
using Analytics.Ingestors.Linking;
using Analytics.Ingestors.Runs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Analytics.Ingestors.GitLab;

public static class GitLabIngestionServiceCollectionExtensions
{
    /// <summary>
    /// Registers the <c>gitlab</c> source kind (<c>Analytics:Sources:&lt;name&gt;:Kind = gitlab</c>) and the deployment
    /// linker it runs after every run. Needs the storage services and <c>AddIngestion</c>.
    /// </summary>
    public static IServiceCollection AddGitLabIngestion(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddDeploymentLinking(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<GitHubServiceDirectory>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IIngestSourceFactory, GitLabSourceFactory>());
        services.AddSourceKindSettings(GitLabSourceSettings.KindSettings);
        return services;
    }
}
