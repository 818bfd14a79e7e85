using Microsoft.EntityFrameworkCore;

namespace Analytics.Storage.Tests.Catalog;

public class CatalogIdentityTests : IAsyncLifetime
{
    private CatalogTestDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _database = await CatalogTestDatabase.CreateMigratedAsync();
        await _database.AddPersonAsync("p-0001");
        await _database.AddPersonAsync("p-0002");
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    private Task<int> PersonIdAsync(string externalId) =>
        _database.WithContextAsync(db => db.People.Where(p => p.ExternalId == externalId).Select(p => p.Id).SingleAsync());

    [Fact]
    public async Task Identity_IsStoredLowerCasedAndTrimmed()
    {
        await _database.SaveAsync(new PersonIdentity { PersonId = await PersonIdAsync("p-0001"), Kind = IdentityKind.GitEmail, Value = " Jane.Doe@Example.COM " });

        var stored = await _database.WithContextAsync(db => db.PersonIdentities.Select(i => i.Value).SingleAsync());

        Assert.Equal("jane.doe@example.com", stored);
    }

    [Theory]
    [InlineData("jane.doe@example.com")]
    [InlineData("JANE.DOE@EXAMPLE.COM")]
    [InlineData("  Jane.Doe@example.com")]
    public async Task ResolvePerson_IgnoresCase(string lookedUp)
    {
        await _database.Assignments.AddIdentityAsync("p-0001", IdentityKind.GitEmail, "Jane.Doe@Example.com");

        var person = await _database.Lookups.ResolvePersonAsync(IdentityKind.GitEmail, lookedUp);

        Assert.Equal("p-0001", person?.ExternalId);
    }

    [Fact]
    public async Task ResolvePerson_MatchesOnlyTheSameKind()
    {
        await _database.Assignments.AddIdentityAsync("p-0001", IdentityKind.GitHubLogin, "janedoe");

        Assert.Null(await _database.Lookups.ResolvePersonAsync(IdentityKind.GitEmail, "janedoe"));
        Assert.Equal("p-0001", (await _database.Lookups.ResolvePersonAsync(IdentityKind.GitHubLogin, "JaneDoe"))?.ExternalId);
    }

    [Fact]
    public async Task ResolvePerson_UnknownIdentity_IsNull()
    {
        Assert.Null(await _database.Lookups.ResolvePersonAsync(IdentityKind.GitEmail, "nobody@example.com"));
    }

    [Fact]
    public async Task Database_RejectsTheSameIdentityInAnotherCase()
    {
        await _database.SaveAsync(new PersonIdentity { PersonId = await PersonIdAsync("p-0001"), Kind = IdentityKind.GitHubLogin, Value = "janedoe" });
        var otherPersonId = await PersonIdAsync("p-0002");

        // Bypasses the store on purpose: the unique index itself must hold.
        await Assert.ThrowsAsync<DbUpdateException>(() =>
            _database.SaveAsync(new PersonIdentity { PersonId = otherPersonId, Kind = IdentityKind.GitHubLogin, Value = "JaneDoe" }));
    }

    [Fact]
    public async Task AddIdentity_AlreadyOwnedBySomeoneElse_IsRejected()
    {
        await _database.Assignments.AddIdentityAsync("p-0001", IdentityKind.GitEmail, "shared@example.com");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => _database.Assignments.AddIdentityAsync("p-0002", IdentityKind.GitEmail, "SHARED@example.com"));

        Assert.Contains("p-0001", error.Message);
        Assert.Equal("p-0001", (await _database.Lookups.ResolvePersonAsync(IdentityKind.GitEmail, "shared@example.com"))?.ExternalId);
    }

    [Fact]
    public async Task AddIdentity_Again_ForTheSamePerson_IsANoOp()
    {
        await _database.Assignments.AddIdentityAsync("p-0001", IdentityKind.GitEmail, "jane@example.com");

        await _database.Assignments.AddIdentityAsync("p-0001", IdentityKind.GitEmail, "Jane@Example.com");

        Assert.Equal(1, await _database.WithContextAsync(db => db.PersonIdentities.CountAsync()));
    }
}
