using System.Text.RegularExpressions;

namespace Analytics.Architecture.Tests;

/// <summary>
/// Inside each product project the top-level folders point one way too, and namespaces follow folders. In the app,
/// the delivery folders (Api, Cli, Components) sit on the query layer and know nothing of each other.
/// </summary>
public sealed partial class FolderLayeringTests
{
    private static readonly string[] DeliveryFolders = ["Api", "Cli", "Components"];

    public static TheoryData<string> ProductProjects() => ProjectLayeringTests.ProductProjects();

    [Theory]
    [MemberData(nameof(ProductProjects))]
    public void The_folders_of_a_product_project_point_one_way(string name)
    {
        var graph = Graph(Repository.Project(name));
        var cycle = graph.FindCycle();
        Assert.True(cycle is null, $"{name}'s folders depend on each other in a circle: {graph.Describe(cycle ?? [])}.");
    }

    [Fact]
    public void The_apps_delivery_folders_know_nothing_of_each_other()
    {
        var graph = Graph(Repository.Project("Analytics.Web"));
        var crossings = DeliveryFolders
            .SelectMany(from => graph.Edges(from).Where(DeliveryFolders.Contains).Select(to => $"{from} → {to} ({graph.Witness(from, to)})"))
            .ToList();
        Assert.True(crossings.Count == 0, "Api, Cli and Components sit on the query layer and must not use each other:\n" + string.Join('\n', crossings));
    }

    [Theory]
    [MemberData(nameof(ProductProjects))]
    public void Every_namespace_follows_its_folder(string name)
    {
        var project = Repository.Project(name);
        var root = RootNamespace(project);
        var wrong = FolderGraph.SourceFiles(project.Directory)
            .Where(file => file.EndsWith(".cs", StringComparison.Ordinal))
            .Where(file => !file.Split(Path.DirectorySeparatorChar).Contains("Migrations"))
            .Select(file => (File: file, Declared: NamespaceDeclaration().Match(File.ReadAllText(file)) is { Success: true } match ? match.Groups[1].Value : null))
            .Where(pair => pair.Declared is not null && !Follows(pair.Declared, Expected(pair.File)))
            .Select(pair => $"{Path.GetRelativePath(project.Directory, pair.File)}: namespace {pair.Declared}, expected {Expected(pair.File)}")
            .ToList();
        Assert.True(wrong.Count == 0, string.Join('\n', wrong));

        // A sub-folder that only groups files may keep its parent folder's namespace (Demo/Simulation in Demo); the
        // project's root namespace is only for files at the root.
        bool Follows(string declared, string expected) =>
            declared == expected || (declared != root && expected.StartsWith(declared + ".", StringComparison.Ordinal));

        string Expected(string file) =>
            string.Join('.', [root, .. Path.GetRelativePath(project.Directory, Path.GetDirectoryName(file)!).Split(Path.DirectorySeparatorChar).Where(part => part != ".")]);
    }

    [Fact]
    public void The_graph_reader_sees_usings_qualified_and_relative_references_and_names_a_cycle()
    {
        var graph = new FolderGraph("Analytics.Web", ["Api", "Components", "Queries", "Utils"], new Dictionary<string, string[]> { ["Queries"] = ["TeamPageView"] });
        graph.Add("Queries", "using Analytics.Web.Utils;\nnamespace Analytics.Web.Queries;", "Queries/A.cs");
        graph.Add("Utils", "var view = Queries.TeamPageView.Empty; var view2 = Queries.LoadAsync(); // a property, not the folder", "Utils/B.cs");
        graph.Add("Components", "@using Analytics.Web.Api", "Components/_Imports.razor");

        var cycle = graph.FindCycle();
        Assert.Equal(["Queries", "Utils", "Queries"], cycle);
        Assert.Equal("Queries → Utils (Queries/A.cs) → Queries (Utils/B.cs)", graph.Describe(cycle!));
        Assert.Contains("Api", graph.Edges("Components"));
        Assert.Equal("Utils/B.cs", graph.Witness("Utils", "Queries"));
    }

    private static FolderGraph Graph(ProjectFile project) => FolderGraph.Read(project.Directory, RootNamespace(project));

    private static string RootNamespace(ProjectFile project) =>
        System.Xml.Linq.XDocument.Load(Path.Combine(project.Directory, project.Name + ".csproj")).Descendants("RootNamespace").FirstOrDefault()?.Value
        ?? project.Name;

    [GeneratedRegex(@"^\s*namespace\s+([\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();
}
