using System.Net;
using Analytics.Ingestors.Backstage;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Ingestors.Tests.Backstage;

/// <summary>
/// The Backstage source against a real Backstage backend (catalog and scaffolder from npm, on loopback), writing into
/// the real engine and a real SQLite catalog. The catalog is <see cref="BackstageScenario.Catalog"/>.
/// </summary>
public sealed class BackstageSyncTests
{
    [BackstageBackendFact]
    public async Task A_sync_writes_the_catalog_and_an_unchanged_resync_writes_nothing_for_two_requests()
    {
        await using var scenario = await BackstageScenario.CreateAsync(BackstageScenario.Catalog());
        await scenario.Backstage.WaitForEntitiesAsync("component:checkout", "template:node-service", "user:ben");

        var first = await scenario.RunAsync(scenario.Source());

        Assert.True(first.Succeeded, first.Error);
        var catalog = await scenario.Host.WithCatalogAsync(async db => new
        {
            Teams = await db.Teams.OrderBy(t => t.Slug).Select(t => $"{t.Slug}={t.Name}").ToListAsync(),
            People = await db.People.OrderBy(p => p.ExternalId).Select(p => $"{p.ExternalId}={p.DisplayName}").ToListAsync(),
            Identities = await db.PersonIdentities.OrderBy(i => i.Value).Select(i => $"{i.Person.ExternalId}:{i.Kind}:{i.Value}").ToListAsync(),
            Memberships = await db.TeamMemberships.OrderBy(m => m.Person.ExternalId).Select(m => new { Person = m.Person.ExternalId, Team = m.Team.Slug, m.ValidFrom, m.ValidTo }).ToListAsync(),
            Templates = await db.Templates.OrderBy(t => t.Slug).Select(t => $"{t.Slug}={t.Name} {t.LatestVersion} golden={t.IsGoldenPath}").ToListAsync(),
            Services = await db.Services.Select(s => $"{s.Slug}={s.Name} {s.Repository}").ToListAsync(),
            Uses = await db.ServiceTemplates.Select(u => new { Service = u.Service.Slug, Template = u.Template.Slug, u.TemplateVersion, u.ValidFrom, u.ValidTo }).ToListAsync(),
        });
        Assert.Equal(["payments=Payments", "platform=Platform team"], catalog.Teams);
        Assert.Equal(["ana=Ana Lima", "ben=Ben Okafor"], catalog.People);
        Assert.Equal(["ana:GitHubLogin:ana-lima", "ana:GitEmail:ana@acme.test"], catalog.Identities);
        Assert.Equal(["ana payments", "ben platform"], catalog.Memberships.Select(m => $"{m.Person} {m.Team}"));
        Assert.All(catalog.Memberships, m => Assert.Equal((BackstageScenario.HistoryStart, (DateTimeOffset?)null), (m.ValidFrom, m.ValidTo)));
        Assert.Equal(["broken=broken unversioned golden=False", "node-service=Node service 2.1 golden=True"], catalog.Templates);
        Assert.Equal(["checkout=Checkout acme/checkout"], catalog.Services);
        var use = Assert.Single(catalog.Uses);
        Assert.Equal(("checkout", "node-service", "2.1", BackstageScenario.HistoryStart, (DateTimeOffset?)null), (use.Service, use.Template, use.TemplateVersion, use.ValidFrom, use.ValidTo));
        Assert.Equal([$"payments {BackstageScenario.HistoryStart:O}–open"], await scenario.OwnershipsAsync("checkout"));
        Assert.Equal(2, first.RowsPerTable["teams"]);
        Assert.Equal(1, first.RowsPerTable["service_ownerships"]);

        scenario.Clock.Advance(TimeSpan.FromHours(1));
        var source = scenario.Source();
        var again = await scenario.RunAsync(source);

        Assert.True(again.Succeeded, again.Error);
        Assert.DoesNotContain(again.RowsPerTable, t => t.Value > 0);
        // One page of the catalog's by-query list (no ETag there to ask conditionally) and one of the task list.
        Assert.Equal(new BackstageRunStatistics(2, 0), source.LastRun);
        Assert.DoesNotContain(scenario.Host.Logs, line => line.Contains(BackstageBackend.Token, StringComparison.Ordinal));
    }

    [BackstageBackendFact]
    public async Task An_owner_changed_in_Backstage_becomes_a_new_range_from_that_sync_and_earlier_deployments_still_credit_the_old_team()
    {
        await using var scenario = await BackstageScenario.CreateAsync(BackstageScenario.Catalog());
        await scenario.Backstage.WaitForEntitiesAsync("component:checkout", "user:ben");
        var firstSync = scenario.Clock.GetUtcNow();
        Assert.True((await scenario.RunAsync(scenario.Source())).Succeeded);

        await scenario.Backstage.WriteCatalogAsync(BackstageScenario.Catalog("platform"),
            async () => (await scenario.Backstage.Client.GetStringAsync("api/catalog/entities/by-name/component/default/checkout")).Contains("\"owner\":\"platform\"", StringComparison.Ordinal));
        scenario.Clock.Advance(TimeSpan.FromDays(2));
        var change = scenario.Clock.GetUtcNow();
        var second = await scenario.RunAsync(scenario.Source());

        Assert.True(second.Succeeded, second.Error);
        Assert.Equal([$"payments {BackstageScenario.HistoryStart:O}–{change:O}", $"platform {change:O}–open"], await scenario.OwnershipsAsync("checkout"));
        Assert.Equal(2, second.RowsPerTable["service_ownerships"]); // the old range closed, the new one opened
        Assert.False(second.RowsPerTable.ContainsKey("teams"));

        // A deployment before the change counts for payments, one after it for platform.
        await scenario.Host.EngineStore.InsertAsync("deployments", ["deployment_id", "service", "environment", "status", "started_at", "finished_at", "source"],
        [
            ["before", "checkout", "production", "success", firstSync.AddHours(-1), firstSync, "test"],
            ["after", "checkout", "production", "success", change.AddHours(1), change.AddHours(2), "test"],
        ]);
        var credited = await scenario.Host.EngineStore.QueryAsync<CreditRow>("SELECT deployment_id, team FROM production_deployments ORDER BY deployment_id");
        Assert.Equal([new CreditRow("after", "platform"), new CreditRow("before", "payments")], credited);
    }

    [BackstageBackendFact]
    public async Task Finished_scaffolder_tasks_become_self_service_requests_of_the_requesters_team_once()
    {
        await using var scenario = await BackstageScenario.CreateAsync(BackstageScenario.Catalog());
        await scenario.Backstage.WaitForEntitiesAsync("template:node-service", "template:broken", "user:ana");
        var completed = await scenario.Backstage.RunTaskAsync("node-service");
        var failed = await scenario.Backstage.RunTaskAsync("broken");

        var first = await scenario.RunAsync(scenario.Source());

        Assert.True(first.Succeeded, first.Error);
        var requests = await scenario.Host.EngineStore.QueryAsync<RequestRow>(
            "SELECT request_id, team, kind, channel, toBool(fulfilled_at IS NOT NULL) AS fulfilled, status, toBool(closed_at IS NOT NULL AND closed_at >= requested_at) AS closed, source FROM service_requests FINAL ORDER BY kind");
        // The failed task is a failed request closed at its last heartbeat, not one still open; the completed one is
        // fulfilled and closed at the same time.
        Assert.Equal(
        [
            new RequestRow($"backstage-task-{failed}", "payments", "broken", "self_service", false, "failed", true, "portal"),
            new RequestRow($"backstage-task-{completed}", "payments", "node-service", "self_service", true, "fulfilled", true, "portal"),
        ], requests);
        Assert.Equal(1UL, (await scenario.Host.EngineStore.QueryAsync<CountRow>(
            "SELECT count() AS rows FROM service_requests FINAL WHERE status = 'fulfilled' AND closed_at = fulfilled_at")).Single().Rows);

        var source = scenario.Source();
        var again = await scenario.RunAsync(source);
        Assert.True(again.Succeeded, again.Error);
        Assert.False(again.RowsPerTable.ContainsKey("service_requests"));
        Assert.Equal(2, source.LastRun!.Requests);
    }

    [BackstageBackendFact]
    public async Task Entities_the_catalog_refuses_are_reported_each_with_its_reason_and_the_rest_is_written()
    {
        const string more = """
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata: { name: ledger, annotations: { github.com/project-slug: ledger } }
            spec: { type: service, lifecycle: production, owner: group:default/payments }
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata: { name: wiki, annotations: { github.com/project-slug: acme/wiki } }
            spec: { type: website, lifecycle: production, owner: user:default/ana }
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata: { name: search, annotations: { github.com/project-slug: acme/search } }
            spec: { type: service, lifecycle: production, owner: nobody }
            ---
            apiVersion: backstage.io/v1alpha1
            kind: Component
            metadata: { name: docs-lib }
            spec: { type: library, lifecycle: production, owner: group:default/payments }
            """;
        await using var scenario = await BackstageScenario.CreateAsync(BackstageScenario.Catalog(more: more));
        await scenario.Backstage.WaitForEntitiesAsync("component:ledger", "component:wiki", "component:search", "component:docs-lib", "component:checkout");

        var outcome = await scenario.RunAsync(scenario.Source());

        Assert.False(outcome.Succeeded);
        Assert.Contains("component:default/ledger: services field repository: 'ledger' is not owner/name", outcome.Error);
        Assert.Contains("component:default/wiki: spec.owner 'user:default/ana' is a user, not a group", outcome.Error);
        Assert.Contains("component:default/search: spec.owner 'group:default/nobody' is no Group in Backstage's catalog", outcome.Error);
        var services = await scenario.Host.WithCatalogAsync(db => db.Services.OrderBy(s => s.Slug).Select(s => s.Slug).ToListAsync());
        // ledger refused; docs-lib, without a repository annotation, is no service (a warning); wiki and search are, without an owner.
        Assert.Equal(["checkout", "search", "wiki"], services);
        Assert.Equal([$"payments {BackstageScenario.HistoryStart:O}–open"], await scenario.OwnershipsAsync("checkout"));
        Assert.Empty(await scenario.OwnershipsAsync("wiki"));
    }

    [BackstageBackendFact]
    public async Task A_wrong_token_fails_the_run_naming_the_setting_without_showing_either_token()
    {
        await using var scenario = await BackstageScenario.CreateAsync(BackstageScenario.Catalog(), new Dictionary<string, string?> { ["Token"] = "bst_WrongTokenAlsoNeverLogged77" });

        var outcome = await scenario.RunAsync(scenario.Source());

        Assert.False(outcome.Succeeded);
        Assert.Contains("Backstage refused the token (401)", outcome.Error);
        Assert.Contains("Analytics:Sources:portal:Token", outcome.Error);
        Assert.DoesNotContain(scenario.Host.Logs, line => line.Contains("bst_WrongTokenAlsoNeverLogged77", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, (await scenario.Backstage.Client.GetAsync("api/catalog/entities/by-query?limit=1")).StatusCode);
    }

    private sealed record CreditRow(string DeploymentId, string Team);

    private sealed record RequestRow(string RequestId, string Team, string Kind, string Channel, bool Fulfilled, string Status, bool Closed, string Source);

    private sealed record CountRow(ulong Rows);
}
