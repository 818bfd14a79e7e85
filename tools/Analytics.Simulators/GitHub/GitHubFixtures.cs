using System.Text.Json.Nodes;

namespace Analytics.Simulators.GitHub;

/// <summary>
/// GitHub's own example response objects, one per endpoint the simulator serves (see Fixtures/README.md for their
/// source and trimming), embedded in this assembly so the executable finds them wherever it runs.
/// </summary>
public static class GitHubFixtures
{
    private const string Prefix = "GitHubFixtures/";

    private static readonly Lazy<IReadOnlyDictionary<string, string>> Texts = new(ReadAll);

    /// <summary>The names of the fixtures, e.g. "pull-request".</summary>
    public static IEnumerable<string> Names => Texts.Value.Keys;

    /// <summary>A fresh copy of the fixture <paramref name="name"/> (e.g. "deployment-status"), free to change.</summary>
    /// <exception cref="ArgumentException">No fixture has this name.</exception>
    public static JsonObject Load(string name) => Texts.Value.TryGetValue(name, out var text)
        ? JsonNode.Parse(text)!.AsObject()
        : throw new ArgumentException($"No GitHub fixture '{name}'. Known: {string.Join(", ", Names.Order(StringComparer.Ordinal))}.", nameof(name));

    private static IReadOnlyDictionary<string, string> ReadAll()
    {
        var assembly = typeof(GitHubFixtures).Assembly;
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(r => r.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            texts[Path.GetFileNameWithoutExtension(resource[Prefix.Length..])] = reader.ReadToEnd();
        }
        return texts;
    }
}
