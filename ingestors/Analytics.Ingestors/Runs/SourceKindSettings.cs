using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Ingestors.Runs;

/// <summary>
/// How one kind of source checks its settings, registered by the code that provides the kind. Kept apart from
/// <see cref="IIngestSourceFactory"/> so every source is checked at start-up without building a factory (building one
/// opens the store).
/// </summary>
/// <param name="SettingsType">The class whose properties are the kind's settings (read by the configuration reference's test).</param>
/// <param name="Validate">Every problem with one source's section, each naming its setting's full path.</param>
public sealed record SourceKindSettings(string Kind, Type SettingsType, Func<IConfigurationSection, IEnumerable<string>> Validate);

public static class SourceKindSettingsServiceCollectionExtensions
{
    /// <summary>Registers a kind's settings check once, however often the kind's AddXxx is called.</summary>
    public static IServiceCollection AddSourceKindSettings(this IServiceCollection services, SourceKindSettings kind)
    {
        if (!services.Any(descriptor => descriptor.ImplementationInstance is SourceKindSettings registered && registered.Kind == kind.Kind))
        {
            services.AddSingleton(kind);
        }
        return services;
    }
}
