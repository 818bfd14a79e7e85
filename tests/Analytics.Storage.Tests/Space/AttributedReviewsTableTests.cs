using System.Text.RegularExpressions;
using Analytics.Ingestors.Demo;

namespace Analytics.Storage.Tests.Space;

/// <summary>
/// Migration 0019 made attributed_reviews a derived table (sql/clickhouse/derived/attributed_reviews.sql) in place
/// of the view of migration 0006: over a generated organisation, after writes and a reorganisation, the table holds
/// exactly the rows the old view computes, and the SPACE queries read the table.
/// </summary>
public sealed partial class AttributedReviewsTableTests
{
    private static readonly DateTimeOffset End = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_derived_table_holds_exactly_the_rows_of_the_view_it_replaces()
    {
        await using var organisation = await GeneratedOrganisation.LoadAsync("attributed_reviews", new DemoScale(Teams: 4, Services: 10, Engineers: 40, Months: 9), seed: 3, End);
        var store = organisation.Store;
        await store.ExecuteAsync($"CREATE VIEW attributed_reviews_as_view AS {ViewOfMigration0006()}");
        Assert.Equal("MergeTree", Assert.Single(await store.QueryAsync<EngineRow>(
            "SELECT engine FROM system.tables WHERE database = currentDatabase() AND name = 'attributed_reviews'")).Engine);

        await AssertSameRowsAsync(store, "as loaded");
        var counts = Assert.Single(await store.QueryAsync<CountsRow>(
            "SELECT count() AS rows, countIf(reviewer_team = '') AS unknown_team, countIf(reviewer_team != pull_request_team AND reviewer_team != '') AS cross_team FROM attributed_reviews"));
        Assert.True(counts.Rows > 1000 && counts.CrossTeam > 0, $"{counts.Rows} reviews, {counts.CrossTeam} across teams: the organisation proves little");

        // A review by a login nobody owns, and a reorganisation (the busiest reviewer joins another team): the table
        // follows the writes as the view does.
        await store.ExecuteAsync("""
            INSERT INTO pull_request_reviews (repository, number, review_id, reviewer_login, reviewer_is_bot, state, submitted_at, source)
            SELECT repository, number, 'added-review', 'Nobody-Known', false, 'approved', opened_at + INTERVAL 1 HOUR, 'test'
            FROM pull_requests FINAL ORDER BY repository, number LIMIT 1
            """);
        await store.ExecuteAsync("""
            INSERT INTO catalog_team_membership
            SELECT person_id, 'moved-team', toDateTime64('2025-12-01 00:00:00', 3, 'UTC'), NULL
            FROM catalog_identities
            WHERE kind = 'github_login' AND value = (
                SELECT lowerUTF8(trimBoth(reviewer_login)) AS login FROM pull_request_reviews
                WHERE submitted_at >= '2025-12-01' GROUP BY login ORDER BY count() DESC, login LIMIT 1)
            LIMIT 1
            """);
        await AssertSameRowsAsync(store, "after writes");
        Assert.Single(await store.QueryAsync<CountsRow>(
            "SELECT count() AS rows, 0 AS unknown_team, 0 AS cross_team FROM attributed_reviews WHERE review_id = 'added-review' AND reviewer_team = ''"),
            row => row.Rows == 1);
        Assert.True(Assert.Single(await store.QueryAsync<CountsRow>(
            "SELECT count() AS rows, 0 AS unknown_team, 0 AS cross_team FROM attributed_reviews WHERE reviewer_team = 'moved-team'")).Rows > 0);
    }

    private static async Task AssertSameRowsAsync(IClickHouseStore store, string when)
    {
        // EXCEPT keeps duplicates (except_default_mode ALL): equal counts and nothing left either way = the same multiset.
        var difference = Assert.Single(await store.QueryAsync<DifferenceRow>("""
            SELECT
                (SELECT count() FROM attributed_reviews) AS table_rows,
                (SELECT count() FROM attributed_reviews_as_view) AS view_rows,
                (SELECT count() FROM (SELECT * FROM attributed_reviews EXCEPT ALL SELECT * FROM attributed_reviews_as_view)) AS only_in_table,
                (SELECT count() FROM (SELECT * FROM attributed_reviews_as_view EXCEPT ALL SELECT * FROM attributed_reviews)) AS only_in_view
            """));
        Assert.True(difference.TableRows > 0, when);
        Assert.Equal(new DifferenceRow(difference.ViewRows, difference.ViewRows, 0, 0), difference);
    }

    /// <summary>The SELECT of the view <c>attributed_reviews</c> as migration 0006 created it.</summary>
    private static string ViewOfMigration0006()
    {
        var migration = new SqlFiles().Migrations().Single(m => m.Version == 6);
        return ViewSelect().Match(migration.Sql) is { Success: true } match
            ? match.Groups["select"].Value
            : throw new InvalidDataException($"{migration.Path} no longer creates the view attributed_reviews.");
    }

    [GeneratedRegex(@"CREATE VIEW IF NOT EXISTS attributed_reviews AS\s+(?<select>SELECT.+?);", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex ViewSelect();

    private sealed record EngineRow(string Engine);

    private sealed record CountsRow(ulong Rows, ulong UnknownTeam, ulong CrossTeam);

    private sealed record DifferenceRow(ulong TableRows, ulong ViewRows, ulong OnlyInTable, ulong OnlyInView);
}
