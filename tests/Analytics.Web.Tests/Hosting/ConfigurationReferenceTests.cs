using System.Collections;
using System.Reflection;
using System.Text.RegularExpressions;
using Analytics.Ingestors.Backstage;
using Analytics.Ingestors.GitHub;
using Analytics.Ingestors.GitLab;
using Analytics.Ingestors.Jira;
using Analytics.Ingestors.Opsgenie;
using Analytics.Ingestors.PagerDuty;
using Analytics.Ingestors.Runs;
using Analytics.Testing;
using Analytics.Web.Cli;
using Microsoft.Extensions.Options;
using Analytics.Storage;

namespace Analytics.Web.Tests.Hosting;

/// <summary>
/// docs/configuration.md against what the app binds: every options class the app validates (found in the container
/// the commands build), its section and its properties, and each source kind's settings class. A setting added to
/// the code but not to the page, or left on the page after the code dropped it, fails here.
/// </summary>
public sealed partial class ConfigurationReferenceTests
{
    /// <summary>Read without an options class: the catalog's connection string (AddAnalyticsStorage reads it with GetConnectionString).</summary>
    private static readonly string[] ReadDirectly = ["ConnectionStrings:Catalog"];

    /// <summary>Properties that are not settings: a source's name is the key of its section.</summary>
    private static readonly PropertyInfo[] NotSettings =
    [
        typeof(GitHubSourceSettings).GetProperty(nameof(GitHubSourceSettings.Name))!,
        typeof(GitLabSourceSettings).GetProperty(nameof(GitLabSourceSettings.Name))!,
        typeof(BackstageSourceSettings).GetProperty(nameof(BackstageSourceSettings.Name))!,
        typeof(PagerDutySourceSettings).GetProperty(nameof(PagerDutySourceSettings.Name))!,
        typeof(OpsgenieSourceSettings).GetProperty(nameof(OpsgenieSourceSettings.Name))!,
        typeof(JiraSourceSettings).GetProperty(nameof(JiraSourceSettings.Name))!,
    ];

    [Fact]
    public void Every_bound_setting_is_documented_and_every_documented_setting_is_bound()
    {
        // The commands' services, and the dashboard's own (sign-in: Analytics:Auth).
        var services = AnalyticsCommandLine.CommandBuilder().Services.Concat(AnalyticsCommandLine.ServeBuilder([]).Services).ToList();
        var optionsTypes = services
            .Where(descriptor => descriptor.ServiceType.IsGenericType && descriptor.ServiceType.GetGenericTypeDefinition() == typeof(IValidateOptions<>))
            .Select(descriptor => descriptor.ServiceType.GetGenericArguments()[0])
            .Where(type => type.Namespace?.StartsWith("Analytics.", StringComparison.Ordinal) == true)
            .Distinct()
            .ToList();
        var bound = optionsTypes.SelectMany(type => SettingsOf(SectionOf(type), type)).Select(path => (Path: path, Kind: ""))
            .Concat(ReadDirectly.Select(path => (Path: path, Kind: "")))
            .Concat(services.Select(descriptor => descriptor.ImplementationInstance).OfType<SourceKindSettings>()
                .SelectMany(kind => SettingsOf($"{IngestSourcesOptions.Section}:<name>", kind.SettingsType).Select(path => (Path: path, kind.Kind))))
            .ToHashSet();

        var documented = DocumentedSettings(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docs", "configuration.md")));

        Assert.Contains(typeof(IngestSourcesOptions), optionsTypes);
        Assert.Contains(("Analytics:Metrics:TimeZone", ""), bound);
        Assert.Contains(("Analytics:Sources:<name>:Workflows:<i>:Branch", "github"), bound);
        var missing = bound.Where(setting => !documented.Any(row => row.Path == setting.Path && (setting.Kind == "" || row.Heading.Contains($"`{setting.Kind}`", StringComparison.Ordinal))));
        Assert.True(!missing.Any(), "Bound but not in docs/configuration.md (kind-specific ones belong in their kind's table): " + string.Join(", ", missing));
        var unbound = documented.Select(row => row.Path).Where(path => !bound.Any(setting => setting.Path == path)).Distinct();
        Assert.True(!unbound.Any(), "In docs/configuration.md but bound by nothing: " + string.Join(", ", unbound));
    }

    private static string SectionOf(Type optionsType) =>
        optionsType.GetField("Section", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() as string
        ?? throw new InvalidOperationException($"{optionsType.Name} has no public const Section naming its configuration section.");

    /// <summary>The configuration paths a type binds under <paramref name="prefix"/>: <c>&lt;name&gt;</c> for a dictionary's keys, <c>&lt;i&gt;</c> for a list's items.</summary>
    private static IEnumerable<string> SettingsOf(string prefix, Type type)
    {
        if (DictionaryValue(type) is { } value)
        {
            return Nested($"{prefix}:<name>", value);
        }
        return type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(property => property.SetMethod?.IsPublic == true && !NotSettings.Contains(property))
            .SelectMany(property => Nested($"{prefix}:{property.Name}", property.PropertyType));
    }

    private static IEnumerable<string> Nested(string path, Type type)
    {
        if (DictionaryValue(type) is not null || IsSettingsClass(type))
        {
            return SettingsOf(path, type);
        }
        if (type != typeof(string) && ListItem(type) is { } item && IsSettingsClass(item))
        {
            return SettingsOf($"{path}:<i>", item);
        }
        return [path];
    }

    /// <summary>One of the app's classes with settable properties (a value such as TagPattern or Uri is one setting).</summary>
    private static bool IsSettingsClass(Type type) =>
        type.Namespace?.StartsWith("Analytics.", StringComparison.Ordinal) == true
        && type.GetProperties().Any(property => property.SetMethod?.IsPublic == true);

    private static Type? DictionaryValue(Type type) =>
        Interface(type, typeof(IDictionary<,>)) is { } dictionary && dictionary.GetGenericArguments()[0] == typeof(string) ? dictionary.GetGenericArguments()[1] : null;

    private static Type? ListItem(Type type) =>
        typeof(IEnumerable).IsAssignableFrom(type) ? Interface(type, typeof(IEnumerable<>))?.GetGenericArguments()[0] : null;

    private static Type? Interface(Type type, Type open) =>
        (type.IsInterface ? type.GetInterfaces().Append(type) : type.GetInterfaces())
            .FirstOrDefault(candidate => candidate.IsGenericType && candidate.GetGenericTypeDefinition() == open);

    /// <summary>The first cell of every table row that is a setting's path, with the heading the table is under.</summary>
    private static List<(string Path, string Heading)> DocumentedSettings(string markdown)
    {
        var rows = new List<(string, string)>();
        var heading = "";
        foreach (var line in markdown.Split('\n'))
        {
            if (line.StartsWith('#'))
            {
                heading = line;
            }
            else if (SettingRow().Match(line) is { Success: true } row)
            {
                rows.Add((row.Groups["path"].Value, heading));
            }
        }
        return rows;
    }

    [GeneratedRegex(@"^\|\s*`(?<path>(Analytics|ConnectionStrings):[^`]+)`\s*\|")]
    private static partial Regex SettingRow();
}
