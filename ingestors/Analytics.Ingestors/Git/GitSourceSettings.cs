using Analytics.Ingestors.Runs;
using Microsoft.Extensions.Configuration;

namespace Analytics.Ingestors.Git;

/// <summary>The settings of one <c>git</c> source (a local clone), read from <c>Analytics:Sources:&lt;name&gt;</c>, as <c>ingest git</c> takes them.</summary>
public sealed class GitSourceSettings
{
    public static readonly SourceKindSettings KindSettings = new(GitRepositoryIngestor.SourceName, typeof(GitSourceSettings), Validate);

    /// <summary>The clone: its work tree or a bare repository.</summary>
    public required string Path { get; init; }

    /// <summary>The service the clone's tags deploy (registered without an owner if the catalog lacks it).</summary>
    public required string Service { get; init; }

    /// <summary>Tags matching this glob (or <c>/regex/</c>) are successful production deployments.</summary>
    public TagPattern TagPattern { get; init; } = TagPattern.Parse(TagPattern.Default);

    /// <summary><c>owner/name</c>; none = the catalog's, else the origin remote's.</summary>
    public string? Repository { get; init; }

    /// <summary>Every problem with <paramref name="settings"/>, each naming its setting.</summary>
    public static IEnumerable<string> Validate(IConfigurationSection settings)
    {
        if (string.IsNullOrWhiteSpace(settings["Path"]))
        {
            yield return $"{settings.Path}:Path must name a local clone (its work tree or a bare repository).";
        }
        if (string.IsNullOrWhiteSpace(settings["Service"]))
        {
            yield return $"{settings.Path}:Service must name the service the clone's tags deploy.";
        }
        if (settings["TagPattern"] is { Length: > 0 } pattern && TryParsePattern(pattern) is { } problem)
        {
            yield return $"{settings.Path}:TagPattern '{pattern}': {problem}";
        }
        if (settings["Repository"] is { Length: > 0 } repository && repository.Split('/') is not [{ Length: > 0 }, { Length: > 0 }])
        {
            yield return $"{settings.Path}:Repository '{repository}' must be owner/name.";
        }
    }

    /// <summary>The settings of a source that <see cref="Validate"/> found nothing wrong with.</summary>
    public static GitSourceSettings Parse(IConfigurationSection settings) => new()
    {
        Path = System.IO.Path.GetFullPath(settings["Path"]!),
        Service = settings["Service"]!.Trim(),
        Repository = settings["Repository"] is { Length: > 0 } given ? given.Trim() : null,
        TagPattern = TagPattern.Parse(settings["TagPattern"] is { Length: > 0 } pattern ? pattern : TagPattern.Default),
    };

    private static string? TryParsePattern(string pattern)
    {
        try
        {
            TagPattern.Parse(pattern);
            return null;
        }
        catch (ArgumentException error)
        {
            return error.Message;
        }
    }
}
