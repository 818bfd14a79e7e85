using System.Text.RegularExpressions;
using Analytics.Ingestors.Demo;

namespace Analytics.Ingestors.Tests.Demo;

public partial class DemoTableShapeTests
{
    private static readonly DemoOrganisationGenerator Tiny = new(DemoScale.Tiny, 7, ScaleSFixture.End);

    /// <summary>The migration's columns per table, minus ingested_at, which ClickHouse fills in itself.</summary>
    private static Dictionary<string, List<string>> MigrationColumns()
    {
        var sql = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "sql", "clickhouse", "migrations", "0001_events.sql"));
        return CreateTable().Matches(sql).ToDictionary(
            m => m.Groups["table"].Value,
            m => m.Groups["body"].Value.Split('\n')
                .Select(line => ColumnName().Match(line))
                .Where(c => c.Success && c.Groups[1].Value != "ingested_at")
                .Select(c => c.Groups[1].Value)
                .ToList());
    }

    [Fact]
    public void Every_event_table_of_the_migration_is_generated_with_its_columns_in_order()
    {
        var migration = MigrationColumns();

        Assert.Equal(migration.Keys.Order(), Tiny.Tables.Select(t => t.Name).Order());
        Assert.All(Tiny.Tables, table => Assert.Equal(migration[table.Name], table.Columns));
    }

    [Fact]
    public void Rows_have_a_value_per_column_and_the_demo_source()
    {
        foreach (var table in Tiny.Tables)
        {
            Assert.NotEmpty(table.Rows);
            Assert.All(table.Rows, row => Assert.Equal(table.Columns.Count, row.Length));
            var source = table.Columns.ToList().IndexOf("source");
            if (source >= 0)
            {
                Assert.All(table.Rows, row => Assert.Equal("demo", row[source]));
            }
        }
    }

    [GeneratedRegex(@"CREATE TABLE IF NOT EXISTS (?<table>\w+)\s*\((?<body>.*?)\)\s*ENGINE", RegexOptions.Singleline)]
    private static partial Regex CreateTable();

    [GeneratedRegex(@"^\s*([a-z_]+)\s+\S")]
    private static partial Regex ColumnName();
}
