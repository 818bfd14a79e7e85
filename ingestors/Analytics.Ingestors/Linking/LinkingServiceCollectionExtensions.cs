using Analytics.Storage.Metrics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Analytics.Ingestors.Linking;

public static class LinkingServiceCollectionExtensions
{
    /// <summary>Registers <see cref="DeploymentLinker"/> with the metric options it reads ("Analytics:Metrics:FirstDeploymentLookback").</summary>
    public static IServiceCollection AddDeploymentLinking(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddMetricOptions(configuration);
        services.TryAddSingleton<DeploymentLinker>();
        return services;
    }
}
