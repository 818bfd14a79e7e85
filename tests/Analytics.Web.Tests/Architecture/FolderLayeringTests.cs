using Analytics.Testing;
using System.Text.RegularExpressions;

namespace Analytics.Web.Tests.Architecture;

/// <summary>
/// The folders of src/Analytics.Web form a one-way graph: Program.cs → Cli → Hosting → {Api, Components} → Queries →
/// Dashboards → Utils, the delivery folders (Api, Cli, Components) knowing nothing of each other. A folder depends on
/// another when one of its .cs or .razor files (or an _Imports.razor above it) names the other's namespace: a using,
/// a fully-qualified Analytics.Web.X. reference, or X.Type written relative to the Analytics.Web namespace.
/// </summary>
public sealed partial class FolderLayeringTests
{
    /// <summary>Being moved out of the shipped app (issue 15); not part of its layering.</summary>
    private static readonly string[] Ignored = ["Benchmarks", "bin", "obj"];

    private static readonly string[] DeliveryFolders = ["Api", "Cli", "Components"];

    [Fact]
    public void The_folders_of_the_web_project_depend_on_each_other_one_way()
    {
        var graph = FolderGraph.Read(WebProject);
        var cycle = graph.FindCycle();
        Assert.True(cycle is null, $"The folders of src/Analytics.Web depend on each other in a circle: {graph.Describe(cycle ?? [])}.");
    }

    [Fact]
    public void The_delivery_folders_know_nothing_of_each_other()
    {
        var graph = FolderGraph.Read(WebProject);
        var crossings = DeliveryFolders
            .SelectMany(from => graph.Edges(from).Where(DeliveryFolders.Contains).Select(to => $"{from} → {to} ({graph.Witness(from, to)})"))
            .ToList();
        Assert.True(crossings.Count == 0, "Api, Cli and Components sit on the query layer and must not use each other:\n" + string.Join('\n', crossings));
    }

    [Fact]
    public void Every_namespace_follows_its_folder()
    {
        var wrong = FolderGraph.SourceFiles(WebProject)
            .Where(file => file.EndsWith(".cs", StringComparison.Ordinal))
            .Select(file => (File: file, Declared: NamespaceDeclaration().Match(File.ReadAllText(file)) is { Success: true } match ? match.Groups[1].Value : null))
            .Where(pair => pair.Declared is not null && pair.Declared != Expected(pair.File))
            .Select(pair => $"{Path.GetRelativePath(WebProject, pair.File)}: namespace {pair.Declared}, expected {Expected(pair.File)}")
            .ToList();
        Assert.True(wrong.Count == 0, string.Join('\n', wrong));

        static string Expected(string file) =>
            string.Join('.', ["Analytics.Web", .. Path.GetRelativePath(WebProject, Path.GetDirectoryName(file)!).Split(Path.DirectorySeparatorChar).Where(part => part != ".")]);
    }

    [Fact]
    public void The_graph_reader_sees_usings_qualified_and_relative_references_and_names_a_cycle()
    {
        var graph = new FolderGraph(["Api", "Components", "Queries", "Utils"], new Dictionary<string, string[]> { ["Queries"] = ["TeamPageView"] });
        graph.Add("Queries", "using Analytics.Web.Utils;\nnamespace Analytics.Web.Queries;", "Queries/A.cs");
        graph.Add("Utils", "var view = Queries.TeamPageView.Empty; var view2 = Queries.LoadAsync(); // a property, not the folder", "Utils/B.cs");
        graph.Add("Components", "@using Analytics.Web.Api", "Components/_Imports.razor");

        var cycle = graph.FindCycle();
        Assert.Equal(["Queries", "Utils", "Queries"], cycle);
        Assert.Equal("Queries → Utils (Queries/A.cs) → Queries (Utils/B.cs)", graph.Describe(cycle!));
        Assert.Contains("Api", graph.Edges("Components"));
        Assert.Equal("Utils/B.cs", graph.Witness("Utils", "Queries"));
    }

    private static string WebProject => Path.Combine(RepositoryPaths.Root, "src", "Analytics.Web");

    [GeneratedRegex(@"^\s*namespace\s+([\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();

    /// <summary>Folder → folder references of one project, with the first file that made each one.</summary>
    private sealed partial class FolderGraph(IReadOnlyList<string> folders, IReadOnlyDictionary<string, string[]> typesByFolder)
    {
        /// <summary>Program.cs and anything else at the project's root.</summary>
        public const string Root = "(root)";

        private readonly Dictionary<(string From, string To), string> _edges = [];

        public static IEnumerable<string> SourceFiles(string project) =>
            Directory.EnumerateFiles(project, "*.*", SearchOption.AllDirectories)
                .Where(file => file.EndsWith(".cs", StringComparison.Ordinal) || file.EndsWith(".razor", StringComparison.Ordinal))
                .Where(file => !Ignored.Contains(Path.GetRelativePath(project, file).Split(Path.DirectorySeparatorChar)[0]));

        public static FolderGraph Read(string project)
        {
            var files = SourceFiles(project).ToList();
            var folders = files.Select(file => FolderOf(project, file)).Where(folder => folder != Root).Distinct().ToList();
            // Types by folder, for references written relative to the Analytics.Web namespace (Hosting.DoraTierChoice).
            var types = folders.ToDictionary(folder => folder, folder => files.Where(file => FolderOf(project, file) == folder)
                .SelectMany(file => TypeDeclaration().Matches(File.ReadAllText(file)).Select(match => match.Groups[1].Value)
                    .Concat(file.EndsWith(".razor", StringComparison.Ordinal) ? [Path.GetFileNameWithoutExtension(file)] : []))
                .Distinct().ToArray());
            var graph = new FolderGraph(folders, types);
            foreach (var file in files)
            {
                graph.Add(FolderOf(project, file), File.ReadAllText(file), Path.GetRelativePath(project, file));
            }
            return graph;
        }

        public void Add(string folder, string text, string file)
        {
            var named = QualifiedReference().Matches(text).Select(match => match.Groups[1].Value)
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

        /// <summary>using Analytics.Web.X; @using Analytics.Web.X.Y; global::Analytics.Web.X.Type; Analytics.Web.X.Type.</summary>
        [GeneratedRegex(@"\bAnalytics\.Web\.(\w+)")]
        private static partial Regex QualifiedReference();

        /// <summary>X.Type inside the Analytics.Web namespace, e.g. Hosting.DoraTierChoice (not a.X.Type).</summary>
        [GeneratedRegex(@"(?<![\w.])(\w+)\.(\w+)")]
        private static partial Regex RelativeReference();

        [GeneratedRegex(@"\b(?:class|record|struct|interface|enum)\s+(\w+)")]
        private static partial Regex TypeDeclaration();
    }
}
