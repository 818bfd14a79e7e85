using System.Diagnostics;
using Analytics.Core.Dora;
using Analytics.Core.Space;
using Analytics.Storage.ClickHouse;
using Analytics.Storage.ClickHouse.Embedded;
using Analytics.Storage.Metrics;
using Microsoft.Extensions.Options;

namespace Analytics.Simulators.Roi;

/// <summary>How the ROI estimator did on one key over many organisations with a known effect.</summary>
/// <param name="TrueEffect">The injected effect, as the ROI reports it (relative change, or percentage points as a fraction).</param>
/// <param name="WithInterval">Organisations where the key had an interval (enough adopters).</param>
/// <param name="Covered">Of those, how many intervals contained the true effect.</param>
/// <param name="MeanEstimate">Mean of the point estimates, on the estimator's scale turned back into the reported one (exp of the mean log ratio − 1 for relative keys).</param>
/// <param name="StandardError">Standard error of that mean, on the estimator's scale.</param>
/// <param name="MeanPreTrend">Mean pre-trend, reported scale: near 0 as the generator has parallel trends.</param>
public sealed record RoiCoverageKey(RoiKey Key, double TrueEffect, int WithInterval, int Covered, int Estimated, double MeanEstimate, double StandardError, double MeanPreTrend)
{
    public double Coverage => WithInterval == 0 ? double.NaN : Covered / (double)WithInterval;
}

/// <summary>The coverage study's result: per key, over <see cref="Organisations"/> organisations generated with <see cref="Effect"/>.</summary>
public sealed record RoiCoverageReport(int Organisations, GoldenPathEffect Effect, int Teams, int Months, int RoiMonths, int Resamples, double MeanAdopters, IReadOnlyList<RoiCoverageKey> Keys, TimeSpan Elapsed);

/// <summary>
/// The ROI coverage study (docs/benchmarks.md, "ROI coverage"): generates organisations with a known effect
/// (<see cref="KnownEffectOrganisation"/>, seeds firstSeed, firstSeed + 1, …), loads each into a fresh migrated embedded
/// database, computes the ROI through <see cref="RoiQueries"/> exactly as the app does, and counts how often the 90%
/// interval contains the true effect, and where the estimates are centred.
/// </summary>
public static class RoiCoverageStudy
{
    public static async Task<RoiCoverageReport> RunAsync(
        string dataPath, int organisations, GoldenPathEffect effect, int firstSeed = 1, int teams = 14, int months = 12, int roiMonths = 2, int resamples = 1000,
        IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var results = new List<(KnownEffectOrganisation Organisation, RoiResult Result)>();
        for (var i = 0; i < organisations; i++)
        {
            var organisation = new KnownEffectOrganisation(firstSeed + i, effect, teams, months, roiMonths);
            results.Add((organisation, await RoiAsync(dataPath, organisation, resamples, cancellationToken)));
            if ((i + 1) % 10 == 0)
            {
                progress?.Report($"{i + 1} of {organisations} organisations ({clock.Elapsed.TotalSeconds:0} s)");
            }
        }
        var keys = Enum.GetValues<RoiKey>().Select(key =>
        {
            var truth = TrueEffect(key, effect);
            var estimates = results.Select(r => r.Result.Dora.Single(e => e.Key == key)).Where(e => e.Estimate is not null).ToList();
            var withInterval = estimates.Where(e => !e.TooFewTeams).ToList();
            var scaled = estimates.Select(e => Scaled(key, e.Estimate!.Value)).ToList();
            var mean = scaled.Count == 0 ? double.NaN : scaled.Average();
            var sd = scaled.Count < 2 ? double.NaN : Math.Sqrt(scaled.Sum(x => (x - mean) * (x - mean)) / (scaled.Count - 1));
            var pre = estimates.Where(e => e.PreTrend is not null).Select(e => Scaled(key, e.PreTrend!.Value)).ToList();
            return new RoiCoverageKey(key, truth, withInterval.Count, withInterval.Count(e => e.Lower <= truth && truth <= e.Upper), estimates.Count,
                StackedDifferenceInDifferences.Reported(key, mean)!.Value, sd / Math.Sqrt(scaled.Count),
                pre.Count == 0 ? double.NaN : StackedDifferenceInDifferences.Reported(key, pre.Average())!.Value);
        }).ToList();
        var adopters = results.Average(r => r.Result.Dora.Single(e => e.Key == RoiKey.DeploymentsPerMonth).Adopters);
        return new RoiCoverageReport(organisations, effect, teams, months, roiMonths, resamples, adopters, keys, clock.Elapsed);
    }

    /// <summary>The ROI of one generated organisation, through a fresh migrated database and the app's queries (UTC months).</summary>
    public static async Task<RoiResult> RoiAsync(string dataPath, KnownEffectOrganisation organisation, int resamples, CancellationToken cancellationToken = default)
    {
        var sqlFiles = new SqlFiles();
        await using var store = new DerivedTablesStore(await ChDbStore.OpenAsync(dataPath, $"roi_{Guid.NewGuid():N}", cancellationToken), sqlFiles);
        await new MigrationRunner(store, sqlFiles).MigrateAsync(cancellationToken);
        foreach (var (table, columns, rows) in organisation.Tables())
        {
            await store.InsertAsync(table, columns, rows, cancellationToken);
        }
        var options = Options.Create(new MetricOptions { TimeZone = "UTC" });
        var space = Options.Create(new SpaceOptions { RoiMonths = organisation.RoiMonths, BootstrapResamples = resamples, BootstrapSeed = organisation.Seed });
        var roi = new RoiQueries(store, sqlFiles, options, space, new DoraQueries(store, sqlFiles, options));
        return await roi.RoiAsync(new RoiRequest(new DateTimeOffset(organisation.Start), new DateTimeOffset(organisation.End), organisation.RoiMonths), cancellationToken);
    }

    /// <summary>The injected effect as the ROI reports the key: the relative change itself, or the failure rate's difference.</summary>
    public static double TrueEffect(RoiKey key, GoldenPathEffect effect) => key switch
    {
        RoiKey.DeploymentsPerMonth => effect.Deployments,
        RoiKey.LeadTimeHours => effect.LeadTime,
        RoiKey.ChangeFailureRate => effect.ChangeFailureRate,
        RoiKey.RecoveryHours => effect.Recovery,
        _ => throw new ArgumentOutOfRangeException(nameof(key), key, null),
    };

    private static double Scaled(RoiKey key, double reported) => StackedDifferenceInDifferences.Relative(key) ? Math.Log(1 + reported) : reported;
}
