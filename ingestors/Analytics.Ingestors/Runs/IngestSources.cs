using Microsoft.Extensions.Configuration;

namespace Analytics.Ingestors.Runs;

/// <summary>Builds the sources of one kind from their configuration section, e.g. "csv" from <c>Path</c>.</summary>
public interface IIngestSourceFactory
{
    string Kind { get; }

    /// <summary>Checks a source's settings; returns what is wrong, naming each setting, or nothing.</summary>
    IEnumerable<string> Validate(string name, IConfigurationSection settings);

    IIngestSource Create(string name, IConfigurationSection settings);
}

/// <summary>A source as configured under <c>Analytics:Sources:&lt;name&gt;</c>.</summary>
/// <param name="Cron">Quartz cron expression (seconds first, UTC); null means run on demand only.</param>
public sealed record ConfiguredSource(string Name, string Kind, string? Cron);

/// <summary>
/// The sources configured under <c>Analytics:Sources</c>, built through the factory for their kind. The whole section is
/// checked at start-up by <see cref="IngestSourcesOptionsValidator"/>; <see cref="Create"/> checks its source again.
/// </summary>
public sealed class IngestSources(IConfiguration configuration, IEnumerable<IIngestSourceFactory> factories)
{
    public const string Section = IngestSourcesOptions.Section;

    private readonly Dictionary<string, IIngestSourceFactory> _factories =
        factories.ToDictionary(factory => factory.Kind, StringComparer.OrdinalIgnoreCase);

    public IReadOnlyList<ConfiguredSource> Configured => ReadConfigured(configuration);

    /// <summary>The sources in <paramref name="configuration"/>, by name; nothing is validated.</summary>
    public static IReadOnlyList<ConfiguredSource> ReadConfigured(IConfiguration configuration) => configuration.GetSection(Section).GetChildren()
        .Select(section => new ConfiguredSource(section.Key, section["Kind"] ?? "", NullIfBlank(section["Cron"])))
        .OrderBy(source => source.Name, StringComparer.Ordinal)
        .ToList();

    /// <exception cref="ArgumentException">No source of this name is configured, or its settings are invalid.</exception>
    public IIngestSource Create(string name)
    {
        var source = Configured.SingleOrDefault(s => s.Name == name)
            ?? throw new ArgumentException(
                $"No source '{name}' is configured under {Section}. Configured: {string.Join(", ", Configured.Select(s => s.Name).DefaultIfEmpty("none"))}.",
                nameof(name));
        var settings = configuration.GetSection($"{Section}:{name}");
        if (!_factories.TryGetValue(source.Kind, out var factory))
        {
            throw new ArgumentException($"{Section}:{name}:Kind '{source.Kind}' is not a known kind.", nameof(name));
        }
        var problems = factory.Validate(name, settings).ToList();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(name));
        }
        return factory.Create(name, settings);
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
