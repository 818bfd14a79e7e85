using Analytics.Ingestors.GitHub;
using Analytics.Ingestors.Linking;
using Analytics.Ingestors.Runs;
using Analytics.Ingestors.Sources;
using Analytics.Storage.ClickHouse;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Analytics.Ingestors.GitLab;

/// <summary>What one run of a GitLab source asked GitLab for.</summary>
/// <param name="Requests">HTTP requests sent, retries included: each counts against GitLab's rate limit.</param>
public sealed record GitLabRunStatistics(long Requests);

/// <summary>
/// A configured GitLab source (<c>Analytics:Sources:&lt;name&gt;:Kind = gitlab</c>), run by <see cref="IngestRunner"/>
/// like every source. See <see cref="GitLabSync"/> for what a run reads.
/// </summary>
/// <remarks>
/// Every failure leaves this class as a <see cref="GitLabIngestException"/> whose message has the token masked and
/// which carries no inner exception (whose message or response body might quote it).
/// </remarks>
public sealed class GitLabIngestSource(
    GitLabSourceSettings settings, IClickHouseStore store, GitHubServiceDirectory services, DeploymentLinker linker, TimeProvider clock, ILoggerFactory loggers)
    : IIngestSource
{
    private readonly ILogger _logger = loggers.CreateLogger<GitLabIngestSource>();

    public string Name => settings.Name;

    public string Kind => GitLabSourceSettings.Kind;

    /// <summary>The requests of the last run (finished or not); null before the first.</summary>
    public GitLabRunStatistics? LastRun { get; private set; }

    public async Task<IngestResult> RunAsync(IngestContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var api = new GitLabApi(settings, clock, _logger);
        try
        {
            var result = await RemoteSourceFailures.GuardAsync(
                "GitLab", settings.Token,
                () => new GitLabSync(new GitLabSyncRun(settings, api, new SourceRun(context, store)), services, linker, _logger).RunAsync(cancellationToken),
                message => new GitLabIngestException(message), cancellationToken);
            // A warning may quote what GitLab sent (a bad record's reason): masked like an error.
            return result with { Warnings = result.Warnings.Select(w => RemoteSourceFailures.Redact(w, settings.Token)).ToList() };
        }
        finally
        {
            LastRun = new GitLabRunStatistics(api.Requests);
        }
    }
}

/// <summary>A GitLab source's run failed; the message says why, with the token masked.</summary>
public sealed class GitLabIngestException(string message) : Exception(message);

/// <summary>Builds <see cref="GitLabIngestSource"/>s from their configuration section (see <see cref="GitLabSourceSettings"/>).</summary>
public sealed class GitLabSourceFactory(IClickHouseStore store, GitHubServiceDirectory services, DeploymentLinker linker, TimeProvider clock, ILoggerFactory loggers)
    : IIngestSourceFactory
{
    public string Kind => GitLabSourceSettings.Kind;

    public IEnumerable<string> Validate(string name, IConfigurationSection settings) => GitLabSourceSettings.Validate(settings);

    public IIngestSource Create(string name, IConfigurationSection settings) =>
        new GitLabIngestSource(GitLabSourceSettings.Parse(settings), store, services, linker, clock, loggers);
}
