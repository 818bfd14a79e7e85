using Microsoft.EntityFrameworkCore;
using static Analytics.Storage.Tests.Catalog.CatalogTestDatabase;

namespace Analytics.Storage.Tests.Catalog;

public class CatalogOwnershipTests : IAsyncLifetime
{
    private CatalogTestDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _database = await CreateMigratedAsync();
        await _database.AddTeamsAsync("payments", "checkout", "platform");
        await _database.AddServiceAsync("payments-api");
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    /// <summary>payments owns payments-api during [2024-01-01, 2024-06-01), checkout from then on.</summary>
    private async Task SeedTwoOwnershipRangesAsync()
    {
        var (serviceId, paymentsId, checkoutId) = await _database.WithContextAsync(async db => (
            await db.Services.Where(s => s.Slug == "payments-api").Select(s => s.Id).SingleAsync(),
            await db.Teams.Where(t => t.Slug == "payments").Select(t => t.Id).SingleAsync(),
            await db.Teams.Where(t => t.Slug == "checkout").Select(t => t.Id).SingleAsync()));
        await _database.SaveAsync(
            new ServiceOwnership { ServiceId = serviceId, TeamId = paymentsId, ValidFrom = Utc(2024, 1, 1), ValidTo = Utc(2024, 6, 1) },
            new ServiceOwnership { ServiceId = serviceId, TeamId = checkoutId, ValidFrom = Utc(2024, 6, 1) });
    }

    [Fact]
    public async Task OwnerOf_FollowsHalfOpenRanges()
    {
        await SeedTwoOwnershipRangesAsync();

        Assert.Null(await _database.Lookups.OwnerOfAsync("payments-api", Utc(2023, 12, 31, 23, 59)));
        Assert.Equal("payments", await _database.Lookups.OwnerOfAsync("payments-api", Utc(2024, 1, 1)));
        Assert.Equal("payments", await _database.Lookups.OwnerOfAsync("payments-api", Utc(2024, 5, 31, 23, 59)));
        Assert.Equal("checkout", await _database.Lookups.OwnerOfAsync("payments-api", Utc(2024, 6, 1)));
        Assert.Equal("checkout", await _database.Lookups.OwnerOfAsync("payments-api", Utc(2030, 1, 1)));
    }

    [Fact]
    public async Task OwnerOf_ComparesInstants_NotLocalClockTimes()
    {
        await SeedTwoOwnershipRangesAsync();

        // 01:00 in UTC+2 on 1 June is still 31 May in UTC, i.e. before the handover.
        var justBeforeHandover = new DateTimeOffset(2024, 6, 1, 1, 0, 0, TimeSpan.FromHours(2));

        Assert.Equal("payments", await _database.Lookups.OwnerOfAsync("payments-api", justBeforeHandover));
    }

    [Fact]
    public async Task OwnerOf_AtTheEndOfAClosedRangeWithNoSuccessor_IsNull()
    {
        var (serviceId, paymentsId) = await _database.WithContextAsync(async db => (
            await db.Services.Select(s => s.Id).SingleAsync(),
            await db.Teams.Where(t => t.Slug == "payments").Select(t => t.Id).SingleAsync()));
        await _database.SaveAsync(new ServiceOwnership { ServiceId = serviceId, TeamId = paymentsId, ValidFrom = Utc(2024, 1, 1), ValidTo = Utc(2024, 6, 1) });

        Assert.Equal("payments", await _database.Lookups.OwnerOfAsync("payments-api", Utc(2024, 5, 31, 23, 59)));
        Assert.Null(await _database.Lookups.OwnerOfAsync("payments-api", Utc(2024, 6, 1)));
    }

    [Fact]
    public async Task OwnerOf_UnknownService_IsNull()
    {
        await SeedTwoOwnershipRangesAsync();

        Assert.Null(await _database.Lookups.OwnerOfAsync("no-such-service", Utc(2024, 3, 1)));
    }

    [Fact]
    public async Task Reassign_KeepsThePreviousOwnerForEarlierDates()
    {
        await _database.Assignments.ReassignServiceAsync("payments-api", "payments", Utc(2024, 1, 1));
        await _database.Assignments.ReassignServiceAsync("payments-api", "checkout", Utc(2024, 7, 1));

        Assert.Equal("payments", await _database.Lookups.OwnerOfAsync("payments-api", Utc(2024, 3, 1)));
        Assert.Equal("checkout", await _database.Lookups.OwnerOfAsync("payments-api", Utc(2024, 7, 1)));

        var ranges = await _database.WithContextAsync(db => db.ServiceOwnerships
            .OrderBy(o => o.ValidFrom)
            .Select(o => new { Team = o.Team.Slug, o.ValidFrom, o.ValidTo })
            .ToListAsync());
        Assert.Equal(
            [
                new { Team = "payments", ValidFrom = Utc(2024, 1, 1), ValidTo = (DateTimeOffset?)Utc(2024, 7, 1) },
                new { Team = "checkout", ValidFrom = Utc(2024, 7, 1), ValidTo = (DateTimeOffset?)null },
            ],
            ranges);
    }

    [Fact]
    public async Task Reassign_StoresTimestampsAsUtc()
    {
        var effectiveAt = new DateTimeOffset(2024, 2, 1, 9, 30, 0, TimeSpan.FromHours(-5));

        await _database.Assignments.ReassignServiceAsync("payments-api", "payments", effectiveAt);

        var validFrom = await _database.WithContextAsync(db => db.ServiceOwnerships.Select(o => o.ValidFrom).SingleAsync());
        Assert.Equal(TimeSpan.Zero, validFrom.Offset);
        Assert.Equal(Utc(2024, 2, 1, 14, 30), validFrom);
    }

    [Fact]
    public async Task Reassign_BeforeTheCurrentRangeStarts_IsRejectedAndChangesNothing()
    {
        await _database.Assignments.ReassignServiceAsync("payments-api", "payments", Utc(2024, 3, 1));

        var error = await Assert.ThrowsAsync<ArgumentException>(
            () => _database.Assignments.ReassignServiceAsync("payments-api", "checkout", Utc(2024, 2, 1)));

        Assert.Equal("effectiveAt", error.ParamName);
        Assert.Contains("payments", error.Message);
        Assert.Equal(1, await _database.WithContextAsync(db => db.ServiceOwnerships.CountAsync()));
        Assert.Equal("payments", await _database.Lookups.OwnerOfAsync("payments-api", Utc(2030, 1, 1)));
    }

    [Fact]
    public async Task Reassign_ToTheCurrentOwner_DoesNotSplitTheRange()
    {
        await _database.Assignments.ReassignServiceAsync("payments-api", "payments", Utc(2024, 1, 1));

        await _database.Assignments.ReassignServiceAsync("payments-api", "payments", Utc(2024, 5, 1));

        var range = await _database.WithContextAsync(db => db.ServiceOwnerships.SingleAsync());
        Assert.Equal(Utc(2024, 1, 1), range.ValidFrom);
        Assert.Null(range.ValidTo);
    }

    [Theory]
    [InlineData("no-such-service", "checkout", "serviceSlug")]
    [InlineData("payments-api", "no-such-team", "newTeamSlug")]
    public async Task Reassign_UnknownServiceOrTeam_IsRejected(string service, string team, string expectedParameter)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => _database.Assignments.ReassignServiceAsync(service, team, Utc(2024, 1, 1)));

        Assert.Equal(expectedParameter, error.ParamName);
    }

    [Fact]
    public async Task Database_RejectsASecondOpenOwnershipRange()
    {
        await _database.Assignments.ReassignServiceAsync("payments-api", "payments", Utc(2024, 1, 1));
        var (serviceId, checkoutId) = await _database.WithContextAsync(async db => (
            await db.Services.Select(s => s.Id).SingleAsync(),
            await db.Teams.Where(t => t.Slug == "checkout").Select(t => t.Id).SingleAsync()));

        await Assert.ThrowsAsync<DbUpdateException>(
            () => _database.SaveAsync(new ServiceOwnership { ServiceId = serviceId, TeamId = checkoutId, ValidFrom = Utc(2024, 2, 1) }));
    }

    [Fact]
    public async Task TeamOf_FollowsMembershipRanges()
    {
        await _database.AddPersonAsync("p-0042");
        var (personId, paymentsId, platformId) = await _database.WithContextAsync(async db => (
            await db.People.Select(p => p.Id).SingleAsync(),
            await db.Teams.Where(t => t.Slug == "payments").Select(t => t.Id).SingleAsync(),
            await db.Teams.Where(t => t.Slug == "platform").Select(t => t.Id).SingleAsync()));
        await _database.SaveAsync(
            new TeamMembership { PersonId = personId, TeamId = paymentsId, ValidFrom = Utc(2024, 1, 1), ValidTo = Utc(2024, 4, 1) },
            new TeamMembership { PersonId = personId, TeamId = platformId, ValidFrom = Utc(2024, 4, 1) });

        Assert.Null(await _database.Lookups.TeamOfAsync("p-0042", Utc(2023, 6, 1)));
        Assert.Equal("payments", await _database.Lookups.TeamOfAsync("p-0042", Utc(2024, 3, 31)));
        Assert.Equal("platform", await _database.Lookups.TeamOfAsync("p-0042", Utc(2024, 4, 1)));
        Assert.Null(await _database.Lookups.TeamOfAsync("p-9999", Utc(2024, 4, 1)));
    }

    [Fact]
    public async Task TeamOf_AfterLeavingTheLastTeam_IsNull()
    {
        await _database.AddPersonAsync("p-0007");
        var (personId, paymentsId) = await _database.WithContextAsync(async db => (
            await db.People.Select(p => p.Id).SingleAsync(),
            await db.Teams.Where(t => t.Slug == "payments").Select(t => t.Id).SingleAsync()));
        await _database.SaveAsync(new TeamMembership { PersonId = personId, TeamId = paymentsId, ValidFrom = Utc(2024, 1, 1), ValidTo = Utc(2024, 4, 1) });

        Assert.Equal("payments", await _database.Lookups.TeamOfAsync("p-0007", Utc(2024, 3, 31, 23, 59)));
        Assert.Null(await _database.Lookups.TeamOfAsync("p-0007", Utc(2024, 4, 1)));
    }
}
