namespace Analytics.Core.Tests.Space;

/// <summary>
/// The estimator's interval against a plain reading of its documented bootstrap (one Exp(1) weight per team, drawn in
/// ordinal team order from Random(seed), the weighted mean over adopters of their effect against their controls'
/// weighted mean, interpolated quantiles widened by the small-sample factor), on generated organisations where teams
/// are in many stacks and some windows have no sample: the same seed gives the same interval, to the last bit.
/// </summary>
public sealed class BayesianBootstrapOracleTests
{
    [Theory]
    [InlineData(1, 40, 160, 500)]
    [InlineData(2, 12, 30, 300)]
    [InlineData(3, 6, 8, 1000)]
    public void The_interval_is_exactly_the_documented_bootstrap_of_the_same_seed(int generation, int adopters, int controls, int resamples)
    {
        var stacks = Generate(new Random(generation), adopters, controls);

        var result = StackedDifferenceInDifferences.Estimate(stacks, resamples, seed: generation * 7);
        var oracle = Oracle(stacks, resamples, generation * 7, 0.9);

        Assert.False(result.TooFewTeams);
        Assert.Equal(oracle.Draws, result.UsableResamples);
        Assert.Equal((oracle.Lower, oracle.Upper), (result.Lower, result.Upper));
        Assert.Equal((oracle.PreLower, oracle.PreUpper), (result.PreTrendLower, result.PreTrendUpper));
    }

    /// <summary>Adopters a0… each compared with a random third of the other teams (later adopters included); a tenth of the windows have no sample.</summary>
    private static List<DidStack> Generate(Random random, int adopters, int controls)
    {
        var teams = Enumerable.Range(0, adopters).Select(i => $"a{i}").Concat(Enumerable.Range(0, controls).Select(i => $"c{i}")).ToList();
        double? Value() => random.NextDouble() < 0.1 ? null : Math.Round(random.NextDouble() * 10, 3);
        DidObservation Observation(string team) => new(team, Value(), Value(), Value());
        return Enumerable.Range(0, adopters).Select(i => new DidStack(Observation($"a{i}"),
            teams.Where(team => team != $"a{i}" && random.NextDouble() < 0.33).Select(Observation).ToList())).ToList();
    }

    private static (double? Lower, double? Upper, double? PreLower, double? PreUpper, int Draws) Oracle(IReadOnlyList<DidStack> stacks, int resamples, int seed, double level)
    {
        // (adopter, its change, its controls with their changes) of every stack with a change and a control with one.
        static List<(string Team, double Change, List<(string Team, double Change)> Controls)> Comparisons(
            IReadOnlyList<DidStack> stacks, Func<DidObservation, double?> from, Func<DidObservation, double?> to)
        {
            var comparisons = new List<(string, double, List<(string, double)>)>();
            foreach (var stack in stacks)
            {
                if (from(stack.Adopter) is not { } before || to(stack.Adopter) is not { } after)
                {
                    continue;
                }
                var controls = stack.Controls.Where(c => from(c) is not null && to(c) is not null).Select(c => (c.Team, to(c)!.Value - from(c)!.Value)).ToList();
                if (controls.Count > 0)
                {
                    comparisons.Add((stack.Adopter.Team, after - before, controls));
                }
            }
            return comparisons;
        }

        var main = Comparisons(stacks, o => o.Before, o => o.After);
        var pre = Comparisons(stacks, o => o.Earlier, o => o.Before);
        var teams = main.Concat(pre).SelectMany(c => c.Controls.Select(x => x.Team).Append(c.Team)).Distinct().Order(StringComparer.Ordinal).ToList();
        var random = new Random(seed);
        var draws = new List<double>();
        var preDraws = new List<double>();
        for (var r = 0; r < resamples; r++)
        {
            var weight = new Dictionary<string, double>();
            foreach (var team in teams)
            {
                weight[team] = -Math.Log(1 - random.NextDouble());
            }
            draws.Add(WeightedMean(main, weight));
            preDraws.Add(WeightedMean(pre, weight));
        }

        (double?, double?) Interval(List<(string Team, double Change, List<(string Team, double Change)> Controls)> comparisons, List<double> resampled)
        {
            var estimate = comparisons.Average(c => c.Change - c.Controls.Average(x => x.Change));
            var factor = StackedDifferenceInDifferences.SmallSampleFactor(comparisons.Count, level);
            var low = Quantiles.Interpolated(resampled, (1 - level) / 2)!.Value;
            var high = Quantiles.Interpolated(resampled, (1 + level) / 2)!.Value;
            return (estimate - (factor * (estimate - low)), estimate + (factor * (high - estimate)));
        }

        var (lower, upper) = Interval(main, draws);
        // Under the minimum of adopters with an earlier window the pre-trend has no interval.
        var (preLower, preUpper) = pre.Count >= StackedDifferenceInDifferences.DefaultMinimumAdopters ? Interval(pre, preDraws) : (null, null);
        return (lower, upper, preLower, preUpper, draws.Count);
    }

    private static double WeightedMean(List<(string Team, double Change, List<(string Team, double Change)> Controls)> comparisons, Dictionary<string, double> weight)
    {
        double sum = 0, total = 0;
        foreach (var (team, change, controls) in comparisons)
        {
            double control = 0, controlWeight = 0;
            foreach (var (controlTeam, controlChange) in controls)
            {
                control += weight[controlTeam] * controlChange;
                controlWeight += weight[controlTeam];
            }
            sum += weight[team] * (change - (control / controlWeight));
            total += weight[team];
        }
        return sum / total;
    }
}
