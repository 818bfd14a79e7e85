using Analytics.Ingestors.Linking;
using Analytics.Ingestors.Runs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Analytics.Ingestors.Git;

public static class GitIngestionServiceCollectionExtensions
{
    /// <summary>
    /// Registers local git ingestion, the <c>git</c> source kind (<c>Analytics:Sources:&lt;name&gt;:Kind = git</c>) and
    /// the deployment linker it runs after every ingest. Needs the storage services and <c>AddIngestion</c>.
    /// </summary>
    public static IServiceCollection AddGitIngestion(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddDeploymentLinking(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<GitRepositoryIngestor>();
        services.TryAddSingleton<GitServiceRegistration>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IIngestSourceFactory, GitSourceFactory>());
        services.AddSourceKindSettings(GitSourceSettings.KindSettings);
        return services;
    }
}
