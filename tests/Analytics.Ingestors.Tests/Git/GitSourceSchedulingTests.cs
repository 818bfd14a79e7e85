using Analytics.Ingestors.Git;
using Analytics.Ingestors.Tests.Runs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Quartz;

namespace Analytics.Ingestors.Tests.Git;

/// <summary>A clone configured under Analytics:Sources (Kind git), scheduled and run by the web host's Quartz scheduler.</summary>
public sealed class GitSourceSchedulingTests
{
    private const string SourceName = "shop-clone";
    private const string Cron = "0 15 3 * * ?";

    private static Dictionary<string, string?> CloneSource(string path, string? tagPattern = null) => new()
    {
        [$"{IngestSources.Section}:{SourceName}:Kind"] = "git",
        [$"{IngestSources.Section}:{SourceName}:Cron"] = Cron,
        [$"{IngestSources.Section}:{SourceName}:Path"] = path,
        [$"{IngestSources.Section}:{SourceName}:Service"] = ShopHistory.Service,
        [$"{IngestSources.Section}:{SourceName}:Repository"] = ShopHistory.RepositoryName,
        [$"{IngestSources.Section}:{SourceName}:TagPattern"] = tagPattern,
    };

    [Fact]
    public async Task A_configured_clone_gets_a_non_concurrent_job_on_its_cron_and_a_firing_ingests_it_under_its_own_name()
    {
        using var shop = new ShopHistory();
        await using var host = await IngestTestHost.CreateAsync(CloneSource(shop.Git.Path));
        using var app = host.BuildSchedulerHost((services, configuration) => services.AddGitIngestion(configuration));
        await app.StartAsync();
        var scheduler = await app.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        var key = IngestSourceJob.KeyFor(SourceName);

        var job = await scheduler.GetJobDetail(key);
        Assert.NotNull(job);
        Assert.True(job.ConcurrentExecutionDisallowed);
        var trigger = Assert.IsAssignableFrom<ICronTrigger>(Assert.Single(await scheduler.GetTriggersOfJob(key)));
        Assert.Equal((Cron, TimeZoneInfo.Utc.Id), (trigger.CronExpressionString, trigger.TimeZone.Id));

        await scheduler.TriggerJob(key);
        var catalog = host.Get<IngestRunLog>();
        var run = Assert.Single(await IngestTestHost.WaitForFinishedRunsAsync(catalog, SourceName, 1));
        await app.StopAsync();

        Assert.True(run.Status == IngestRunStatus.Succeeded, run.Error);
        var rows = run.ReadRowsPerTable();
        // ShopHistory: 9 commits reachable from main and the v* tags, 4 v* tags, 9 links (see GitRepositoryIngestorTests).
        Assert.Equal((9L, 4L, 9L), (rows["commits"], rows["deployments"], rows["deployment_commits"]));
        Assert.Equal(4, await host.CountAsync("deployments FINAL", $"service = '{ShopHistory.Service}' AND source = 'git'"));
        Assert.Equal(9, await host.CountAsync("commits FINAL", $"repository = '{ShopHistory.RepositoryName}'"));
        var service = await host.WithCatalogAsync(db => db.Services.AsNoTracking().SingleAsync(s => s.Slug == ShopHistory.Service));
        Assert.Equal((ShopHistory.RepositoryName, "main"), (service.Repository, service.DefaultBranch));
        Assert.NotNull(await host.Get<IngestCursors>().GetCursorAsync(SourceName, $"{ShopHistory.Service}:{ShopHistory.RepositoryName}"));
    }

    [Fact]
    public async Task The_host_does_not_start_with_a_clone_source_missing_its_service_or_with_a_bad_tag_pattern()
    {
        var settings = CloneSource("/srv/clones/shop", tagPattern: "/v(/");
        settings[$"{IngestSources.Section}:{SourceName}:Service"] = null;
        await using var host = await IngestTestHost.CreateAsync(settings);
        using var app = host.BuildSchedulerHost((services, configuration) => services.AddGitIngestion(configuration));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains($"{IngestSources.Section}:{SourceName}:Service must name the service", error.Message);
        Assert.Contains($"{IngestSources.Section}:{SourceName}:TagPattern '/v(/'", error.Message);
    }
}
