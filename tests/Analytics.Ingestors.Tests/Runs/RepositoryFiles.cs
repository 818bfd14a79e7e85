using Analytics.Testing;

namespace Analytics.Ingestors.Tests.Runs;

/// <summary>Files of this repository (the documented samples), found from the test's output folder.</summary>
public static class RepositoryFiles
{
    public static string SamplesCsv => Path.Combine(RepositoryPaths.Root, "samples", "csv");
}
