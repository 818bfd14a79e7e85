namespace Analytics.Testing;

/// <summary>Folders of this repository (samples, dashboards, artefacts), found from a test's output folder.</summary>
public static class RepositoryPaths
{
    /// <summary>The folder holding Analytics.sln, found by walking up from the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>artifacts/screenshots under the repository root (ignored by git; kept by CI as test artefacts).</summary>
    public static string Screenshots
    {
        get
        {
            var path = Path.Combine(Root, "artifacts", "screenshots");
            Directory.CreateDirectory(path);
            return path;
        }
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Analytics.sln")))
            {
                return directory.FullName;
            }
        }
        throw new DirectoryNotFoundException($"No folder above {AppContext.BaseDirectory} contains Analytics.sln.");
    }
}
