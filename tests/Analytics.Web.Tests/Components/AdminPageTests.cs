using Analytics.Ingestors.Runs;
using Analytics.Storage;
using Analytics.Storage.Catalog;
using Analytics.Storage.ClickHouse;
using Analytics.Web.Components.Pages;
using AngleSharp.Dom;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Radzen.Blazor;
using static Analytics.Web.Tests.Components.AppComponents;

namespace Analytics.Web.Tests.Components;

/// <summary>
/// The admin page's catalog forms in bUnit over a catalog of their own (a fresh SQLite file) and a database of their
/// own in the test engine, so the demo organisation the other tests read is untouched: an edit is saved, shown and
/// mirrored to ClickHouse; a refused one says why and changes nothing.
/// </summary>
[Collection(AnalyticsAppCollection.Name)]
public sealed class AdminPageTests(AnalyticsAppFixture app) : IAsyncLifetime
{
    private BunitContext _context = null!;

    private IClickHouseStore Store => _context.Services.GetRequiredService<IClickHouseStore>();

    public async Task InitializeAsync()
    {
        _context = NewContext(app, new Dictionary<string, string?>
        {
            ["ConnectionStrings:Catalog"] = $"Data Source={Path.Combine(AnalyticsAppFixture.DataPath, $"admin-{Guid.NewGuid():N}.db")}",
            ["Analytics:Store:Database"] = $"admin_{Guid.NewGuid():N}",
        });
        _context.Services.AddIngestScheduling(app.Configuration);
        await _context.Services.GetRequiredService<StoreStartup>().RunAsync();
        await using var db = await _context.Services.GetRequiredService<IDbContextFactory<CatalogDbContext>>().CreateDbContextAsync();
        db.Teams.AddRange(new Team { Slug = "alpha", Name = "Alpha" }, new Team { Slug = "beta", Name = "Beta" });
        db.Services.Add(new Service { Slug = "shop", Name = "Shop", Repository = "acme/shop" });
        await db.SaveChangesAsync();
    }

    public async Task DisposeAsync() => await _context.DisposeAsync();

    [Fact]
    public async Task A_team_saved_in_the_form_is_listed_and_an_empty_form_is_refused_by_its_validators()
    {
        var page = Render("Teams");

        page.Find("[data-testid=team-form] form").Submit();
        Assert.Contains("A team needs a slug.", page.Find("[data-testid=team-form]").TextContent);
        Assert.Equal(["alpha", "beta"], await _context.Services.GetRequiredService<CatalogLookups>().TeamSlugsAsync());

        page.Find("input[data-testid=team-slug]").Change("gamma");
        page.Find("input[data-testid=team-name]").Change("Gamma");
        page.Find("[data-testid=team-form] form").Submit();

        page.WaitForAssertion(() => Assert.Equal("Team gamma saved. The figures follow from now on.", Message(page)), RenderTimeout);
        Assert.Equal(["alpha", "beta", "gamma"], await _context.Services.GetRequiredService<CatalogLookups>().TeamSlugsAsync());
        Assert.Contains("gamma", page.Find("[data-testid=admin-teams]").TextContent);
    }

    [Fact]
    public async Task An_ownership_is_added_and_mirrored_and_an_overlapping_one_is_refused_with_a_clear_message()
    {
        var page = Render("Ownership history");

        await FillRangeAsync(page, "ownership", "shop", "alpha", new DateTime(2026, 1, 1), null);
        page.WaitForAssertion(() => Assert.Equal("shop belongs to alpha from 2026-01-01. The figures follow from now on.", Message(page)), RenderTimeout);
        Assert.Equal([new OwnershipRow("shop", "alpha")], await Store.QueryAsync<OwnershipRow>("SELECT service, team FROM catalog_service_ownership"));

        await FillRangeAsync(page, "ownership", "shop", "beta", new DateTime(2026, 3, 1), new DateTime(2026, 4, 1));
        page.WaitForAssertion(() => Assert.Contains("danger", page.Find("[data-testid=admin-message]").ClassName), RenderTimeout);

        Assert.Equal("shop is already owned by 'alpha' from 2026-01-01 on (open), which overlaps from 2026-03-01 until 2026-04-01. " +
            "A service has one owner at a time: end or remove that range first (or use \"Move a service\").", Message(page));
        Assert.Equal([new OwnershipRow("shop", "alpha")], await Store.QueryAsync<OwnershipRow>("SELECT service, team FROM catalog_service_ownership"));
    }

    [Fact]
    public async Task A_production_rule_saved_in_the_form_reaches_the_mirror_and_removing_it_takes_it_away()
    {
        var page = Render("Environment rules");

        page.Find("input[data-testid=rule-pattern]").Change("live%");
        page.Find("[data-testid=rule-form] form").Submit();
        page.WaitForAssertion(() => Assert.Equal("Rule 'live%' saved. The figures follow from now on.", Message(page)), RenderTimeout);
        Assert.Contains(new RuleRow("", "live%"), await Store.QueryAsync<RuleRow>("SELECT source, pattern FROM catalog_production_environments"));

        page.Find("[data-testid='remove-rule-live%']").Click();
        page.WaitForAssertion(() => Assert.Equal("Rule 'live%' removed. The figures follow from now on.", Message(page)), RenderTimeout);
        Assert.DoesNotContain(new RuleRow("", "live%"), await Store.QueryAsync<RuleRow>("SELECT source, pattern FROM catalog_production_environments"));
    }

    [Fact]
    public async Task Paths_a_service_owns_are_saved_normalised_to_the_mirror_and_a_path_outside_the_repository_is_refused()
    {
        var page = Render("Services");
        var service = page.FindComponents<RadzenDropDown<string>>().Single(c => IsTagged(c.Instance.Attributes, "paths-service"));

        await service.InvokeAsync(() => service.Instance.ValueChanged.InvokeAsync("shop"));
        page.Find("input[data-testid=paths-value]").Change("./services/cart/; libs/money");
        page.Find("[data-testid=paths-submit]").Click();
        page.WaitForAssertion(() => Assert.Equal("Paths of shop saved. The figures follow from now on.", Message(page)), RenderTimeout);
        Assert.Equal(["shop: services/cart|libs/money"], await MirroredPathsAsync());
        Assert.Contains("services/cart; libs/money", page.Find("[data-testid=admin-services]").TextContent);

        await service.InvokeAsync(() => service.Instance.ValueChanged.InvokeAsync("shop"));
        page.Find("input[data-testid=paths-value]").Change("../elsewhere");
        page.Find("[data-testid=paths-submit]").Click();
        page.WaitForAssertion(() => Assert.Contains("danger", page.Find("[data-testid=admin-message]").ClassName), RenderTimeout);
        Assert.StartsWith("'../elsewhere' is not a plain path inside the repository", Message(page));
        Assert.Equal(["shop: services/cart|libs/money"], await MirroredPathsAsync());
    }

    [Fact]
    public async Task The_environment_names_each_source_used_are_listed_with_how_the_rules_classify_them()
    {
        await Store.ExecuteAsync("""
            INSERT INTO deployments (deployment_id, service, environment, status, kind, related_deployment_id, repository, sha, started_at, finished_at, url, source) VALUES
                ('g1', 'shop', 'Production', 'success', 'normal', '', 'acme/shop', 'a', '2026-01-05 10:00:00', '2026-01-05 10:05:00', '', 'github'),
                ('g2', 'shop', 'pre-prod', 'success', 'normal', '', 'acme/shop', 'b', '2026-01-05 11:00:00', '2026-01-05 11:05:00', '', 'github'),
                ('g3', 'shop', 'staging', 'success', 'normal', '', 'acme/shop', 'c', '2026-01-05 12:00:00', '2026-01-05 12:05:00', '', 'github')
            """);

        var page = Render("Environment rules");

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=environment-names-grid]")), RenderTimeout);
        Assert.Equal("production", page.Find("[data-testid=environment-github-Production]").TextContent);
        Assert.Equal("not production", page.Find("[data-testid=environment-github-pre-prod]").TextContent);
        Assert.Contains("matches the exception", page.Find("[data-testid=environment-github-pre-prod]").GetAttribute("title"));
        Assert.Equal("not production: no rule matches", page.Find("[data-testid=environment-github-staging]").GetAttribute("title"));
    }

    [Fact]
    public async Task A_key_created_on_the_keys_tab_is_shown_once_then_revoked_and_both_are_in_the_audit_tab()
    {
        var page = Render("Keys");

        page.Find("input[data-testid=key-name]").Change("ci pipeline");
        page.Find("input[data-testid=key-source]").Change("jenkins");
        page.Find("input[data-testid=key-kinds]").Change("deployments");
        page.Find("[data-testid=key-form] form").Submit();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=new-key-secret]")), RenderTimeout);
        var secret = page.Find("[data-testid=new-key-secret]").TextContent.Trim();
        var keys = _context.Services.GetRequiredService<ApiKeys>();
        var key = Assert.Single(await keys.ListAsync());
        Assert.StartsWith(key.Prefix + ".", secret);
        Assert.Equal(ApiKeyStatus.Valid, (await keys.AuthenticateAsync(secret)).Status);
        Assert.Equal("push as jenkins (kinds: deployments)", key.Scope);
        Assert.Equal("active", page.Find($"[data-testid=key-status-{key.Prefix}]").TextContent);

        page.Find($"[data-testid=revoke-{key.Prefix}]").Click();
        page.WaitForAssertion(() => Assert.Equal("revoked", page.Find($"[data-testid=key-status-{key.Prefix}]").TextContent), RenderTimeout);
        Assert.Empty(page.FindAll("[data-testid=new-key-secret]"));
        Assert.DoesNotContain(secret[(key.Prefix.Length + 1)..], page.Markup);

        page = Render("Audit");
        page.WaitForAssertion(() => Assert.Contains("key.revoke", page.Find("[data-testid=audit-entries]").TextContent), RenderTimeout);
        Assert.Contains("key.create", page.Find("[data-testid=audit-entries]").TextContent);
        page.Find("input[data-testid=audit-action]").Change("key.revoke");
        page.Find("[data-testid=audit-filter] form").Submit();
        page.WaitForAssertion(() => Assert.Equal("Matching entries: 1", page.Find("[data-testid=audit-total]").TextContent.Trim()), RenderTimeout);
        Assert.DoesNotContain("key.create", page.Find("[data-testid=audit-entries]").TextContent);
    }

    [Fact]
    public async Task A_team_saved_on_the_page_is_in_the_audit_trail_with_its_row_after()
    {
        var page = Render("Teams");
        page.Find("input[data-testid=team-slug]").Change("delta");
        page.Find("input[data-testid=team-name]").Change("Delta");
        page.Find("[data-testid=team-form] form").Submit();
        page.WaitForAssertion(() => Assert.Equal("Team delta saved. The figures follow from now on.", Message(page)), RenderTimeout);

        var entry = Assert.Single((await _context.Services.GetRequiredService<AuditTrail>().PageAsync(new AuditQuery(Action: "catalog."), 0, 10)).Entries);
        // The signed-in admin of these component tests (AddAuthorization) is who acted.
        Assert.Equal(("admin", "catalog.team.save", "team delta", "succeeded", null), (entry.Actor, entry.Action, entry.Target, entry.Outcome, entry.Before));
        Assert.Contains("\"Slug\":\"delta\"", entry.After);
    }

    /// <summary>The admin page with the tab whose title starts with <paramref name="tab"/> open (a tab renders only when open).</summary>
    [Fact]
    public async Task The_deliveries_tab_lists_each_run_with_what_it_sent_skipped_and_failed_and_why()
    {
        var log = _context.Services.GetRequiredService<Analytics.Web.Delivery.DeliveryLog>();
        var at = new DateTimeOffset(2026, 11, 2, 7, 0, 0, TimeSpan.Zero);
        await log.RecordAsync(new("run-1", "report-email", "2026-10", "k1", "c…@example.com", "schedule", at, at.AddSeconds(2), "sent", 1, ""), default);
        await log.RecordAsync(new("run-1", "report-email", "2026-10", "k2", "v…@example.com", "schedule", at, at.AddSeconds(9), "failed", 4, "SMTP 550 (MessageNotAccepted): mailbox unavailable"), default);
        await log.RecordAsync(new("run-2", "team-digest", "2026-11-23", "k3", "alpha (Slack)", "command", at.AddDays(28), at.AddDays(28), "skipped", 0, ""), default);

        var page = Render("Deliveries");

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=deliveries]")), RenderTimeout);
        var rows = page.FindAll("[data-testid=deliveries] tbody tr").Select(row => row.QuerySelectorAll("td").Select(cell => cell.TextContent.Trim()).ToArray()).ToList();
        Assert.Equal(2, rows.Count);
        // Newest first: the digest run (skipped: sent before), then the report run with its failure and why.
        Assert.Equal(["2026-11-30 07:00:00", "Team digests 2026-11-23", "command", "0", "1", "0", "0", "success"], rows[0]);
        Assert.Equal(["2026-11-02 07:00:00", "Monthly report e-mail 2026-10", "schedule", "1", "0", "1", "5", "v…@example.com: SMTP 550 (MessageNotAccepted): mailbox unavailable"], rows[1]);
    }

    private IRenderedComponent<Admin> Render(string tab)
    {
        var page = _context.Render<Admin>();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=admin-tabs]")), RenderTimeout);
        page.FindAll("[role=tab]").Single(header => header.TextContent.Trim().StartsWith(tab, StringComparison.Ordinal)).Click();
        return page;
    }

    /// <summary>Chooses in the form's dropdowns and date pickers as a person would (their ValueChanged), then submits it.</summary>
    private static async Task FillRangeAsync(IRenderedComponent<Admin> page, string form, string subject, string team, DateTime from, DateTime? to)
    {
        foreach (var (testId, value) in new[] { ($"{form}-service", subject), ($"{form}-team", team) })
        {
            var dropDown = page.FindComponents<RadzenDropDown<string>>().Single(c => IsTagged(c.Instance.Attributes, testId));
            await dropDown.InvokeAsync(() => dropDown.Instance.ValueChanged.InvokeAsync(value));
        }
        foreach (var (testId, value) in new[] { ($"{form}-from", (DateTime?)from), ($"{form}-to", to) })
        {
            var picker = page.FindComponents<RadzenDatePicker<DateTime?>>().Single(c => IsTagged(c.Instance.Attributes, testId));
            await picker.InvokeAsync(() => picker.Instance.ValueChanged.InvokeAsync(value));
        }
        page.Find($"[data-testid={form}-form] form").Submit();
    }

    /// <summary>The admin message's text, without the name of its icon (Material icons are ligatures: their name is their text).</summary>
    private static string Message(IRenderedComponent<Admin> page)
    {
        var alert = page.Find("[data-testid=admin-message]");
        var text = alert.TextContent.Trim();
        var icon = alert.QuerySelector(".rzi")?.TextContent.Trim() ?? "";
        return text.StartsWith(icon, StringComparison.Ordinal) ? text[icon.Length..].Trim() : text;
    }

    private static bool IsTagged(IReadOnlyDictionary<string, object>? attributes, string testId) => Equals(attributes?.GetValueOrDefault("data-testid"), testId);

    private sealed record OwnershipRow(string Service, string Team);

    private sealed record RuleRow(string Source, string Pattern);

    private async Task<List<string>> MirroredPathsAsync() =>
        (await Store.QueryAsync<PathsRow>("SELECT service, paths FROM catalog_services")).Select(row => $"{row.Service}: {string.Join('|', row.Paths)}").ToList();

    private sealed record PathsRow(string Service, string[] Paths);
}
