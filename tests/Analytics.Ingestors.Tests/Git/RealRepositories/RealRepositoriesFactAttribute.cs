namespace Analytics.Ingestors.Tests.Git.RealRepositories;

/// <summary>
/// A fact over clones of real repositories named by <see cref="Variable"/>; skipped, saying what to set, without it.
/// Nothing fetched is shipped with the tests (no bundle, no copied history), so the clones come from the machine.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RealRepositoriesFactAttribute : FactAttribute
{
    public const string Variable = "ANALYTICS_REAL_REPOSITORIES";

    public RealRepositoriesFactAttribute()
    {
        if (RealRepository.FromEnvironment().Count == 0)
        {
            Skip = $"No real repositories: set {Variable} to clones (bare or not) separated by '{Path.PathSeparator}', each optionally "
                + "followed by '#<tag glob>' (default v*), e.g. /src/numpy#v*:/src/redis#*.* — docs/benchmarks.md, \"Real repositories\".";
        }
    }
}

/// <summary>One clone named by <see cref="RealRepositoriesFactAttribute.Variable"/>: its path and the tags that are its deployments.</summary>
public sealed record RealRepository(string Path, string TagGlob)
{
    public static IReadOnlyList<RealRepository> FromEnvironment() =>
        (Environment.GetEnvironmentVariable(RealRepositoriesFactAttribute.Variable) ?? "")
            .Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(entry => entry.Split('#', 2) is [var path, var glob] ? new RealRepository(path, glob) : new RealRepository(entry, "v*"))
            .ToList();

    /// <summary>A name for the service and repository: the folder's name, or its parent's for a mirror's <c>…/owner+name/repo</c>.</summary>
    public string Name
    {
        get
        {
            var full = System.IO.Path.GetFullPath(Path).TrimEnd('/');
            var leaf = System.IO.Path.GetFileName(full);
            return (leaf is "repo" or ".git" ? System.IO.Path.GetFileName(System.IO.Path.GetDirectoryName(full)!) : leaf)!.Replace('+', '/');
        }
    }
}
