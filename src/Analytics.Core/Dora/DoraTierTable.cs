using System.Text.Json;
using System.Text.Json.Serialization;

namespace Analytics.Core.Dora;

/// <summary>Where a tier table comes from: the report, the section and page of its table, and where to read it.</summary>
public sealed record DoraTierSource(string Report, string Publisher, string Section, string Page, string Url);

/// <summary>
/// One tier of one key as published: the report's wording, and the worst value the band allows as this product reads it
/// (<see cref="AtLeast"/> a deployment cadence, <see cref="Under"/> a duration, <see cref="AtMost"/> a rate). Low has no bound.
/// </summary>
public sealed record DoraTierBand(string Published, DeploymentCadence? AtLeast = null, TimeSpan? Under = null, double? AtMost = null);

/// <summary>A key's four published bands.</summary>
public sealed record DoraKeyBands(DoraTierBand Elite, DoraTierBand High, DoraTierBand Medium, DoraTierBand Low)
{
    /// <summary>The bounded tiers, best first; Low is what none of them takes.</summary>
    internal IEnumerable<(DoraTier Tier, DoraTierBand Band)> BoundedBestFirst() =>
        [(DoraTier.Elite, Elite), (DoraTier.High, High), (DoraTier.Medium, Medium)];
}

/// <summary>What a year's recovery-time bands grade: DORA changed the fourth key's definition in 2023.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RecoveryMeasure>))]
public enum RecoveryMeasure
{
    /// <summary>Incident started → resolved ("time to restore service", 2021 and before).</summary>
    [JsonStringEnumMemberName("timeToRestoreService")] TimeToRestoreService,

    /// <summary>Failed deployment → the deployment that restored it ("failed deployment recovery time", 2023 on).</summary>
    [JsonStringEnumMemberName("failedDeploymentRecoveryTime")] FailedDeploymentRecoveryTime,
}

/// <summary>How often a team deploys, as the published deployment-frequency bands name it, best first.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<DeploymentCadence>))]
public enum DeploymentCadence
{
    /// <summary>Median of 3 or more deployment days a week (Four Keys' reading of "on demand, multiple deploys per day").</summary>
    [JsonStringEnumMemberName("daily")] Daily,

    /// <summary>Median of 1 or more deployment days a week.</summary>
    [JsonStringEnumMemberName("weekly")] Weekly,

    /// <summary>1 or more production deployments a month on average over the window.</summary>
    [JsonStringEnumMemberName("monthly")] Monthly,

    /// <summary>1 or more production deployments every six months on average over the window.</summary>
    [JsonStringEnumMemberName("half-yearly")] HalfYearly,
}

/// <summary>
/// The DORA tiers of one benchmark year, as data (Dora/Data/dora-tiers.json), and the one rule that classifies a value
/// with them, whatever the shape of the year's bands (gaps, overlaps, out-of-order clusters):
/// <b>a value takes the best tier whose band's worst bound it meets; a value no bounded tier takes is Low.</b>
/// So a value in a gap between two bands takes the worse band's tier (a tier is earned in full); a value in two
/// overlapping bands takes the better one; a tier whose bound is no worse than a better tier's is never reached
/// (2024's Medium change failure rate, 10%, is better than High's 20%: a rate of 10% is High).
/// Durations are under their bound (exclusive), rates at most theirs (inclusive), cadences at least theirs.
/// </summary>
public sealed record DoraTierTable(
    int Year,
    DoraTierSource Source,
    DoraKeyBands DeploymentFrequency,
    DoraKeyBands LeadTime,
    DoraKeyBands ChangeFailureRate,
    DoraKeyBands RecoveryTime,
    RecoveryMeasure RecoveryTimeGrades)
{
    /// <summary>
    /// The cadence a team reached: null when it deployed less than every six months (or never). Without a whole week in
    /// the window (median null, "no sample") daily and weekly cannot be told, so only the monthly cadences are judged.
    /// </summary>
    public static DeploymentCadence? CadenceOf(double? medianDeploymentDaysPerWeek, double deploymentsPerMonth) =>
        medianDeploymentDaysPerWeek >= 3 ? DeploymentCadence.Daily
        : medianDeploymentDaysPerWeek >= 1 ? DeploymentCadence.Weekly
        : deploymentsPerMonth >= 1 ? DeploymentCadence.Monthly
        : deploymentsPerMonth >= 1.0 / 6 ? DeploymentCadence.HalfYearly
        : null;

    /// <summary>No tier without a production deployment in the window: "no deployments" is not a performance level.</summary>
    public DoraTier? ClassifyDeploymentFrequency(double? medianDeploymentDaysPerWeek, double deploymentsPerMonth)
    {
        if (deploymentsPerMonth <= 0)
        {
            return null;
        }
        var cadence = CadenceOf(medianDeploymentDaysPerWeek, deploymentsPerMonth);
        // Cadences are ordered best first, so "at least as often as the bound" is "not later in the order".
        return Classify(DeploymentFrequency, band => cadence is { } reached && reached <= band.AtLeast);
    }

    public DoraTier ClassifyLeadTime(TimeSpan median) => Classify(LeadTime, band => median < band.Under);

    /// <param name="rate">Between 0 and 1.</param>
    public DoraTier ClassifyChangeFailureRate(double rate) => Classify(ChangeFailureRate, band => rate <= band.AtMost);

    public DoraTier ClassifyRecoveryTime(TimeSpan median) => Classify(RecoveryTime, band => median < band.Under);

    /// <summary>The summary with every tier taken from this table, and the table's year on it; figures and samples unchanged.</summary>
    public DoraSummary Apply(DoraSummary summary)
    {
        var months = Math.Max((summary.To - summary.From).TotalDays / 30.4375, 1.0 / 30.4375);
        var frequency = summary.DeploymentFrequency;
        return summary with
        {
            TiersYear = Year,
            DeploymentFrequency = frequency with
            {
                Tier = frequency.Deployments == 0 ? null : ClassifyDeploymentFrequency(frequency.MedianDeploymentDaysPerWeek, frequency.Deployments / months),
            },
            LeadTime = summary.LeadTime with { Tier = summary.LeadTime.Median is { } lead ? ClassifyLeadTime(lead) : null },
            ChangeFailureRate = summary.ChangeFailureRate with { Tier = summary.ChangeFailureRate.Rate is { } rate ? ClassifyChangeFailureRate(rate) : null },
            RecoveryTime = Grade(summary.RecoveryTime),
        };
    }

    /// <summary>
    /// Each recovery figure by the table that grades it: this one if it does, else the nearest year's that does; the
    /// fourth key is the figure this year grades.
    /// </summary>
    private RecoveryFigure Grade(RecoveryFigure recovery)
    {
        var restoreService = DoraTierTables.NearestGrading(Year, RecoveryMeasure.TimeToRestoreService);
        var failedDeployment = DoraTierTables.NearestGrading(Year, RecoveryMeasure.FailedDeploymentRecoveryTime);
        return recovery with
        {
            Tier = recovery.Median is { } median ? restoreService.ClassifyRecoveryTime(median) : null,
            TierYear = restoreService.Year,
            RestoreTier = recovery.RestoreMedian is { } restore ? failedDeployment.ClassifyRecoveryTime(restore) : null,
            RestoreTierYear = failedDeployment.Year,
            Graded = RecoveryTimeGrades,
        };
    }

    private static DoraTier Classify(DoraKeyBands bands, Func<DoraTierBand, bool> meets)
    {
        foreach (var (tier, band) in bands.BoundedBestFirst())
        {
            if (meets(band))
            {
                return tier;
            }
        }
        return DoraTier.Low;
    }
}

/// <summary>The tier tables shipped with the product, by benchmark year.</summary>
public static class DoraTierTables
{
    private const string ResourceName = "Analytics.Core.Dora.dora-tiers.json";

    private static readonly Lazy<(int Default, IReadOnlyDictionary<int, DoraTierTable> Tables)> Loaded = new(Load);

    /// <summary>The year used when configuration names none (Analytics:Metrics:TierYear).</summary>
    public static int DefaultYear => Loaded.Value.Default;

    /// <summary>Every benchmark year with a table, ascending.</summary>
    public static IReadOnlyList<int> Years => Loaded.Value.Tables.Keys.Order().ToList();

    public static DoraTierTable Default => Loaded.Value.Tables[DefaultYear];

    public static bool TryGet(int year, out DoraTierTable table) => Loaded.Value.Tables.TryGetValue(year, out table!);

    public static DoraTierTable Get(int year) => TryGet(year, out var table)
        ? table
        : throw new ArgumentOutOfRangeException(nameof(year), year, $"There is no DORA tier table for {year}; there are tables for {string.Join(", ", Years)}.");

    /// <summary>A year written by a reader (?tiers=2021, --tiers 2024): the table, or null when it names none.</summary>
    public static DoraTierTable? Parse(string? year) =>
        int.TryParse(year, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) && TryGet(value, out var table)
            ? table
            : null;

    /// <summary>
    /// The table that grades <paramref name="measure"/> nearest to <paramref name="year"/>: that year's if it grades it,
    /// else the closest year that does (the later one on a tie).
    /// </summary>
    public static DoraTierTable NearestGrading(int year, RecoveryMeasure measure) =>
        Loaded.Value.Tables.Values.Where(table => table.RecoveryTimeGrades == measure)
            .OrderBy(table => Math.Abs(table.Year - year)).ThenByDescending(table => table.Year).First();

    /// <summary>The table a reader asked for when it names one, else the configured year's.</summary>
    public static DoraTierTable Choose(string? written, int configuredYear) => Parse(written) ?? Get(configuredYear);

    private static (int, IReadOnlyDictionary<int, DoraTierTable>) Load()
    {
        using var stream = typeof(DoraTierTables).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing.");
        var file = JsonSerializer.Deserialize<TierFile>(stream, new JsonSerializerOptions(JsonSerializerDefaults.Web))
            ?? throw new InvalidOperationException($"{ResourceName} is empty.");
        var tables = file.Years.ToDictionary(table => table.Year);
        foreach (var table in tables.Values)
        {
            Check(table, "deploymentFrequency", table.DeploymentFrequency, band => band.AtLeast is not null);
            Check(table, "leadTime", table.LeadTime, band => band.Under is not null);
            Check(table, "changeFailureRate", table.ChangeFailureRate, band => band.AtMost is not null);
            Check(table, "recoveryTime", table.RecoveryTime, band => band.Under is not null);
        }
        return tables.ContainsKey(file.Default)
            ? (file.Default, tables)
            : throw new InvalidOperationException($"{ResourceName}: the default year {file.Default} has no table.");
    }

    private static void Check(DoraTierTable table, string key, DoraKeyBands bands, Func<DoraTierBand, bool> bounded)
    {
        foreach (var (tier, band) in bands.BoundedBestFirst())
        {
            if (!bounded(band))
            {
                throw new InvalidOperationException($"{ResourceName}: {table.Year} {key} {tier} has no bound of the key's kind.");
            }
        }
    }

    private sealed record TierFile(int Default, IReadOnlyList<DoraTierTable> Years);
}
