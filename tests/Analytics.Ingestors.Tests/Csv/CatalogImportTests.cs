using Analytics.Ingestors.Csv;
using Analytics.Ingestors.Tests.Runs;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Ingestors.Tests.Csv;

/// <summary>Catalog CSV files: upserted by their keys, checked against the catalog, mirrored to ClickHouse.</summary>
public sealed class CatalogImportTests : IAsyncLifetime
{
    private IngestTestHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await IngestTestHost.CreateAsync();
        var samples = await Importer.ImportAsync(RepositoryFiles.SamplesCsv, CsvKind.Catalog, "csv-test", skipInvalid: false);
        Assert.False(samples.HasErrors, string.Join(Environment.NewLine, samples.Errors));
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private CsvImporter Importer => _host.Get<CsvImporter>();

    [Fact]
    public async Task The_sample_catalog_arrives_with_identities_history_and_its_clickhouse_mirror()
    {
        var store = _host.Get<CatalogLookups>();

        Assert.Equal("p-0001", (await store.ResolvePersonAsync(IdentityKind.GitEmail, "Ann@Users.Noreply.Github.Example"))?.ExternalId);
        Assert.Equal("p-0003", (await store.ResolvePersonAsync(IdentityKind.GitHubLogin, "acme-release[bot]"))?.ExternalId);
        Assert.Equal("payments", await store.TeamOfAsync("p-0001", new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.Equal("checkout", await store.TeamOfAsync("p-0001", new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.Equal("payments", await store.OwnerOfAsync("checkout-web", new DateTimeOffset(2025, 12, 31, 0, 0, 0, TimeSpan.Zero)));
        Assert.Equal("checkout", await store.OwnerOfAsync("checkout-web", new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.True(await _host.WithCatalogAsync(db => db.Templates.AnyAsync(t => t.Slug == "dotnet-api" && t.IsGoldenPath)));
        Assert.Equal(4, await _host.CountAsync("catalog_identities", "kind = 'git_email'"));
        Assert.Equal(3, await _host.CountAsync("catalog_service_templates"));
    }

    [Fact]
    public async Task Importing_changed_rows_updates_by_key_and_adds_no_duplicate()
    {
        var teams = _host.WriteFile("teams.csv", "slug,name\npayments,Payments & Billing\nsearch,Search\n");
        var ownerships = _host.WriteFile("ownerships.csv", "service,team,valid_from,valid_to\ncheckout-web,checkout,2026-01-01,2026-06-01\ncheckout-web,payments,2026-06-01,\n");

        var report = await Importer.ImportAsync(_host.Folder, CsvKind.Catalog, "csv-test", skipInvalid: false);

        Assert.False(report.HasErrors, string.Join(Environment.NewLine, report.Errors));
        Assert.Equal(["teams.csv", "ownerships.csv"], report.Files.Select(f => Path.GetFileName(f.Path)));
        Assert.Equal(4, await _host.WithCatalogAsync(db => db.Teams.CountAsync()));
        Assert.Equal("Payments & Billing", await _host.WithCatalogAsync(db => db.Teams.Where(t => t.Slug == "payments").Select(t => t.Name).SingleAsync()));
        Assert.Equal("payments", await _host.Get<CatalogLookups>().OwnerOfAsync("checkout-web", new DateTimeOffset(2026, 7, 1, 0, 0, 0, TimeSpan.Zero)));
        Assert.Equal(4, await _host.CountAsync("catalog_service_ownership"));
        Assert.Equal(teams, report.Files[0].Path);
        Assert.Equal(ownerships, report.Files[1].Path);
    }

    [Fact]
    public async Task Services_of_a_shared_repository_own_paths_normalised_mirrored_and_checked()
    {
        var path = _host.WriteFile("services.csv", "slug,name,repository,paths\nshop-cart,Cart,acme/shop,./services/cart/;libs\\money\nshop-search,Search,acme/shop,services/search\n");

        var report = await Importer.ImportAsync(path, null, "csv-test", skipInvalid: false);

        Assert.False(report.HasErrors, string.Join(Environment.NewLine, report.Errors));
        Assert.Equal(["services/cart", "libs/money"], await _host.WithCatalogAsync(db => db.Services.Where(s => s.Slug == "shop-cart").Select(s => s.Paths).SingleAsync()));
        Assert.Equal(1, await _host.CountAsync("catalog_services", "service = 'shop-cart' AND paths = ['services/cart', 'libs/money']"));
        Assert.Equal(1, await _host.CountAsync("catalog_services", "service = 'payments-api' AND empty(paths)"));

        // A file without paths leaves them as they are; a path outside the repository or a pattern is refused.
        Assert.False((await Importer.ImportAsync(_host.WriteFile("services.csv", "slug,name,repository\nshop-cart,Cart,acme/shop\n"), null, "csv-test", skipInvalid: false)).HasErrors);
        Assert.Equal(1, await _host.CountAsync("catalog_services", "service = 'shop-cart' AND length(paths) = 2"));
        var refused = await Importer.ImportAsync(_host.WriteFile("services.csv", "slug,name,repository,paths\nshop-cart,Cart,acme/shop,../cart\nshop-search,Search,acme/shop,services/*\n"), null, "csv-test", skipInvalid: false);
        Assert.Equal([(2, "paths"), (3, "paths")], refused.Errors.Select(e => (e.Line ?? 0, e.Column ?? "")).ToList());
    }

    [Fact]
    public async Task An_ownership_overlapping_another_is_refused_naming_the_range_it_overlaps()
    {
        var path = _host.WriteFile("ownerships.csv", "service,team,valid_from,valid_to\npayments-api,checkout,2025-01-01,2025-06-01\n");

        var report = await Importer.ImportAsync(path, null, "csv-test", skipInvalid: false);

        var error = Assert.Single(report.Errors);
        Assert.Equal((2, "valid_from"), (error.Line, error.Column));
        Assert.Contains("overlaps owned by 'payments' in the catalog from 2024-06-01T00:00:00Z", error.Reason);
        Assert.Equal(3, await _host.WithCatalogAsync(db => db.ServiceOwnerships.CountAsync()));
    }

    [Fact]
    public async Task An_email_that_belongs_to_someone_else_and_unknown_references_are_refused()
    {
        _host.WriteFile("in/people.csv", "id,name,git_emails,github_logins\np-0009,Cy Ode,bo.diaz@acme.example,cyode\n");
        _host.WriteFile("in/memberships.csv", "person_id,team,valid_from\np-0002,growth,2026-01-01\n");

        var report = await Importer.ImportAsync(Path.Combine(_host.Folder, "in"), null, "csv-test", skipInvalid: false);

        Assert.Equal(
            [("people.csv", "git_emails", "'bo.diaz@acme.example' already belongs to person 'p-0002'"),
             ("memberships.csv", "team", "'growth' is not a team in the catalog (import teams.csv first)")],
            report.Errors.Select(e => (Path.GetFileName(e.File), e.Column ?? "", e.Reason)).ToList());
        Assert.False(await _host.WithCatalogAsync(db => db.People.AnyAsync(p => p.ExternalId == "p-0009")));
    }
}
