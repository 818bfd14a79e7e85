using Analytics.Core.Dora;

namespace Analytics.Core.Space;

/// <summary>
/// A team's value of one key over an adopter's three windows (earlier, before, after), already on the estimator's
/// scale (<see cref="StackedDifferenceInDifferences.Scaled"/>); null = no sample in that window.
/// </summary>
public sealed record DidObservation(string Team, double? Earlier, double? Before, double? After);

/// <summary>One adopter's stack: the adopter and the comparable, not-yet-treated controls it is compared with.</summary>
public sealed record DidStack(DidObservation Adopter, IReadOnlyList<DidObservation> Controls);

/// <summary>One adopter's comparison: its change, its controls' mean change, the effect, and the same for the pre-trend.</summary>
/// <param name="Controls">Controls with a sample in both the before and the after window.</param>
public sealed record DidStackResult(double? Change, double? ControlChange, double? Effect, int Controls, double? PreTrend);

/// <summary>
/// The estimate and interval of <see cref="StackedDifferenceInDifferences.Estimate"/>, on the estimator's scale.
/// Lower/Upper are null when fewer adopters than the minimum have an effect (<see cref="TooFewTeams"/>).
/// </summary>
/// <param name="PreTrend">Mean over adopters of the placebo effect of the window before "before" (earlier → before): near 0 when trends ran parallel.</param>
/// <param name="UsableResamples">Resamples whose estimate was defined (every one, as no team ever gets weight 0).</param>
public sealed record DidResult(
    double? Estimate,
    double? Lower,
    double? Upper,
    double? PreTrend,
    double? PreTrendLower,
    double? PreTrendUpper,
    int Adopters,
    int PreTrendAdopters,
    int ControlTeams,
    int Resamples,
    int UsableResamples,
    bool TooFewTeams,
    IReadOnlyList<DidStackResult> Stacks);

/// <summary>
/// Stacked difference in differences (an event-study design): each adopter forms a stack with its own controls —
/// teams active in every month of its windows and not yet on the golden path by the end of its after-window, so an
/// already-treated team is never a control — and the estimate is the mean over adopters of
/// effect(a) = (after(a) − before(a)) − mean over its controls c of (after(c) − before(c)).
/// The pre-trend is the same with the windows shifted back one (earlier → before), where there is no treatment yet.
/// <para>Interval: a team-clustered Bayesian bootstrap. Each resample gives every team (adopter or control, one weight
/// however many stacks it is in) a weight from Exp(1) — Dirichlet(1, …, 1) once normalised — and recomputes the
/// weighted mean over adopters of their effect against the weighted mean of their controls. No weight is ever 0, so no
/// adopter's comparison is ever undefined and no resample is dropped; the interval is the (1 − level)/2 and
/// (1 + level)/2 interpolated quantiles of the resampled estimates, widened about the estimate by the small-sample
/// factor of <see cref="SmallSampleFactor"/>. Under <c>minimumAdopters</c> adopters with an
/// effect there is no interval at all ("too few teams"). <see cref="Random"/> with a fixed seed makes it deterministic.</para>
/// </summary>
public static class StackedDifferenceInDifferences
{
    /// <summary>Fewest adopters with an effect for which an interval is given (docs/metrics.md, "ROI").</summary>
    public const int DefaultMinimumAdopters = 5;

    public static DidResult Estimate(IReadOnlyList<DidStack> stacks, int resamples, int seed, double level = 0.9, int minimumAdopters = DefaultMinimumAdopters)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(resamples);
        // The small-sample factor needs G − 1 ≥ 1 degrees of freedom.
        ArgumentOutOfRangeException.ThrowIfLessThan(minimumAdopters, 2);
        if (level is <= 0 or >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "The interval level must be between 0 and 1.");
        }
        var main = stacks.Select(s => Comparison(s, o => o.Before, o => o.After)).ToList();
        var pre = stacks.Select(s => Comparison(s, o => o.Earlier, o => o.Before)).ToList();
        var results = stacks.Select((s, i) => new DidStackResult(Change(s.Adopter.Before, s.Adopter.After), main[i]?.ControlMean ?? ControlMean(s), main[i]?.Effect,
            s.Controls.Count(c => Change(c.Before, c.After) is not null), pre[i]?.Effect)).ToList();

        var effects = main.Where(c => c is not null).Select(c => c!).ToList();
        var placebos = pre.Where(c => c is not null).Select(c => c!).ToList();
        var teams = effects.Concat(placebos).SelectMany(c => c.Controls.Select(x => x.Team).Append(c.Team)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var controlTeams = effects.SelectMany(c => c.Controls.Select(x => x.Team)).Distinct(StringComparer.Ordinal).Count();
        var estimate = effects.Count == 0 ? (double?)null : effects.Average(c => c.Effect);
        var preTrend = placebos.Count == 0 ? (double?)null : placebos.Average(c => c.Effect);
        var tooFew = effects.Count < minimumAdopters;
        if (tooFew)
        {
            return new DidResult(estimate, null, null, preTrend, null, null, effects.Count, placebos.Count, controlTeams, 0, 0, true, results);
        }

        var index = teams.Select((team, i) => (team, i)).ToDictionary(p => p.team, p => p.i, StringComparer.Ordinal);
        // The resampling loop weighs every control of every stack thousands of times: look each team's weight slot up once.
        var indexedEffects = effects.Select(c => c.Indexed(index)).ToList();
        var indexedPlacebos = placebos.Select(c => c.Indexed(index)).ToList();
        var random = new Random(seed);
        var weights = new double[teams.Count];
        var draws = new List<double>(resamples);
        var preDraws = new List<double>(resamples);
        for (var r = 0; r < resamples; r++)
        {
            for (var i = 0; i < weights.Length; i++)
            {
                // Exp(1) by inversion; 1 − NextDouble() is in (0, 1], so the weight is finite and positive.
                weights[i] = -Math.Log(1 - random.NextDouble());
            }
            if (Weighted(indexedEffects, weights) is { } draw)
            {
                draws.Add(draw);
            }
            if (Weighted(indexedPlacebos, weights) is { } placebo)
            {
                preDraws.Add(placebo);
            }
        }
        var preEnough = placebos.Count >= minimumAdopters;
        var (lower, upper) = Interval(estimate!.Value, draws, level, effects.Count);
        var (preLower, preUpper) = preEnough ? Interval(preTrend!.Value, preDraws, level, placebos.Count) : (null, null);
        return new DidResult(
            estimate,
            lower,
            upper,
            preTrend,
            preLower,
            preUpper,
            effects.Count,
            placebos.Count,
            controlTeams,
            resamples,
            draws.Count,
            false,
            results);
    }

    /// <summary>
    /// The percentile interval of the resampled estimates, widened about the estimate for few adopters (G): each side's
    /// distance from the estimate × √(G / (G − 1)) × t(G − 1) / z, the small-sample factor of a cluster-robust interval
    /// with G clusters (1.34 for G = 6, 1.12 for G = 20, → 1 as G grows). Without it the percentile interval over a
    /// handful of teams covers a known effect in about 80% of generated organisations instead of 90% (docs/benchmarks.md).
    /// </summary>
    internal static (double? Lower, double? Upper) Interval(double estimate, IReadOnlyList<double> draws, double level, int adopters)
    {
        var low = Quantiles.Interpolated(draws, (1 - level) / 2);
        var high = Quantiles.Interpolated(draws, (1 + level) / 2);
        if (low is null || high is null)
        {
            return (null, null);
        }
        var factor = SmallSampleFactor(adopters, level);
        return (estimate - (factor * (estimate - low.Value)), estimate + (factor * (high.Value - estimate)));
    }

    /// <summary>√(G / (G − 1)) × t(G − 1) / z at the two-sided level; G ≥ 2.</summary>
    public static double SmallSampleFactor(int adopters, double level)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(adopters, 2);
        var z = NormalQuantile((1 + level) / 2);
        return Math.Sqrt(adopters / (adopters - 1.0)) * StudentQuantile(z, adopters - 1) / z;
    }

    /// <summary>The standard normal quantile (Acklam's rational approximation, relative error below 1.2e-9).</summary>
    internal static double NormalQuantile(double p)
    {
        double[] a = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
        double[] b = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
        double[] c = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
        double[] d = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
        if (p < 0.02425)
        {
            var q = Math.Sqrt(-2 * Math.Log(p));
            return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
        }
        if (p > 1 - 0.02425)
        {
            return -NormalQuantile(1 - p);
        }
        var r = p - 0.5;
        var s = r * r;
        return (((((a[0] * s + a[1]) * s + a[2]) * s + a[3]) * s + a[4]) * s + a[5]) * r / (((((b[0] * s + b[1]) * s + b[2]) * s + b[3]) * s + b[4]) * s + 1);
    }

    /// <summary>Student's t quantile with ν degrees of freedom from the normal one (Cornish–Fisher; within 0.5% of the exact value from ν = 3 at the 95% point).</summary>
    internal static double StudentQuantile(double z, int nu)
    {
        double z2 = z * z, z3 = z2 * z, z5 = z3 * z2, z7 = z5 * z2, z9 = z7 * z2;
        return z + ((z3 + z) / (4.0 * nu)) + ((5 * z5 + 16 * z3 + 3 * z) / (96.0 * nu * nu))
               + ((3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384.0 * nu * nu * nu))
               + ((79 * z9 + 776 * z7 + 1482 * z5 - 1920 * z3 - 945 * z) / (92160.0 * nu * nu * nu * nu));
    }

    /// <summary>
    /// A key's value on the estimator's scale: relative keys (deployments a month, lead time, recovery time) as their
    /// natural logarithm, so an effect is a log ratio and −30% reads the same for a fast and a slow team; the change
    /// failure rate as it is (an effect in percentage points). A relative key of 0 or less has no logarithm: no sample.
    /// </summary>
    public static double? Scaled(RoiKey key, double? value) => value switch
    {
        null => null,
        { } v when Relative(key) => v > 0 ? Math.Log(v) : null,
        { } v => v,
    };

    /// <summary>An estimate on the estimator's scale as reported: a relative change (exp(x) − 1, −0.3 = −30%) or the difference itself.</summary>
    public static double? Reported(RoiKey key, double? value) => value is { } v && Relative(key) ? Math.Exp(v) - 1 : value;

    /// <summary>A reported effect in words and figures: "−30.0%" for a relative key, "+2.5 percentage points" for the failure rate, "—" for none.</summary>
    public static string Describe(RoiKey key, double? reported) => reported is not { } value
        ? "—"
        : (value * 100).ToString("+0.0;−0.0;0.0", System.Globalization.CultureInfo.InvariantCulture) + (Relative(key) ? "%" : " percentage points");

    /// <summary>Whether the key's effect is relative (a ratio) rather than a difference.</summary>
    public static bool Relative(RoiKey key) => key != RoiKey.ChangeFailureRate;

    private sealed record Stacked(string Team, double Change, IReadOnlyList<(string Team, double Change)> Controls)
    {
        public double ControlMean => Controls.Average(c => c.Change);

        public double Effect => Change - ControlMean;

        /// <summary>The same comparison with each team as its slot in the resample's weights.</summary>
        public IndexedStack Indexed(Dictionary<string, int> index) =>
            new(index[Team], Change, Controls.Select(c => index[c.Team]).ToArray(), Controls.Select(c => c.Change).ToArray());
    }

    /// <summary>A comparison as the bootstrap reads it: the adopter's and each control's weight slot, and their changes.</summary>
    private sealed record IndexedStack(int Team, double Change, int[] Controls, double[] ControlChanges);

    private static Stacked? Comparison(DidStack stack, Func<DidObservation, double?> from, Func<DidObservation, double?> to)
    {
        if (Change(from(stack.Adopter), to(stack.Adopter)) is not { } change)
        {
            return null;
        }
        var controls = stack.Controls.Select(c => (c.Team, Change: Change(from(c), to(c)))).Where(c => c.Change is not null).Select(c => (c.Team, c.Change!.Value)).ToList();
        return controls.Count == 0 ? null : new Stacked(stack.Adopter.Team, change, controls);
    }

    /// <summary>The mean change of the controls with a sample in both windows, whether or not the adopter has one.</summary>
    private static double? ControlMean(DidStack stack)
    {
        var changes = stack.Controls.Select(c => Change(c.Before, c.After)).Where(c => c is not null).Select(c => c!.Value).ToList();
        return changes.Count == 0 ? null : changes.Average();
    }

    private static double? Weighted(List<IndexedStack> stacks, double[] weights)
    {
        if (stacks.Count == 0)
        {
            return null;
        }
        double sum = 0, total = 0;
        foreach (var stack in stacks)
        {
            double control = 0, controlWeight = 0;
            var controls = stack.Controls;
            var changes = stack.ControlChanges;
            for (var i = 0; i < controls.Length; i++)
            {
                var w = weights[controls[i]];
                control += w * changes[i];
                controlWeight += w;
            }
            var adopterWeight = weights[stack.Team];
            sum += adopterWeight * (stack.Change - (control / controlWeight));
            total += adopterWeight;
        }
        var value = sum / total;
        return double.IsFinite(value) ? value : null;
    }

    private static double? Change(double? before, double? after) => before is { } b && after is { } a ? a - b : null;
}
