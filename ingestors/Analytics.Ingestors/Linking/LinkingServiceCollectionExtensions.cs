using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Analytics.Ingestors.Linking;

public static class LinkingServiceCollectionExtensions
{
    /// <summary>Registers <see cref="DeploymentLinker"/> with its options from "Analytics:Metrics".</summary>
    public static IServiceCollection AddDeploymentLinking(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DeploymentLinkerOptions>().Bind(configuration.GetSection(DeploymentLinkerOptions.Section))
            .Validate(options => options.FirstDeploymentLookback > TimeSpan.Zero, "Analytics:Metrics:FirstDeploymentLookback must be positive.")
            .ValidateOnStart();
        services.TryAddSingleton<DeploymentLinker>();
        return services;
    }
}
