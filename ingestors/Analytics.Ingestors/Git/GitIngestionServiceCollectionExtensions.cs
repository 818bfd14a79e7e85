using Analytics.Ingestors.Linking;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Analytics.Ingestors.Git;

public static class GitIngestionServiceCollectionExtensions
{
    /// <summary>Registers local git ingestion and the deployment linker it runs after every ingest.</summary>
    public static IServiceCollection AddGitIngestion(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddDeploymentLinking(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<GitRepositoryIngestor>();
        services.TryAddSingleton<GitServiceRegistration>();
        return services;
    }
}
