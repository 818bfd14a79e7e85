using Analytics.Storage.Settings;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Ingestors.Demo;

public static class DemoServiceCollectionExtensions
{
    /// <summary>The demo organisation's options ("Analytics:Demo"), validated at start-up; loading it is static (<see cref="DemoOrganisationLoader"/>).</summary>
    public static IServiceCollection AddDemoOrganisation(this IServiceCollection services, IConfiguration configuration) =>
        services.AddValidatedOptions<DemoOptions, DemoOptionsValidator>(configuration, DemoOptions.Section);
}
