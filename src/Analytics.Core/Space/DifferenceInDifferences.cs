using Analytics.Core.Dora;

namespace Analytics.Core.Space;

/// <summary>A control team's value of one key over an adopter's two windows; null = no sample in that window.</summary>
public sealed record DidControl(string Team, double? Before, double? After);

/// <summary>An adopting team's value of one key before and after adoption, with the teams it is compared with.</summary>
public sealed record DidAdopter(string Team, double? Before, double? After, IReadOnlyList<DidControl> Controls);

/// <summary>The point estimate and bootstrap interval of <see cref="DifferenceInDifferences.Estimate"/>.</summary>
/// <param name="Effects">Per adopter (same order as the input): its effect, or null when it or all its controls lack a sample.</param>
public sealed record DidResult(double? Estimate, double? Lower, double? Upper, int Adopters, int ControlTeams, IReadOnlyList<double?> Effects, IReadOnlyList<double?> ControlChanges, IReadOnlyList<int> Controls);

/// <summary>
/// Difference in differences with a team bootstrap, in plain C#.
/// <para>Per adopter a: effect(a) = (after(a) − before(a)) − mean over its controls c of (after(c) − before(c)), using
/// only teams with a sample in both windows. The estimate is the mean effect over adopters that have one.</para>
/// <para>Bootstrap: each resample draws the adopters with replacement and, independently, the control teams (every
/// team that controls some adopter) with replacement; an adopter's control mean is weighted by how often each of its
/// controls was drawn, and adopters none of whose controls were drawn sit that resample out. The interval is the
/// (1 − level)/2 and (1 + level)/2 interpolated quantiles of the resampled estimates. <see cref="Random"/> with a fixed
/// seed makes it deterministic.</para>
/// </summary>
public static class DifferenceInDifferences
{
    public static DidResult Estimate(IReadOnlyList<DidAdopter> adopters, int resamples, int seed, double level = 0.9)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(resamples);
        if (level is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "The interval level must be between 0 and 1.");
        }
        // Only observations with both windows count.
        var usable = adopters
            .Select(a => (Adopter: a, Change: Change(a.Before, a.After),
                Controls: a.Controls.Where(c => Change(c.Before, c.After) is not null).Select(c => (c.Team, Change: Change(c.Before, c.After)!.Value)).ToList()))
            .ToList();
        var controlChanges = usable.Select(u => u.Controls.Count == 0 ? (double?)null : u.Controls.Average(c => c.Change)).ToList();
        var effects = usable.Select((u, i) => u.Change is { } change && controlChanges[i] is { } control ? change - control : (double?)null).ToList();
        var measured = effects.Where(e => e is not null).Select(e => e!.Value).ToList();
        var pool = usable.Where((u, i) => effects[i] is not null).SelectMany(u => u.Controls.Select(c => c.Team)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (measured.Count == 0)
        {
            return new DidResult(null, null, null, 0, 0, effects, controlChanges, usable.Select(u => u.Controls.Count).ToList());
        }

        var candidates = usable.Where((u, i) => effects[i] is not null).Select(u => (Change: u.Change!.Value, u.Controls)).ToList();
        var random = new Random(seed);
        var estimates = new List<double>(resamples);
        var weights = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var r = 0; r < resamples; r++)
        {
            weights.Clear();
            var drawnAdopters = new int[candidates.Count];
            for (var i = 0; i < candidates.Count; i++)
            {
                drawnAdopters[i] = random.Next(candidates.Count);
            }
            for (var i = 0; i < pool.Count; i++)
            {
                var team = pool[random.Next(pool.Count)];
                weights[team] = weights.GetValueOrDefault(team) + 1;
            }
            double sum = 0;
            var count = 0;
            foreach (var index in drawnAdopters)
            {
                var (change, controls) = candidates[index];
                double weighted = 0;
                var weight = 0;
                foreach (var (team, controlChange) in controls)
                {
                    var w = weights.GetValueOrDefault(team);
                    weighted += w * controlChange;
                    weight += w;
                }
                if (weight > 0)
                {
                    sum += change - (weighted / weight);
                    count++;
                }
            }
            if (count > 0)
            {
                estimates.Add(sum / count);
            }
        }
        return new DidResult(
            measured.Average(),
            Quantiles.Interpolated(estimates, (1 - level) / 2),
            Quantiles.Interpolated(estimates, (1 + level) / 2),
            measured.Count,
            pool.Count,
            effects,
            controlChanges,
            usable.Select(u => u.Controls.Count).ToList());
    }

    private static double? Change(double? before, double? after) => before is { } b && after is { } a ? a - b : null;
}
