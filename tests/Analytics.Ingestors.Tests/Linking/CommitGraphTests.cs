using Analytics.Ingestors.Linking;

namespace Analytics.Ingestors.Tests.Linking;

public sealed class CommitGraphTests
{
    [Fact]
    public void New_commits_equal_the_set_difference_of_reachable_commits_on_random_histories()
    {
        // The generation-ordered walk stops early; a plain reachability difference is the definition it must equal.
        var random = new Random(20250602);
        for (var history = 0; history < 200; history++)
        {
            var commits = RandomHistory(random, size: random.Next(1, 80));
            var graph = new CommitGraph(commits);
            for (var pair = 0; pair < 20; pair++)
            {
                var head = commits[random.Next(commits.Count)].Sha;
                var previous = commits[random.Next(commits.Count)].Sha;

                var expected = graph.ReachableFrom(head).Except(graph.ReachableFrom(previous)).Order(StringComparer.Ordinal);

                Assert.Equal(expected, graph.NewCommits(head, previous).Order(StringComparer.Ordinal));
            }
        }
    }

    [Fact]
    public void Walks_stop_at_parents_that_were_never_ingested_and_survive_a_cycle_in_bad_data()
    {
        // B's parent "lost" was never ingested; X and Y name each other (corrupt data) and Z sits on top.
        var at = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var graph = new CommitGraph(
        [
            new GraphCommit("A", [], at), new GraphCommit("B", ["lost", "A"], at.AddHours(1)),
            new GraphCommit("X", ["Y"], at), new GraphCommit("Y", ["X"], at), new GraphCommit("Z", ["Y"], at),
        ]);

        Assert.Equal(["A", "B"], graph.ReachableFrom("B").Order(StringComparer.Ordinal));
        Assert.Equal(["B"], graph.NewCommits("B", "A"));
        Assert.Contains("Z", graph.ReachableFrom("Z"));
        Assert.Empty(graph.NewCommits("Z", "Z"));
    }

    [Fact]
    public void Reachable_from_any_head_is_the_union_of_each_heads_history_and_ignores_unknown_heads()
    {
        // A ← B ← C and A ← F (a branch): from C and F, everything; from B alone, A and B; an unknown head adds nothing.
        var at = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var graph = new CommitGraph(
            [new GraphCommit("A", [], at), new GraphCommit("B", ["A"], at), new GraphCommit("C", ["B"], at), new GraphCommit("F", ["A"], at)]);

        Assert.Equal(["A", "B", "C", "F"], graph.ReachableFromAny(["C", "F"]).Order(StringComparer.Ordinal));
        Assert.Equal(["A", "B"], graph.ReachableFromAny(["B", "unknown"]).Order(StringComparer.Ordinal));
        Assert.Empty(graph.ReachableFromAny([]));
    }

    [Fact]
    public void Commits_between_two_instants_exclude_the_start_and_include_the_end()
    {
        var at = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var graph = new CommitGraph([new GraphCommit("A", [], at), new GraphCommit("B", ["A"], at.AddHours(1)), new GraphCommit("C", ["B"], at.AddHours(2))]);

        Assert.Equal(["B", "C"], graph.CommittedBetween(at, at.AddHours(2)));
        Assert.Equal(["A"], graph.CommittedBetween(null, at.AddMinutes(30)));
    }

    /// <summary>Commits in creation order, each with up to three parents among the earlier ones (merges, octopus merges, several roots).</summary>
    private static List<GraphCommit> RandomHistory(Random random, int size)
    {
        var at = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var commits = new List<GraphCommit>();
        for (var i = 0; i < size; i++)
        {
            var parentCount = i == 0 || random.Next(10) == 0 ? 0 : random.Next(10) < 7 ? 1 : random.Next(2, 4);
            var parents = Enumerable.Range(0, parentCount).Select(_ => $"c{random.Next(i)}").Distinct().ToArray();
            commits.Add(new GraphCommit($"c{i}", parents, at.AddMinutes(random.Next(-60, 60) + i)));
        }
        return commits;
    }
}
