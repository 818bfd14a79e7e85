using System.Text.RegularExpressions;
using Analytics.Testing;

namespace Analytics.Storage.Tests.ClickHouse;

/// <summary>
/// deploy/clickhouse/readers.sql, the grants of the reader role a ClickHouse server set-up runs: every table of the
/// migrated schema is either granted to readers or withheld by name (so a new table cannot slip in unclassified),
/// raw survey answers are withheld, and the statements are ClickHouse SQL the engine parses.
/// </summary>
public sealed partial class ReaderGrantsTests
{
    private static readonly string Grants = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "deploy", "clickhouse", "readers.sql"));

    [GeneratedRegex(@"^GRANT SELECT ON analytics\.(\w+) TO analytics_reader;$", RegexOptions.Multiline)]
    private static partial Regex Granted();

    [GeneratedRegex(@"^-- withheld: (\w+)", RegexOptions.Multiline)]
    private static partial Regex Withheld();

    private static IReadOnlyList<string> Statements => Grants.Split('\n').Where(line => !line.StartsWith("--", StringComparison.Ordinal))
        .Aggregate("", (text, line) => text + line + "\n").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
        .Where(statement => statement.Length > 0).ToList();

    [Fact]
    public async Task Every_migrated_table_is_granted_to_readers_or_withheld_by_name_and_raw_survey_answers_are_withheld()
    {
        await using var store = await EmbeddedEngine.NewMigratedDatabaseAsync("grants");
        var tables = (await store.QueryAsync<TableName>("SELECT name FROM system.tables WHERE database = currentDatabase() ORDER BY name"))
            .Select(t => t.Name).ToList();
        var granted = Granted().Matches(Grants).Select(m => m.Groups[1].Value).ToList();
        var withheld = Withheld().Matches(Grants).Select(m => m.Groups[1].Value).ToList();

        Assert.Contains("survey_responses", withheld);
        Assert.DoesNotContain("survey_responses", granted);
        Assert.Contains("survey_wave_closures", granted);
        Assert.Empty(granted.Intersect(withheld));
        Assert.Equal(tables, granted.Concat(withheld).Order(StringComparer.Ordinal).ToList());
        // Nothing but the role, its reset and table-by-table SELECT grants: no database-wide grant to slip past the list.
        Assert.Equal(granted.Count + 2, Statements.Count);
        Assert.DoesNotContain(Statements, statement => statement.Contains(".*", StringComparison.Ordinal) && statement.StartsWith("GRANT", StringComparison.Ordinal));
    }

    /// <summary>
    /// The embedded engine has no access storage (its user may not create roles: ACCESS_DENIED), so the statements
    /// cannot run here, nor a query as the reader; the engine's own parser checks each one instead (formatQuery
    /// throws on anything that is not ClickHouse SQL). Running them is the server set-up's part (docs/security.md).
    /// </summary>
    [Fact]
    public async Task Each_statement_is_clickhouse_sql_that_the_engine_parses()
    {
        await using var store = await EmbeddedEngine.NewDatabaseAsync("grants_parse");
        foreach (var statement in Statements)
        {
            var formatted = await store.QueryAsync<Formatted>("SELECT formatQuery({statement:String}) AS text", Analytics.Storage.ClickHouse.QueryParameters.From(("statement", statement)));
            Assert.False(string.IsNullOrWhiteSpace(Assert.Single(formatted).Text), statement);
        }
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => store.QueryAsync<Formatted>(
            "SELECT formatQuery({statement:String}) AS text", Analytics.Storage.ClickHouse.QueryParameters.From(("statement", "GRANT SELCT ON analytics.commits TO analytics_reader"))));
        Assert.Contains("Syntax error", refused.Message, StringComparison.OrdinalIgnoreCase);
    }

    private sealed record Formatted(string Text);

    private sealed record TableName(string Name);
}
