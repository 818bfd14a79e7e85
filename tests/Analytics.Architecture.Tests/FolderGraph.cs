using System.Text.RegularExpressions;

namespace Analytics.Architecture.Tests;

/// <summary>
/// Folder → folder references of one project, with the first file that made each one: `using`/`@using` lines,
/// qualified names, and names relative to the root namespace when the folder declares that type.
/// </summary>
internal sealed partial class FolderGraph(string rootNamespace, IReadOnlyList<string> folders, IReadOnlyDictionary<string, string[]> typesByFolder)
{
    /// <summary>Program.cs and anything else at the project's root.</summary>
    public const string Root = "(root)";

    private readonly Dictionary<(string From, string To), string> _edges = [];

    public static IEnumerable<string> SourceFiles(string project) =>
        Directory.EnumerateFiles(project, "*.*", SearchOption.AllDirectories)
            .Where(file => file.EndsWith(".cs", StringComparison.Ordinal) || file.EndsWith(".razor", StringComparison.Ordinal))
            .Where(file => !Repository.IsBuildOutput(file));

    public static FolderGraph Read(string project, string rootNamespace)
    {
        var files = SourceFiles(project).ToList();
        var folders = files.Select(file => FolderOf(project, file)).Where(folder => folder != Root).Distinct().ToList();
        // Types by folder, for references written relative to the root namespace (Hosting.DoraTierChoice in Analytics.Web).
        var types = folders.ToDictionary(folder => folder, folder => files.Where(file => FolderOf(project, file) == folder)
            .SelectMany(file => TypeDeclaration().Matches(File.ReadAllText(file)).Select(match => match.Groups[1].Value)
                .Concat(file.EndsWith(".razor", StringComparison.Ordinal) ? [Path.GetFileNameWithoutExtension(file)] : []))
            .Distinct().ToArray());
        var graph = new FolderGraph(rootNamespace, folders, types);
        foreach (var file in files)
        {
            graph.Add(FolderOf(project, file), File.ReadAllText(file), Path.GetRelativePath(project, file));
        }
        return graph;
    }

    public void Add(string folder, string text, string file)
    {
        var qualified = new Regex($@"\b{Regex.Escape(rootNamespace)}\.(\w+)");
        var named = qualified.Matches(text).Select(match => match.Groups[1].Value)
            .Concat(RelativeReference().Matches(text)
                .Where(match => typesByFolder.TryGetValue(match.Groups[1].Value, out var types) && types.Contains(match.Groups[2].Value))
                .Select(match => match.Groups[1].Value));
        foreach (var to in named.Where(to => to != folder && folders.Contains(to)))
        {
            _edges.TryAdd((folder, to), file);
        }
    }

    public IEnumerable<string> Edges(string from) => _edges.Keys.Where(edge => edge.From == from).Select(edge => edge.To).Order(StringComparer.Ordinal);

    public string Witness(string from, string to) => _edges[(from, to)];

    /// <summary>The first cycle found, as folders from its start back to it; null when there is none.</summary>
    public IReadOnlyList<string>? FindCycle()
    {
        var done = new HashSet<string>();
        var path = new List<string>();
        IReadOnlyList<string>? Visit(string folder)
        {
            if (path.IndexOf(folder) is var start and >= 0)
            {
                return [.. path[start..], folder];
            }
            if (!done.Add(folder))
            {
                return null;
            }
            path.Add(folder);
            foreach (var next in Edges(folder))
            {
                if (Visit(next) is { } cycle)
                {
                    return cycle;
                }
            }
            path.RemoveAt(path.Count - 1);
            return null;
        }
        return _edges.Keys.Select(edge => edge.From).Distinct().Order(StringComparer.Ordinal).Select(Visit).FirstOrDefault(cycle => cycle is not null);
    }

    /// <summary>A path of folders with the file that makes each step: "Queries → Utils (Queries/A.cs) → Queries (Utils/B.cs)".</summary>
    public string Describe(IReadOnlyList<string> path) =>
        string.Concat(path.Take(1).Concat(path.Zip(path.Skip(1), (from, to) => $" → {to} ({Witness(from, to)})")));

    private static string FolderOf(string project, string file) =>
        Path.GetRelativePath(project, file).Split(Path.DirectorySeparatorChar) is [var first, _, ..] ? first : Root;

    /// <summary>X.Type inside the root namespace, e.g. Hosting.DoraTierChoice (not a.X.Type).</summary>
    [GeneratedRegex(@"(?<![\w.])(\w+)\.(\w+)")]
    private static partial Regex RelativeReference();

    [GeneratedRegex(@"\b(?:class|record|struct|interface|enum)\s+(\w+)")]
    private static partial Regex TypeDeclaration();
}
