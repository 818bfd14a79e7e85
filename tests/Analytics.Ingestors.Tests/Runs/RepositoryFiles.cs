namespace Analytics.Ingestors.Tests.Runs;

/// <summary>Files of this repository (the documented samples), found from the test's output folder.</summary>
public static class RepositoryFiles
{
    public static string Root { get; } = FindRoot();

    public static string SamplesCsv => Path.Combine(Root, "samples", "csv");

    private static string FindRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Analytics.sln")))
            {
                return folder.FullName;
            }
        }
        throw new InvalidOperationException($"Analytics.sln not found above {AppContext.BaseDirectory}.");
    }
}
