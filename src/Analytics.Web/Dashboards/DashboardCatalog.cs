using Analytics.Core.Calendar;
using System.Text.Json;
using Analytics.Core.Dora;
using Microsoft.Extensions.Options;

namespace Analytics.Web.Dashboards;

/// <summary>Configuration section "Analytics:Dashboards". Checked by <see cref="DashboardOptionsValidator"/>.</summary>
public sealed class DashboardOptions
{
    public const string Section = "Analytics:Dashboards";

    /// <summary>Folder of the dashboard files. Default: the copy beside the executable; point it at the repository's dashboards/ to edit live.</summary>
    public string? Path { get; set; }
}

/// <summary>A dashboard file that cannot be used, with what is wrong and where.</summary>
public sealed class DashboardDefinitionException(string message) : Exception(message);

/// <summary>Reads and checks the dashboard files. Every error names the file, the panel and the reason.</summary>
public sealed class DashboardCatalog(IOptions<DashboardOptions> options)
{
    private static readonly JsonDocumentOptions JsonOptions = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    public string Folder => options.Value.Path is { Length: > 0 } path ? System.IO.Path.GetFullPath(path) : System.IO.Path.Combine(AppContext.BaseDirectory, "dashboards");

    public IReadOnlyList<string> Names() =>
        Directory.Exists(Folder)
            ? Directory.EnumerateFiles(Folder, "*.json").Select(System.IO.Path.GetFileNameWithoutExtension).OfType<string>().Order(StringComparer.Ordinal).ToList()
            : [];

    /// <summary>The dashboard <paramref name="name"/>, or null when there is no such file.</summary>
    /// <exception cref="DashboardDefinitionException">The file exists but is not a valid dashboard.</exception>
    public DashboardDefinition? Load(string name)
    {
        if (name.Length == 0 || name.Any(ch => !(char.IsAsciiLetterOrDigit(ch) || ch is '-' or '_')))
        {
            return null;
        }
        var path = System.IO.Path.Combine(Folder, name + ".json");
        return File.Exists(path) ? Parse(name, $"dashboards/{name}.json", File.ReadAllText(path)) : null;
    }

    /// <summary>Parses one definition; <paramref name="file"/> is how errors name it.</summary>
    public static DashboardDefinition Parse(string name, string file, string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, JsonOptions);
        }
        catch (JsonException error)
        {
            throw new DashboardDefinitionException($"{file}: line {error.LineNumber + 1}: not valid JSON ({error.Message.Split('.')[0]}).");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new DashboardDefinitionException($"{file}: the file must hold one JSON object with \"title\" and \"panels\".");
            }
            var title = RequiredString(root, "title", file);
            var audience = OptionalString(root, "audience", file) ?? "everyone";
            var defaultDays = root.TryGetProperty("defaultDays", out var days) ? ReadDays(days, file) : 90;
            if (!root.TryGetProperty("panels", out var panels) || panels.ValueKind != JsonValueKind.Array || panels.GetArrayLength() == 0)
            {
                throw new DashboardDefinitionException($"{file}: \"panels\" must be a non-empty array.");
            }
            var definitions = new List<PanelDefinition>();
            var index = 0;
            foreach (var panel in panels.EnumerateArray())
            {
                index++;
                definitions.Add(ParsePanel(panel, file, index, definitions));
            }
            var needsTeam = root.TryGetProperty("team", out var team) && team.ValueKind == JsonValueKind.String && team.GetString() == "required";
            return new DashboardDefinition(name, title, audience, defaultDays, needsTeam, definitions);
        }
    }

    private static PanelDefinition ParsePanel(JsonElement panel, string file, int index, List<PanelDefinition> earlier)
    {
        if (panel.ValueKind != JsonValueKind.Object)
        {
            throw new DashboardDefinitionException($"{file}, panel {index}: a panel must be a JSON object.");
        }
        var id = RequiredString(panel, "id", $"{file}, panel {index}");
        var where = $"{file}, panel '{id}'";
        if (earlier.Any(p => p.Id == id))
        {
            throw new DashboardDefinitionException($"{where}: the id is used by an earlier panel; ids must be unique.");
        }
        var kind = RequiredString(panel, "kind", where);
        if (!PanelKinds.All.Contains(kind))
        {
            throw new DashboardDefinitionException($"{where}: unknown kind '{kind}' (known: {string.Join(", ", PanelKinds.All)}).");
        }
        var title = OptionalString(panel, "title", where) ?? id;
        var metric = OptionalString(panel, "metric", where);
        var chart = OptionalString(panel, "chart", where) ?? "line";
        var granularity = Granularity.Month;
        if (kind == PanelKinds.DoraSeries)
        {
            if (metric is null || !PanelKinds.SeriesMetrics.ContainsKey(metric))
            {
                throw new DashboardDefinitionException($"{where}: a {PanelKinds.DoraSeries} panel needs \"metric\", one of {string.Join(", ", PanelKinds.SeriesMetrics.Keys)}.");
            }
            if (!PanelKinds.Charts.Contains(chart))
            {
                throw new DashboardDefinitionException($"{where}: unknown chart '{chart}' (known: {string.Join(", ", PanelKinds.Charts)}).");
            }
            var granularityText = OptionalString(panel, "granularity", where) ?? "month";
            if (!Enum.TryParse(granularityText, ignoreCase: true, out granularity) || !Enum.IsDefined(granularity))
            {
                throw new DashboardDefinitionException($"{where}: unknown granularity '{granularityText}' (known: day, week, month).");
            }
        }
        return new PanelDefinition(id, title, kind, metric, granularity, chart, OptionalString(panel, "description", where));
    }

    private static int ReadDays(JsonElement days, string file) =>
        days.ValueKind == JsonValueKind.Number && days.TryGetInt32(out var value) && value is > 0 and <= 3660
            ? value
            : throw new DashboardDefinitionException($"{file}: \"defaultDays\" must be a whole number of days from 1 to 3660.");

    private static string RequiredString(JsonElement element, string property, string where) =>
        OptionalString(element, property, where) ?? throw new DashboardDefinitionException($"{where}: \"{property}\" is required.");

    private static string? OptionalString(JsonElement element, string property, string where)
    {
        if (!element.TryGetProperty(property, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text
            ? text
            : throw new DashboardDefinitionException($"{where}: \"{property}\" must be a non-empty string.");
    }
}
