using System.Globalization;
using Analytics.Core.Calendar;
using Analytics.Core.Dora;

namespace Analytics.Web.Utils;

/// <summary>
/// Every address the app writes into a page: its pages and the API's files. Relative to the page's &lt;base href="/"&gt;,
/// with path segments and query values escaped, so one place decides how a link looks (as Aspire's Dashboard does).
/// </summary>
public static class DashboardUrls
{
    public const string OverviewBasePath = "";
    public const string TeamsBasePath = "teams";
    public const string DashboardsBasePath = "dashboards";
    public const string MonthlyReportBasePath = "reports/monthly";
    public const string AdminBasePath = "admin";
    public const string DashboardsApiBasePath = "api/dashboards";
    public const string MonthlyReportApiBasePath = "api/reports/monthly";

    /// <summary>The organisation's overview; <paramref name="query"/> is a query string as read from a URL ("?days=30" or "").</summary>
    public static string OverviewUrl(string query = "") => OverviewBasePath + query;

    /// <summary>
    /// The organisation's overview for a period, benchmark year, lead-time unit and rows (team, the default, left out of
    /// the URL; service or repository) when given: ?days=90&amp;tiers=2021&amp;by=service&amp;leadTimeUnit=pull-request.
    /// </summary>
    public static string OrganisationUrl(int? days = null, string? tiers = null, string? leadTimeUnit = null, DoraBreakdown by = DoraBreakdown.Team) =>
        Query(OverviewBasePath, ("days", days is { } d ? Number(d) : null), ("tiers", tiers), ("by", by == DoraBreakdown.Team ? null : by.Name()),
            ("leadTimeUnit", leadTimeUnit));

    /// <summary>The overview with its rows by <paramref name="by"/> (see <see cref="OrganisationUrl"/>).</summary>
    public static string OverviewUrl(int days, string? tiers, DoraBreakdown by, string? leadTimeUnit = null) => OrganisationUrl(days, tiers, leadTimeUnit, by);

    /// <summary>
    /// A team's page, for a period, benchmark year and lead-time unit when given (?days=90&amp;tiers=2021&amp;leadTimeUnit=pull-request);
    /// with <paramref name="service"/>, the service view: that one of the team's services (?service=checkout-api&amp;days=90).
    /// </summary>
    public static string TeamUrl(string team, int? days = null, string? tiers = null, string? leadTimeUnit = null, string? service = null) =>
        Query($"{TeamsBasePath}/{Segment(team)}", ("service", service), ("days", days is { } d ? Number(d) : null), ("tiers", tiers), ("leadTimeUnit", leadTimeUnit));

    /// <summary>
    /// A team's page (or service view) for the dates [from, to) instead of the last days: ?from=2026-09-07&amp;to=2026-09-14,
    /// UTC days as the page's window. What a chart point links to: the figures and rows of its bucket.
    /// </summary>
    public static string TeamPeriodUrl(string team, DateOnly from, DateOnly to, string? tiers = null, string? leadTimeUnit = null, string? service = null) =>
        Query($"{TeamsBasePath}/{Segment(team)}", ("service", service), ("from", Date(from)), ("to", Date(to)), ("tiers", tiers), ("leadTimeUnit", leadTimeUnit));

    /// <summary>
    /// The team page for one chart bucket (its first day and granularity) cut to the chart's window [windowFrom, windowTo),
    /// so a partial bucket's rows are the ones its point counts.
    /// </summary>
    public static string TeamBucketUrl(string team, DateOnly bucket, Granularity granularity, DateTimeOffset windowFrom, DateTimeOffset windowTo,
        string? tiers = null, string? leadTimeUnit = null, string? service = null)
    {
        var end = granularity switch
        {
            Granularity.Day => bucket.AddDays(1),
            Granularity.Week => bucket.AddDays(7),
            _ => bucket.AddMonths(1),
        };
        var first = DateOnly.FromDateTime(windowFrom.UtcDateTime);
        var last = DateOnly.FromDateTime(windowTo.UtcDateTime);
        return TeamPeriodUrl(team, bucket < first ? first : bucket, end > last ? last : end, tiers, leadTimeUnit, service);
    }

    /// <summary>A team's page keeping a query string as read from a URL ("?days=30" or ""), so the reader's period stays.</summary>
    public static string TeamUrlKeepingQuery(string team, string query) => $"{TeamsBasePath}/{Segment(team)}{query}";

    /// <summary>
    /// A dashboard (dashboards/&lt;name&gt;.json); a team dashboard names its team first (?team=payments&amp;days=30), then the
    /// benchmark year and lead-time unit when given (&amp;tiers=2021&amp;leadTimeUnit=pull-request).
    /// </summary>
    public static string DashboardUrl(string name, string? team = null, int? days = null, string? tiers = null, string? leadTimeUnit = null) =>
        Query($"{DashboardsBasePath}/{Segment(name)}", ("team", team), ("days", days is { } d ? Number(d) : null), ("tiers", tiers), ("leadTimeUnit", leadTimeUnit));

    /// <summary>
    /// A dashboard panel as a file: api/dashboards/leadership/panels/lead-time.png?days=365&amp;team=…&amp;tiers=…&amp;leadTimeUnit=…, the
    /// lead-time unit the page shows (null: the configured one), so the file draws what the page does.
    /// </summary>
    public static string PanelExportUrl(string dashboard, string panel, string extension, int days, string? team = null, string? tiers = null, string? leadTimeUnit = null) =>
        Query($"{DashboardsApiBasePath}/{Segment(dashboard)}/panels/{Segment(panel)}.{extension}", ("days", Number(days)), ("team", team), ("tiers", tiers),
            ("leadTimeUnit", leadTimeUnit));

    /// <summary>The monthly leadership report of a month (?month=2026-10&amp;tiers=2021); without one, the last whole month.</summary>
    public static string MonthlyReportUrl(DateOnly? month = null, string? tiers = null) =>
        Query(MonthlyReportBasePath, ("month", month is { } m ? Month(m) : null), ("tiers", tiers));

    /// <summary>One file of the monthly report (keys-trend.csv, lead-time.svg …): api/reports/monthly/lead-time.svg?month=2026-10.</summary>
    public static string MonthlyReportFileUrl(string file, DateOnly month, string? tiers = null) =>
        Query($"{MonthlyReportApiBasePath}/{Segment(file)}", ("month", Month(month)), ("tiers", tiers));

    public static string AdminUrl() => AdminBasePath;

    private static string Segment(string value) => Uri.EscapeDataString(value);

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Date(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Month(DateOnly month) => month.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    /// <summary>The path with the parameters that have a value, in the order given.</summary>
    private static string Query(string path, params (string Name, string? Value)[] parameters)
    {
        var given = parameters.Where(p => p.Value is not null).Select(p => $"{p.Name}={Uri.EscapeDataString(p.Value!)}").ToList();
        return given.Count == 0 ? path : $"{path}?{string.Join('&', given)}";
    }
}
