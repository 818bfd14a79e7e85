using Analytics.Ingestors.Demo;

namespace Analytics.Ingestors.Tests.Demo;

public class DemoDeterminismTests
{
    private static readonly DateTimeOffset End = ScaleSFixture.End;

    private static string HashOf(DemoScale scale, int seed, DateTimeOffset end)
    {
        var generator = new DemoOrganisationGenerator(scale, seed, end);
        return DemoRows.Hash(generator.Tables, generator.Catalog);
    }

    [Fact]
    public void The_same_seed_gives_identical_rows()
    {
        Assert.Equal(HashOf(DemoScale.Tiny, 7, End), HashOf(DemoScale.Tiny, 7, End));
    }

    [Fact]
    public void A_different_seed_gives_a_different_organisation()
    {
        Assert.NotEqual(HashOf(DemoScale.Tiny, 7, End), HashOf(DemoScale.Tiny, 8, End));
    }

    [Fact]
    public void Enumerating_a_table_twice_regenerates_the_same_rows()
    {
        var generator = new DemoOrganisationGenerator(DemoScale.Tiny, 7, End);

        Assert.Equal(DemoRows.Hash(generator.Tables, generator.Catalog), DemoRows.Hash(generator.Tables, generator.Catalog));
    }

    // Its speed is a benchmark's to measure (analytics-bench, docs/benchmarks.md), not a timed unit test's.
    [Fact]
    public void Tiny_generates_more_than_a_thousand_rows()
    {
        var generator = new DemoOrganisationGenerator(DemoScale.Tiny, 3, End);
        var rows = generator.Tables.Sum(t => t.Rows.LongCount());

        Assert.True(rows > 1_000, $"only {rows} rows");
    }
}
