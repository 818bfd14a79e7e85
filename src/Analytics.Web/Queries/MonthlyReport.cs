using Analytics.Core.Calendar;
using System.Globalization;
using System.Text;
using Analytics.Core.Dora;
using Analytics.Storage.Catalog;
using Analytics.Storage.Metrics;
using Analytics.Web.Dashboards;
using Analytics.Web.Utils;
using Microsoft.Extensions.Options;

namespace Analytics.Web.Queries;

/// <summary>
/// The one-page monthly leadership report: the organisation's keys for the month with tier and change against the
/// previous month, teams per tier, the platform's payoff (ROI, self-service, NPS, waiting time avoided and effort saved) for the month, and the
/// twelve months up to it as charts. Built from the dashboard query layer and exported with <see cref="PanelExports"/>.
/// </summary>
/// <param name="Figures">The month: keys, teams, tiers and the self-service ratio.</param>
/// <param name="Trend">The twelve months ending with the month: the series charts, golden-path ROI with waiting time avoided and effort saved, and developer NPS
/// (surveys are quarterly and adoption effects need months before and after, so one month alone would mostly show no sample).</param>
/// <param name="Previous">The organisation's keys for the month before (its bucket of the trend's monthly series).</param>
public sealed record MonthlyReport(DateOnly Month, DashboardData Figures, DashboardData Trend, KeyValues Previous)
{
    public DoraSummary Organisation => Figures.Summary!;

    /// <summary>The month is not over yet: its keys cover part of it (docs/metrics.md, "Partial periods").</summary>
    public bool Partial { get; init; }

    /// <summary>The month's figures by service and by repository (docs/metrics.md, "Breakdown by team, service or repository"): services.csv, repositories.csv;
    /// empty when loaded without them (the page, which only links those files).</summary>
    public IReadOnlyDictionary<DoraBreakdown, DoraResult> Breakdowns { get; init; } = new Dictionary<DoraBreakdown, DoraResult>();

    /// <summary>The annotations touching the month, the organisation's and every team's, by first day: listed in the report.</summary>
    public IReadOnlyList<AnnotationEntry> Annotations { get; init; } = [];

    public IReadOnlyList<PanelDefinition> Panels => [.. Figures.Definition.Panels, .. Trend.Definition.Panels];

    /// <summary>The figures a panel of the report is drawn from: the month's, or the twelve months'.</summary>
    public DashboardData DataFor(PanelDefinition panel) => Trend.Definition.Panels.Contains(panel) ? Trend : Figures;

    /// <summary>Each key this month beside the month before.</summary>
    public IReadOnlyList<MonthlyKey> Keys => MonthlyKey.Compare(Organisation, Previous);

    /// <summary>
    /// The month from ?month=yyyy-MM (or --month); else the last whole month before today, today being the
    /// organisation's (<paramref name="months"/>: months cut in Analytics:Metrics:TimeZone, like every figure).
    /// </summary>
    public static DateOnly MonthOf(string? written, TimeProvider clock, MonthGrid months)
    {
        if (DateOnly.TryParseExact(written, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out var month))
        {
            return month;
        }
        return months.MonthOf(clock.GetUtcNow()).AddMonths(-1);
    }

    internal static readonly DashboardDefinition MonthDefinition = new("monthly-report", "Monthly leadership report", "leadership (monthly review)", 31, false,
    [
        Panel("keys", "Organisation DORA keys", PanelKinds.DoraKeys),
        Panel("tiers", "Teams per tier", PanelKinds.TierDistribution),
        Panel("self-service", "Self-service ratio", PanelKinds.SelfService),
        Panel("teams", "Teams", PanelKinds.TeamsTable),
    ]);

    internal static readonly DashboardDefinition TrendDefinition = MonthDefinition with
    {
        Panels =
        [
            Series("deployments", "Production deployments by month", "deployments", "column"),
            Series("lead-time", "Lead time for changes, median hours by month", "lead_time_median_hours", "line"),
            Series("change-failure-rate", "Change failure rate, % by month", "change_failure_rate", "line"),
            Series("recovery", "Time to restore service (incident start to resolution), median hours by month", "recovery_median_hours", "line"),
            Panel("roi", "Is the platform paying off? Golden path before vs after, waiting time avoided and effort saved", PanelKinds.Roi),
            Panel("satisfaction", "Developer NPS", PanelKinds.Satisfaction),
        ],
    };

    private static PanelDefinition Panel(string id, string title, string kind) => new(id, title, kind, null, Granularity.Month, "column", null);

    private static PanelDefinition Series(string id, string title, string metric, string chart) => new(id, title, PanelKinds.DoraSeries, metric, Granularity.Month, chart, null);
}

/// <summary>The four keys' values over one period, as <see cref="MonthlyKey"/> compares them.</summary>
/// <param name="ChangeFailureRate">A share (0.25 = 25%).</param>
public sealed record KeyValues(double DeploymentsPerDay, double? LeadTimeHours, double? ChangeFailureRate, double? RecoveryHours)
{
    public static KeyValues Of(DoraSummary summary) => new(summary.DeploymentFrequency.DeploymentsPerDay, summary.LeadTime.Median?.TotalHours,
        summary.ChangeFailureRate.Rate, summary.RecoveryTime.Median?.TotalHours);

    /// <summary>
    /// The same values from one whole bucket [<paramref name="from"/>, <paramref name="to"/>) of dora/series.sql, which
    /// takes each sample by the figures' own definitions (deployments and changes by deployment finish, incidents by
    /// resolution, as dora/recovery_time.sql); deployments a day divided as dora/deployment_frequency.sql divides them, by
    /// the period's length in days of 24 hours, at least one. Equal to <see cref="Of(DoraSummary)"/> over that period for
    /// every month, team and zone (MonthlyPreviousKeysTests).
    /// </summary>
    public static KeyValues Of(DoraSeriesPoint point, DateTimeOffset from, DateTimeOffset to) =>
        new(point.Deployments / Math.Max((to - from).TotalMilliseconds / 86_400_000.0, 1), point.LeadTimeMedian?.TotalHours,
            point.ChangeFailureRate, point.RecoveryMedian?.TotalHours);
}

/// <param name="HigherIsBetter">Which way the change reads as an improvement (deployments up; the others down).</param>
/// <remarks>Also a week against the week before, in the teams' weekly digest (Delivery/TeamDigests).</remarks>
public sealed record MonthlyKey(string Id, string Name, double? Value, double? Previous, bool HigherIsBetter, DoraTier? Tier, long N)
{
    /// <summary>The four keys of <paramref name="current"/> beside those of <paramref name="previous"/>, tiered as <paramref name="current"/> is.</summary>
    public static IReadOnlyList<MonthlyKey> Compare(DoraSummary current, DoraSummary previous) => Compare(current, KeyValues.Of(previous));

    /// <summary>The four keys of <paramref name="current"/> beside <paramref name="previous"/>, tiered as <paramref name="current"/> is.</summary>
    public static IReadOnlyList<MonthlyKey> Compare(DoraSummary current, KeyValues previous)
    {
        var now = KeyValues.Of(current);
        return
        [
            new("deployment-frequency", "Deployments per day", now.DeploymentsPerDay, previous.DeploymentsPerDay,
                true, current.DeploymentFrequency.Tier, current.DeploymentFrequency.Deployments),
            new("lead-time", "Lead time, median hours", now.LeadTimeHours, previous.LeadTimeHours, false, current.LeadTime.Tier, current.LeadTime.Changes),
            new("change-failure-rate", "Change failure rate, %", now.ChangeFailureRate * 100, previous.ChangeFailureRate * 100,
                false, current.ChangeFailureRate.Tier, current.ChangeFailureRate.Deployments),
            new("recovery-time", "Recovery time, median hours", now.RecoveryHours, previous.RecoveryHours, false, current.RecoveryTime.Tier, current.RecoveryTime.Resolved),
        ];
    }

    public double? Change => Value - Previous;

    /// <summary>The trend in words, never by colour or arrow alone.</summary>
    public string Trend => Change switch
    {
        null => "no comparison",
        0 => "unchanged",
        > 0 => HigherIsBetter ? "better" : "worse",
        _ => HigherIsBetter ? "worse" : "better",
    };
}

/// <summary>Loads the report for a month, its months cut at local midnight in the organisation's time zone (Analytics:Metrics:TimeZone).</summary>
public sealed class MonthlyReportQueries(DashboardQueries dashboards, DoraQueries dora, CatalogNotes notes, TimeProvider clock, IOptions<MetricOptions> options)
{
    private readonly MonthGrid _months = new(options.Value.TimeZone);

    /// <summary>The month ?month= or --month names; else the organisation's last whole month (<see cref="MonthlyReport.MonthOf"/>).</summary>
    public DateOnly MonthOf(string? written) => MonthlyReport.MonthOf(written, clock, _months);

    /// <summary>The instant <paramref name="month"/> starts: local midnight of its first day in the organisation's zone.</summary>
    public DateTimeOffset Start(DateOnly month) => _months.Start(month);

    /// <param name="breakdowns">Also the month's figures by service and by repository (<see cref="MonthlyReport.Breakdowns"/>:
    /// two more full sets of queries), which only their own files show; without them those files cannot be written.</param>
    public async Task<MonthlyReport> LoadAsync(DateOnly month, DoraTierTable tiers, CancellationToken cancellationToken = default, bool breakdowns = true)
    {
        var from = Start(month);
        var to = Start(month.AddMonths(1));
        // The report compares the month with the previous calendar month itself (Keys), never draws key cards: no key trends.
        var figures = await dashboards.LoadAsync(MonthlyReport.MonthDefinition, new DoraRequest(from, to), cancellationToken, tiers: tiers, keyTrends: false);
        var trend = await dashboards.LoadAsync(MonthlyReport.TrendDefinition, new DoraRequest(Start(month.AddMonths(-11)), to), cancellationToken, tiers: tiers);
        // The month before is a whole bucket of the trend's monthly series: the same figures without another set of queries.
        var previous = KeyValues.Of(trend.SeriesFor(Granularity.Month).Single(point => point.Bucket == month.AddMonths(-1)), Start(month.AddMonths(-1)), from);
        var byBreakdown = new Dictionary<DoraBreakdown, DoraResult>();
        foreach (var by in breakdowns ? MonthlyReportFiles.Breakdowns.Keys : [])
        {
            byBreakdown[by] = (await dora.SummariesAsync(new DoraRequest(from, to) { By = by }, cancellationToken)).WithTiers(tiers);
        }
        var last = month.AddMonths(1).AddDays(-1);
        return new MonthlyReport(month, figures, trend, previous)
        {
            Partial = to > clock.GetUtcNow(),
            Breakdowns = byBreakdown,
            Annotations = [.. (await notes.AllAsync(cancellationToken: cancellationToken)).Where(a => a.Overlaps(month, last)).OrderBy(a => a.From).ThenBy(a => a.Id)],
        };
    }
}

/// <summary>The report as files: each series chart as PNG and SVG, each table as CSV — what the page links and the CLI writes.</summary>
public static class MonthlyReportFiles
{
    public const string KeysFile = "keys-trend.csv";

    /// <summary>The month's figures per service and per repository, one CSV each (rows as /api/dora/breakdown's CSV).</summary>
    public static readonly IReadOnlyDictionary<DoraBreakdown, string> Breakdowns = new Dictionary<DoraBreakdown, string>
    {
        [DoraBreakdown.Service] = "services.csv",
        [DoraBreakdown.Repository] = "repositories.csv",
    };

    /// <summary>The names of every file of the report (e.g. keys-trend.csv, lead-time.svg, tiers.csv, services.csv).</summary>
    public static IReadOnlyList<string> Names(MonthlyReport report) =>
        [KeysFile, .. report.Panels.SelectMany(panel => PanelExports.Extensions(panel).Select(extension => $"{panel.Id}.{extension}")), .. Breakdowns.Values];

    /// <summary>The name a file is downloaded or attached under: leadership-2026-10-keys-trend.csv.</summary>
    public static string DownloadName(MonthlyReport report, string name) => $"leadership-{report.Month:yyyy-MM}-{name}";

    /// <summary>The file named <paramref name="name"/>, drawn or written now; null when the report has none by that name.</summary>
    public static (byte[] Content, string ContentType)? Find(MonthlyReport report, string name)
    {
        if (name == KeysFile)
        {
            return (Encoding.UTF8.GetBytes(KeysCsv(report)), "text/csv");
        }
        if (Breakdowns.FirstOrDefault(pair => pair.Value == name) is { Value: not null } breakdown)
        {
            var result = report.Breakdowns.GetValueOrDefault(breakdown.Key)
                ?? throw new InvalidOperationException($"The report was loaded without its breakdowns, so it cannot write {name}.");
            var csv = new StringWriter();
            DoraCsv.Write(result.Teams.Prepend(result.Organisation).ToList(), csv, breakdown.Key);
            return (Encoding.UTF8.GetBytes(csv.ToString()), "text/csv");
        }
        var panel = report.Panels.FirstOrDefault(p => p.Id == Path.GetFileNameWithoutExtension(name));
        return panel is null ? null : PanelExports.Export(report.DataFor(panel), panel, Path.GetExtension(name).TrimStart('.'));
    }

    private static string KeysCsv(MonthlyReport report)
    {
        var csv = new StringBuilder("month,key,value,previous_month_value,change,trend,tier,tiers_year,n,partial\n");
        foreach (var key in report.Keys)
        {
            csv.Append(CultureInfo.InvariantCulture,
                $"{report.Month:yyyy-MM},{key.Id},{key.Value},{key.Previous},{key.Change},{key.Trend},{key.Tier},{report.Organisation.TiersYear},{key.N},{(report.Partial ? "true" : "false")}\n");
        }
        return csv.ToString();
    }
}
