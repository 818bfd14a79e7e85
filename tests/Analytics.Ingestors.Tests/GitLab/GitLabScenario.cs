using Analytics.Ingestors.GitLab;
using Analytics.Ingestors.Tests.GitHub;
using Analytics.Ingestors.Tests.Runs;
using Analytics.Simulators.GitHub;
using Analytics.Simulators.GitLab;

namespace Analytics.Ingestors.Tests.GitLab;

/// <summary>
/// A GitLab source named "acme-gitlab" reading the GitLab simulator, wired as the app wires it
/// (<c>AddGitLabIngestion</c> over <see cref="IngestTestHost"/>'s store and catalog), on a <see cref="FakeClock"/>
/// that Polly's waits and the simulator's rate-limit window share.
/// </summary>
public sealed class GitLabScenario : IAsyncDisposable
{
    public const string SourceName = "acme-gitlab";

    /// <summary>Looks like a real GitLab token, so a leak would be found by searching for it.</summary>
    public const string Token = "glpat-T0kenThatMustNeverBeLogged9f8e";

    private readonly ServiceProvider _services;

    private GitLabScenario(IngestTestHost host, FakeGitLabServer gitLab, FakeClock clock)
    {
        (Host, GitLab, Clock) = (host, gitLab, clock);
        var services = new ServiceCollection().AddSingleton(host.Configuration);
        host.AddServicesTo(services, host.Configuration);
        services.AddGitLabIngestion(host.Configuration);
        services.AddSingleton<TimeProvider>(clock);
        _services = services.BuildServiceProvider();
    }

    public IngestTestHost Host { get; }

    public FakeGitLabServer GitLab { get; }

    public FakeClock Clock { get; }

    /// <param name="organisation">What the simulator serves as the group "acme"; <see cref="GitHubScenario.AcmeOrganisation"/> when null.</param>
    /// <param name="settings">Source settings on top of the defaults (a null value removes one).</param>
    public static async Task<GitLabScenario> CreateAsync(FakeOrganisation? organisation = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var clock = new FakeClock(GitHubScenario.Start);
        var gitLab = await FakeGitLabServer.StartAsync(clock, Token, organisation ?? GitHubScenario.AcmeOrganisation());
        var configuration = new Dictionary<string, string?>
        {
            ["Kind"] = "gitlab",
            ["BaseUrl"] = gitLab.BaseUrl,
            ["Token"] = Token,
            ["Groups"] = "acme",
            // Long enough that a slow answer on a loaded machine is never retried: tests count requests exactly.
            ["RequestTimeout"] = "00:00:30",
            ["MaxRetries"] = "3",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }
        var host = await IngestTestHost.CreateAsync(configuration.ToDictionary(pair => $"{IngestSources.Section}:{SourceName}:{pair.Key}", pair => pair.Value));
        return new GitLabScenario(host, gitLab, clock);
    }

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    public GitLabIngestSource Source() => (GitLabIngestSource)Get<IngestSources>().Create(SourceName);

    public Task<IngestRunOutcome> RunAsync() => Get<IngestRunner>().RunAsync(Source(), CancellationToken.None);

    /// <summary>
    /// A full sync, then one with nothing changed: asserts both succeed and the second writes nothing and leaves the
    /// tables as they were; returns what the second asked for (the served list is cleared before it).
    /// </summary>
    public async Task<IReadOnlyList<ServedRequest>> SyncThenResyncUnchangedAsync()
    {
        var first = await RunAsync();
        Assert.True(first.Succeeded, first.Error);
        var before = await Snapshot.OfAsync(Host.EngineStore);
        GitLab.ClearServed();

        var again = await RunAsync();

        Assert.True(again.Succeeded, again.Error);
        Assert.All(again.RowsPerTable, table => Assert.Equal(0, table.Value));
        Assert.Equal(before, await Snapshot.OfAsync(Host.EngineStore));
        return GitLab.Served;
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        await GitLab.DisposeAsync();
        await Host.DisposeAsync();
    }
}
