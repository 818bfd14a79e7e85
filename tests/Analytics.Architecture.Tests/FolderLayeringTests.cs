using System.Text.RegularExpressions;

namespace Analytics.Architecture.Tests;

/// <summary>
/// Inside each product project the top-level folders point one way too: a folder that uses another's namespace
/// (a `using`, an `@using`, a qualified name) depends on it, and no chain of such uses may come back.
/// </summary>
public sealed partial class FolderLayeringTests
{
    public static TheoryData<string> ProductProjects() => ProjectLayeringTests.ProductProjects();

    [Theory]
    [MemberData(nameof(ProductProjects))]
    public void The_folders_of_a_product_project_point_one_way(string name)
    {
        var graph = FolderGraph(Repository.Project(name));
        Assert.True(graph.FindCycle() is not { } cycle, $"{name}'s folders depend on each other in a circle: {graph.FindCycle()}");
    }

    [Fact]
    public void A_cycle_is_found_and_named()
    {
        // The check itself can fail: a circle of three is found, with the evidence of each step.
        var graph = new DependencyGraph();
        graph.Add("Api", "Queries", "Api/A.cs");
        graph.Add("Queries", "Utils", "Queries/Q.cs");
        graph.Add("Utils", "Api", "Utils/U.cs");
        Assert.Equal("Api → Queries (Api/A.cs) → Utils (Queries/Q.cs) → Api (Utils/U.cs)", graph.FindCycle());
        var oneWay = new DependencyGraph();
        oneWay.Add("Api", "Queries", "Api/A.cs");
        oneWay.Add("Queries", "Utils", "Queries/Q.cs");
        Assert.Null(oneWay.FindCycle());
    }

    internal static DependencyGraph FolderGraph(ProjectFile project)
    {
        var rootNamespace = RootNamespace(project);
        var folders = Directory.EnumerateDirectories(project.Directory)
            .Select(Path.GetFileName)
            .Where(folder => folder is not ("bin" or "obj"))
            .ToHashSet(StringComparer.Ordinal);
        var reference = new Regex($@"\b{Regex.Escape(rootNamespace)}\.(?<folder>[A-Z][A-Za-z0-9_]*)\b");
        var graph = new DependencyGraph();
        foreach (var file in SourceFiles(project.Directory))
        {
            var relative = Path.GetRelativePath(project.Directory, file);
            var segments = relative.Split(Path.DirectorySeparatorChar);
            var from = segments.Length > 1 ? segments[0] : "(root)";
            foreach (var line in File.ReadLines(file))
            {
                if (NamespaceDeclaration().IsMatch(line))
                {
                    continue; // declaring a namespace is not using one
                }
                foreach (Match match in reference.Matches(line))
                {
                    var to = match.Groups["folder"].Value;
                    if (folders.Contains(to))
                    {
                        graph.Add(from, to, relative);
                    }
                }
            }
        }
        return graph;
    }

    internal static IEnumerable<string> SourceFiles(string directory) =>
        Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Where(path => path.EndsWith(".cs", StringComparison.Ordinal) || path.EndsWith(".razor", StringComparison.Ordinal))
            .Where(path => !Repository.IsBuildOutput(path));

    private static string RootNamespace(ProjectFile project)
    {
        var file = Path.Combine(project.Directory, project.Name + ".csproj");
        var declared = System.Xml.Linq.XDocument.Load(file).Descendants("RootNamespace").FirstOrDefault()?.Value;
        return declared ?? project.Name;
    }

    [GeneratedRegex(@"^\s*(@namespace|namespace)\s")]
    private static partial Regex NamespaceDeclaration();
}
