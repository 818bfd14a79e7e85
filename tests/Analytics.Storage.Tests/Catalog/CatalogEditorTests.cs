using Analytics.Ingestors.Demo;
using Microsoft.EntityFrameworkCore;
using static Analytics.Storage.Tests.Catalog.CatalogTestDatabase;

namespace Analytics.Storage.Tests.Catalog;

/// <summary>
/// The admin page's catalog edits over a real SQLite catalog and the real engine holding a generated organisation:
/// refused edits say why and change nothing; accepted ones reach the ClickHouse mirror, so the DORA figures follow.
/// </summary>
public sealed class CatalogEditorTests : IAsyncLifetime
{
    private static readonly DateTimeOffset End = Utc(2026, 3, 1);
    private static readonly DoraRequest Window = new(End.AddDays(-60), End);

    private GeneratedOrganisation _organisation = null!;

    private CatalogEditor Editor => new(_organisation.Catalog.Contexts, new CatalogMirrorSync(_organisation.Catalog.MirrorExport, _organisation.Store), _organisation.Catalog.Audit);

    private DoraQueries Dora => new(_organisation.Store, new SqlFiles(), Options.Create(new MetricOptions()));

    public async Task InitializeAsync() => _organisation = await GeneratedOrganisation.LoadAsync("editor", DemoScale.Tiny, 11, End);

    public async Task DisposeAsync() => await _organisation.DisposeAsync();

    [Fact]
    public async Task Moving_a_service_to_a_new_team_moves_its_deployments_in_the_figures()
    {
        var drill = new DoraDrillDown(_organisation.Store, new SqlFiles(), Options.Create(new MetricOptions()));
        var service = (await drill.DeploymentsAsync(Window, limit: 100_000)).GroupBy(d => d.Service).OrderByDescending(g => g.Count()).First();
        var ranges = await _organisation.Catalog.WithContextAsync(db => db.ServiceOwnerships.Where(o => o.Service.Slug == service.Key).Select(o => o.ValidFrom).ToListAsync());

        await Editor.SaveTeamAsync(Tester, "platform-new", "Platform (new)");
        foreach (var from in ranges)
        {
            await Editor.RemoveOwnershipAsync(Tester, service.Key, from);
        }
        await Editor.AddOwnershipAsync(Tester, service.Key, "platform-new", Utc(2000, 1, 1), null);

        var moved = Assert.Single((await Dora.SummariesAsync(Window with { Team = "platform-new" })).Teams);
        Assert.Equal(service.Count(), moved.DeploymentFrequency.Deployments);
        Assert.All(await drill.DeploymentsAsync(Window with { Team = "platform-new" }, limit: 100_000), row => Assert.Equal(service.Key, row.Service));
    }

    [Fact]
    public async Task An_overlapping_ownership_range_is_refused_with_the_range_it_overlaps_and_nothing_changes()
    {
        var owned = await _organisation.Catalog.WithContextAsync(db => db.ServiceOwnerships.Include(o => o.Service).Include(o => o.Team).FirstAsync(o => o.ValidTo == null));
        var before = await Dora.SummariesAsync(Window);
        var other = (await _organisation.Catalog.Lookups.TeamSlugsAsync()).First(team => team != owned.Team.Slug);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => Editor.AddOwnershipAsync(Tester, owned.Service.Slug, other, owned.ValidFrom.AddDays(10), null));

        Assert.Equal(
            $"{owned.Service.Slug} is already owned by '{owned.Team.Slug}' from {owned.ValidFrom:yyyy-MM-dd} on (open), which overlaps from {owned.ValidFrom.AddDays(10):yyyy-MM-dd} on (open). " +
            "A service has one owner at a time: end or remove that range first (or use \"Move a service\").", error.Message);
        Assert.Equal(1, await _organisation.Catalog.WithContextAsync(db => db.ServiceOwnerships.CountAsync(o => o.Service.Slug == owned.Service.Slug && o.ValidTo == null)));
        Assert.Equal(before.Teams, (await Dora.SummariesAsync(Window)).Teams);
    }

    [Theory]
    [InlineData("Bad Slug", "x", "'Bad Slug' is not a team slug")]
    [InlineData("ok", " ", "A team needs a name.")]
    public async Task A_team_with_a_bad_slug_or_no_name_is_refused(string slug, string name, string message)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => Editor.SaveTeamAsync(Tester, slug, name));

        Assert.StartsWith(message, error.Message);
        Assert.DoesNotContain(slug, await _organisation.Catalog.Lookups.TeamSlugsAsync());
    }

    [Fact]
    public async Task Memberships_of_one_person_never_overlap_and_an_end_before_the_start_is_refused()
    {
        await Editor.SavePersonAsync(Tester, "p-new", "New Person", isBot: false);
        var teams = await _organisation.Catalog.Lookups.TeamSlugsAsync();
        await Editor.AddMembershipAsync(Tester, "p-new", teams[0], Utc(2025, 1, 1), Utc(2025, 6, 1));

        var overlap = await Assert.ThrowsAsync<ArgumentException>(() => Editor.AddMembershipAsync(Tester, "p-new", teams[1], Utc(2025, 5, 1), null));
        var backwards = await Assert.ThrowsAsync<ArgumentException>(() => Editor.AddMembershipAsync(Tester, "p-new", teams[1], Utc(2025, 7, 1), Utc(2025, 6, 1)));
        await Editor.AddMembershipAsync(Tester, "p-new", teams[1], Utc(2025, 6, 1), null);

        Assert.Equal($"p-new is already in '{teams[0]}' from 2025-01-01 until 2025-06-01, which overlaps from 2025-05-01 on (open). End that membership first.", overlap.Message);
        Assert.Equal("The end (2025-06-01) must be after the start (2025-07-01).", backwards.Message);
        Assert.Equal(teams[1], await _organisation.Catalog.Lookups.TeamOfAsync("p-new", Utc(2025, 8, 1)));
        var mirrored = await _organisation.Store.QueryAsync<MembershipRow>("SELECT person_id, team FROM catalog_team_membership WHERE person_id = 'p-new' ORDER BY valid_from");
        Assert.Equal([new MembershipRow("p-new", teams[0]), new MembershipRow("p-new", teams[1])], mirrored);
    }

    [Fact]
    public async Task An_environment_rule_decides_what_counts_as_a_production_deployment()
    {
        var before = (await Dora.SummariesAsync(Window)).Organisation.DeploymentFrequency.Deployments;
        Assert.True(before > 0);

        await Editor.SaveEnvironmentRuleAsync(Tester, EnvironmentRule.AnySource, "production", isProduction: false);
        var without = (await Dora.SummariesAsync(Window)).Organisation.DeploymentFrequency;
        await Editor.SaveEnvironmentRuleAsync(Tester, EnvironmentRule.AnySource, "production", isProduction: true);

        Assert.True(without.Deployments < before, $"{without.Deployments} deployments still count as production without the 'production' rule");
        Assert.Equal(before, (await Dora.SummariesAsync(Window)).Organisation.DeploymentFrequency.Deployments);
        var missing = await Assert.ThrowsAsync<ArgumentException>(() => Editor.RemoveEnvironmentRuleAsync(Tester, "github", "no-such-env"));
        Assert.Equal("There is no rule 'no-such-env' for github.", missing.Message);
    }

    [Fact]
    public async Task Every_edit_is_in_the_audit_trail_with_the_rows_before_and_after_and_a_refused_one_with_why()
    {
        var team = (await _organisation.Catalog.Lookups.TeamSlugsAsync())[0];
        var oldName = await _organisation.Catalog.WithContextAsync(db => db.Teams.Where(t => t.Slug == team).Select(t => t.Name).SingleAsync());

        await Editor.SaveTeamAsync(Tester, team, "Renamed team");
        await Assert.ThrowsAsync<ArgumentException>(() => Editor.SaveTeamAsync(Tester, "Bad Slug", "x"));

        var entries = (await _organisation.Catalog.Audit.PageAsync(new AuditQuery(Action: "catalog."), 0, 10)).Entries;
        var (refused, saved) = (entries[0], entries[1]);
        Assert.Equal(("tester", "192.0.2.10", "catalog.team.save", $"team {team}", "succeeded"), (saved.Actor, saved.RemoteAddress, saved.Action, saved.Target, saved.Outcome));
        Assert.Contains($"\"Name\":{System.Text.Json.JsonSerializer.Serialize(oldName)}", saved.Before);
        Assert.Contains("\"Name\":\"Renamed team\"", saved.After);
        Assert.Contains("\"entity\":\"Team\"", saved.After);
        Assert.Equal(("team Bad Slug", null), (refused.Target, refused.After));
        Assert.StartsWith("refused: 'Bad Slug' is not a team slug", refused.Outcome);
        Assert.True((await _organisation.Catalog.Audit.VerifyAsync()).Intact);
    }

    private sealed record MembershipRow(string PersonId, string Team);
}
