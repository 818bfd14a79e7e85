using Analytics.Core.Dora;
using Analytics.Storage.ClickHouse;

namespace Analytics.Ingestors.Linking;

/// <summary>
/// Which of the commits a deployment shipped are its service's, in a repository several services share: the
/// services' paths (the catalog's, through its mirror catalog_services) against each commit's changed files
/// (commit_paths). A service without paths keeps every commit, as before paths existed.
/// </summary>
internal sealed class PathAttribution
{
    private const string ServicePathsSql = """
        SELECT service, paths FROM catalog_services
        WHERE service IN {services:Array(String)} AND notEmpty(paths)
        """;

    private const string CommitPathsSql = """
        SELECT repository, sha, paths FROM commit_paths FINAL
        WHERE repository IN {repositories:Array(String)}
        """;

    private static readonly PathAttribution None = new(new Dictionary<string, ServicePaths>(), new Dictionary<(string, string), string[]>());

    private readonly IReadOnlyDictionary<string, ServicePaths> _servicePaths;
    private readonly IReadOnlyDictionary<(string Repository, string Sha), string[]> _commitPaths;

    private PathAttribution(IReadOnlyDictionary<string, ServicePaths> servicePaths, IReadOnlyDictionary<(string, string), string[]> commitPaths)
    {
        _servicePaths = servicePaths;
        _commitPaths = commitPaths;
    }

    /// <summary>Loads the paths of <paramref name="services"/> and, only when one owns paths, the changed files of <paramref name="repositories"/>' commits.</summary>
    public static async Task<PathAttribution> LoadAsync(
        IClickHouseStore store, IReadOnlyList<string> services, IReadOnlyList<string> repositories, CancellationToken cancellationToken)
    {
        var owned = await store.QueryAsync<ServicePathsRow>(ServicePathsSql, QueryParameters.From(("services", services)), cancellationToken);
        if (owned.Count == 0 || repositories.Count == 0)
        {
            return None;
        }
        var changed = await store.QueryAsync<CommitPathsRow>(CommitPathsSql, QueryParameters.From(("repositories", repositories)), cancellationToken);
        return new PathAttribution(
            owned.ToDictionary(row => row.Service, row => ServicePaths.Of(row.Paths), StringComparer.Ordinal),
            changed.ToDictionary(row => (row.Repository, row.Sha), row => row.Paths));
    }

    /// <summary>
    /// Whether <paramref name="service"/> ships the commit because it touches the service's paths (true), as a
    /// commit of the repository because the service owns no paths or the commit's files are unknown (false), or not
    /// at all (null): its files are known and none is under the service's paths, so it is another service's.
    /// </summary>
    public bool? TouchesPaths(string service, string repository, string sha)
    {
        if (!_servicePaths.TryGetValue(service, out var paths) || !_commitPaths.TryGetValue((repository, sha), out var files))
        {
            return false;
        }
        return paths.Touches(files) ? true : null;
    }

    private sealed record ServicePathsRow(string Service, string[] Paths);

    private sealed record CommitPathsRow(string Repository, string Sha, string[] Paths);
}
