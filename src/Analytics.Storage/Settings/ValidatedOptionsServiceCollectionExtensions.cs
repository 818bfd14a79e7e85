using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Analytics.Storage.Settings;

/// <summary>
/// The one way options are registered: each options class is bound to its section by the project that uses it,
/// checked by the <see cref="IValidateOptions{TOptions}"/> class beside it, and validated when the host starts — and
/// by every CLI command before it runs, through the host's <c>IStartupValidator</c>. docs/configuration.md lists
/// every setting bound this way (a test compares the two).
/// </summary>
public static class ValidatedOptionsServiceCollectionExtensions
{
    public static IServiceCollection AddValidatedOptions<TOptions, TValidator>(this IServiceCollection services, IConfiguration configuration, string section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        // Once, even when several projects ask for the same options (MetricOptions: the queries and the deployment linker).
        if (services.Any(descriptor => descriptor.ServiceType == typeof(IValidateOptions<TOptions>) && descriptor.ImplementationType == typeof(TValidator)))
        {
            return services;
        }
        services.AddOptions<TOptions>().Bind(configuration.GetSection(section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TOptions>, TValidator>();
        return services;
    }
}
