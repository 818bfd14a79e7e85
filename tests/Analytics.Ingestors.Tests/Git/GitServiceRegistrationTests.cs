using Analytics.Ingestors.Git;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Ingestors.Tests.Git;

public sealed class GitServiceRegistrationTests : IAsyncLifetime
{
    private readonly TestRepository _git = TestRepository.Create();
    private TestCatalog _catalog = default!;

    public async Task InitializeAsync()
    {
        _catalog = await TestCatalog.CreateAsync();
        _git.Commit("main", "Initial", new DateTimeOffset(2025, 3, 3, 9, 0, 0, TimeSpan.Zero));
    }

    public async Task DisposeAsync()
    {
        await _catalog.DisposeAsync();
        _git.Dispose();
    }

    private GitServiceRegistration Registration => new(_catalog.Get<ServiceCatalog>(), TimeProvider.System);

    [Fact]
    public async Task A_missing_service_is_registered_from_the_clone_without_an_owner()
    {
        _git.Repo.Network.Remotes.Add("origin", "git@github.com:acme/shop.git");

        var target = await Registration.EnsureServiceAsync("shop", _git.Path, repository: null);

        Assert.Equal(new GitServiceTarget("shop", "acme/shop", "main", Registered: true), target);
        await using var db = await _catalog.Contexts.CreateDbContextAsync();
        var service = await db.Services.Include(s => s.Ownerships).SingleAsync(s => s.Slug == "shop");
        Assert.Equal(("acme/shop", "main"), (service.Repository, service.DefaultBranch));
        Assert.Empty(service.Ownerships); // unassigned until a team is given it
    }

    [Fact]
    public async Task A_registered_service_is_used_as_it_is_and_a_conflicting_repository_is_refused()
    {
        await Registration.EnsureServiceAsync("shop", _git.Path, repository: "acme/shop");

        var again = await Registration.EnsureServiceAsync("shop", _git.Path, repository: null);
        var conflict = await Assert.ThrowsAsync<InvalidOperationException>(() => Registration.EnsureServiceAsync("shop", _git.Path, repository: "acme/other"));

        Assert.Equal(new GitServiceTarget("shop", "acme/shop", "main", Registered: false), again);
        Assert.Contains("acme/shop", conflict.Message, StringComparison.Ordinal);
        await using var db = await _catalog.Contexts.CreateDbContextAsync();
        Assert.Equal(1, await db.Services.CountAsync());
    }

    [Fact]
    public async Task Without_a_forge_remote_the_repository_is_named_after_the_folder()
    {
        var target = await Registration.EnsureServiceAsync("shop", Path.Combine(_git.Path, ".git"), repository: null);

        Assert.Equal($"local/{Path.GetFileName(_git.Path)}", target.Repository);
    }
}
