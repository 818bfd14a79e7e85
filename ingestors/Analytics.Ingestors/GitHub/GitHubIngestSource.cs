using Analytics.Ingestors.GitHub.App;
using Analytics.Ingestors.Linking;
using Analytics.Ingestors.Runs;
using Analytics.Ingestors.Sources;
using Analytics.Storage.ClickHouse;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Analytics.Ingestors.GitHub;

/// <summary>What one run of a GitHub source asked GitHub for.</summary>
/// <param name="Requests">HTTP requests sent, retries and 304s included.</param>
/// <param name="NotModified">Of those, answered 304 Not Modified: free of rate limit.</param>
/// <param name="GraphQlRequests">Of those, GraphQL queries.</param>
/// <param name="GraphQlPoints">GraphQL rate-limit points spent, as GitHub's answers said (<c>rateLimit.cost</c>).</param>
public sealed record GitHubRunStatistics(long Requests, long NotModified, long GraphQlRequests = 0, long GraphQlPoints = 0);

/// <summary>
/// A configured GitHub or GitHub Enterprise Server source (<c>Analytics:Sources:&lt;name&gt;:Kind = github</c>),
/// run by <see cref="IngestRunner"/> like every source. See <see cref="GitHubSync"/> for what a run reads.
/// </summary>
/// <remarks>
/// The token must never reach a log or an error: every failure leaves this class as a
/// <see cref="GitHubIngestException"/> whose message has the token masked and which carries no inner exception
/// (whose message or response body might quote it, e.g. a proxy echoing the request).
/// </remarks>
public sealed class GitHubIngestSource(
    GitHubSourceSettings settings, IClickHouseStore store, GitHubServiceDirectory services, DeploymentLinker linker, TimeProvider clock, ILoggerFactory loggers,
    GitHubAppTokens? appTokens = null)
    : IIngestSource
{
    private readonly ILogger _logger = loggers.CreateLogger<GitHubIngestSource>();

    public string Name => settings.Name;

    public string Kind => GitHubSourceSettings.Kind;

    /// <summary>The requests of the last run (finished or not); null before the first.</summary>
    public GitHubRunStatistics? LastRun { get; private set; }

    public async Task<IngestResult> RunAsync(IngestContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var api = new GitHubApi(settings, clock, _logger, appTokens);
        try
        {
            return await GuardAsync(
                settings, appTokens,
                () => new GitHubSync(new GitHubSyncRun(settings, api, new SourceRun(context, store)), services, linker, _logger).RunAsync(cancellationToken),
                cancellationToken);
        }
        finally
        {
            LastRun = new GitHubRunStatistics(api.Requests, api.NotModified, api.GraphQlRequests, api.GraphQlPoints);
        }
    }

    /// <summary>
    /// <see cref="RemoteSourceFailures.GuardAsync{T}"/> for a GitHub source: the token masked, and for a GitHub App
    /// every installation token this process was issued (the private key is never put in any text to begin with).
    /// Shared by the scheduled sync and the webhook deliveries.
    /// </summary>
    internal static Task<T> GuardAsync<T>(GitHubSourceSettings settings, GitHubAppTokens? appTokens, Func<Task<T>> run, CancellationToken cancellationToken) =>
        RemoteSourceFailures.GuardAsync(
            "GitHub", settings.Token, run,
            message => new GitHubIngestException(appTokens?.Redact(message) ?? message), cancellationToken);
}

/// <summary>A GitHub source's run failed; the message says why, with the token masked.</summary>
public sealed class GitHubIngestException(string message) : Exception(message);

/// <summary>Builds <see cref="GitHubIngestSource"/>s from their configuration section (see <see cref="GitHubSourceSettings"/>).</summary>
public sealed class GitHubSourceFactory(
    IClickHouseStore store, GitHubServiceDirectory services, DeploymentLinker linker, TimeProvider clock, ILoggerFactory loggers, GitHubAppTokens appTokens)
    : IIngestSourceFactory
{
    public string Kind => GitHubSourceSettings.Kind;

    public IEnumerable<string> Validate(string name, IConfigurationSection settings) => GitHubSourceSettings.Validate(settings);

    public IIngestSource Create(string name, IConfigurationSection settings) =>
        new GitHubIngestSource(GitHubSourceSettings.Parse(settings), store, services, linker, clock, loggers, appTokens);
}
