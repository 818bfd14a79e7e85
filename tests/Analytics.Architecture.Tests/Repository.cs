using System.Xml.Linq;

namespace Analytics.Architecture.Tests;

/// <summary>The repository as files: its root, its project files and their references.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    /// <summary>Where the product lives; everything else (tools/, tests/) is for building, testing or measuring it.</summary>
    public static readonly string[] ProductFolders = ["src", "ingestors"];

    public static IReadOnlyList<ProjectFile> Projects { get; } = LoadProjects();

    public static ProjectFile Project(string name) =>
        Projects.SingleOrDefault(project => project.Name == name)
        ?? throw new InvalidOperationException($"No project {name} under {Root}.");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Analytics.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException("Analytics.sln not found above the test's folder.");
    }

    private static List<ProjectFile> LoadProjects() =>
        [.. Directory.EnumerateFiles(Root, "*.csproj", SearchOption.AllDirectories)
            .Where(path => !IsBuildOutput(path))
            .Select(ProjectFile.Load)
            .OrderBy(project => project.Name, StringComparer.Ordinal)];

    public static bool IsBuildOutput(string path)
    {
        var relative = Path.GetRelativePath(Root, path).Split(Path.DirectorySeparatorChar);
        return relative.Any(segment => segment is "bin" or "obj" or "node_modules" or "artifacts" or ".git");
    }
}

/// <summary>One .csproj: where it is, which projects and packages it references.</summary>
internal sealed record ProjectFile(string Name, string Directory, string TopFolder, IReadOnlyList<string> ProjectReferences, IReadOnlyList<string> Packages)
{
    public bool IsProduct => Repository.ProductFolders.Contains(TopFolder);

    public static ProjectFile Load(string path)
    {
        var document = XDocument.Load(path);
        var directory = Path.GetDirectoryName(path)!;
        var references = document.Descendants("ProjectReference")
            .Select(element => Path.GetFileNameWithoutExtension(element.Attribute("Include")!.Value.Replace('\\', '/')))
            .ToList();
        var packages = document.Descendants("PackageReference")
            .Select(element => element.Attribute("Include")!.Value)
            .ToList();
        var topFolder = Path.GetRelativePath(Repository.Root, directory).Split(Path.DirectorySeparatorChar)[0];
        return new ProjectFile(Path.GetFileNameWithoutExtension(path), directory, topFolder, references, packages);
    }

    /// <summary>This project and every project it reaches through references.</summary>
    public IReadOnlyList<ProjectFile> Closure()
    {
        var seen = new Dictionary<string, ProjectFile>(StringComparer.Ordinal);
        var pending = new Stack<ProjectFile>([this]);
        while (pending.TryPop(out var project))
        {
            if (seen.TryAdd(project.Name, project))
            {
                foreach (var reference in project.ProjectReferences)
                {
                    pending.Push(Repository.Project(reference));
                }
            }
        }
        return [.. seen.Values];
    }
}
