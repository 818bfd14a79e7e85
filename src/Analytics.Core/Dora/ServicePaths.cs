namespace Analytics.Core.Dora;

/// <summary>
/// The paths a service owns in a repository it shares with other services (a monorepo), and whether a commit touches
/// them. A path is a folder or a file relative to the repository root, written with '/': a changed file is the
/// service's when it is that path or lies under it ("services/pay" owns "services/pay/api.cs", not
/// "services/payroll/x.cs"). Patterns are not supported: a path means what it says.
/// </summary>
public sealed class ServicePaths
{
    private readonly string[] _paths;

    private ServicePaths(string[] paths) => _paths = paths;

    /// <summary>The normalised paths; empty when the service owns its whole repository.</summary>
    public IReadOnlyList<string> Paths => _paths;

    /// <summary>Paths as the catalog stores them (already normalised by <see cref="Normalise"/>).</summary>
    public static ServicePaths Of(IEnumerable<string> paths) => new(paths.ToArray());

    /// <summary>Whether any of <paramref name="changedFiles"/> is one of these paths or lies under one.</summary>
    public bool Touches(IEnumerable<string> changedFiles) =>
        changedFiles.Any(file => _paths.Any(path => file == path || (file.Length > path.Length && file[path.Length] == '/' && file.StartsWith(path, StringComparison.Ordinal))));

    /// <summary>
    /// Paths as a person writes them ("./services/pay/", "services\pay") in the catalog's form ("services/pay"),
    /// without duplicates; or why one cannot be owned.
    /// </summary>
    public static (IReadOnlyList<string> Paths, string? Problem) Normalise(IEnumerable<string> written)
    {
        var paths = new List<string>();
        foreach (var raw in written)
        {
            var path = raw.Trim().Replace('\\', '/');
            while (path.StartsWith("./", StringComparison.Ordinal))
            {
                path = path[2..];
            }
            path = path.Trim('/');
            if (path.Length == 0)
            {
                return ([], $"'{raw}' names the whole repository; leave the paths empty for that");
            }
            if (path.Split('/').Any(segment => segment is "" or "." or ".."))
            {
                return ([], $"'{raw}' is not a plain path inside the repository (no '.', '..' or empty folder names)");
            }
            if (path.IndexOfAny(['*', '?', '[', ']']) >= 0)
            {
                return ([], $"'{raw}' is a pattern; write the folder instead (e.g. services/payments)");
            }
            if (!paths.Contains(path, StringComparer.Ordinal))
            {
                paths.Add(path);
            }
        }
        return (paths, null);
    }
}
