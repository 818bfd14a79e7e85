using System.Globalization;
using Analytics.Core.Space;
using Analytics.Simulators.Roi;

namespace Analytics.Bench;

/// <summary>The ROI coverage study as the Markdown table docs/benchmarks.md records.</summary>
internal static class RoiCoverageMarkdown
{
    public static IEnumerable<string> Lines(RoiCoverageReport withEffect, RoiCoverageReport without)
    {
        static string F(double value, string format = "0.000") => value.ToString(format, CultureInfo.InvariantCulture);
        yield return $"{withEffect.Organisations} organisations with an effect and {without.Organisations} without; {withEffect.Teams} teams, {withEffect.Months} months, N = {withEffect.RoiMonths}, " +
                     $"{withEffect.Resamples} resamples; {F(withEffect.MeanAdopters, "0.0")} adopters on average; {(withEffect.Elapsed + without.Elapsed).TotalSeconds:0} s.";
        yield return "";
        yield return "| key | injected | 90% interval covers it | mean estimate | mean pre-trend | no effect: mean estimate (± s.e., estimator's scale) | no effect: interval covers 0 |";
        yield return "|---|---:|---:|---:|---:|---:|---:|";
        foreach (var key in withEffect.Keys)
        {
            var none = without.Keys.Single(k => k.Key == key.Key);
            yield return $"| {key.Key} | {StackedDifferenceInDifferences.Describe(key.Key, key.TrueEffect)} | {key.Covered} / {key.WithInterval} = {F(key.Coverage * 100, "0.0")}% | " +
                         $"{StackedDifferenceInDifferences.Describe(key.Key, key.MeanEstimate)} | {StackedDifferenceInDifferences.Describe(key.Key, key.MeanPreTrend)} | " +
                         $"{StackedDifferenceInDifferences.Describe(key.Key, none.MeanEstimate)} (± {F(none.StandardError, "0.0000")}) | {none.Covered} / {none.WithInterval} = {F(none.Coverage * 100, "0.0")}% |";
        }
    }
}
