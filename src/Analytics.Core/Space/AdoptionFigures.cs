using Analytics.Core.Calendar;

namespace Analytics.Core.Space;

/// <summary>
/// Golden-path adoption of a team (Team "" = the organisation) over a period or one month of it (Month null = the
/// whole period): active services (at least one production deployment in the period; the team is the owner at the
/// service's last one) and which template each was on at the end of the period.
/// </summary>
public sealed record GoldenPathFigure(string Team, DateOnly? Month, long ActiveServices, long GoldenPathServices, IReadOnlyList<TemplateShare> Templates)
{
    /// <summary>Active services on a golden-path template ÷ active services; null without active services.</summary>
    public double? Rate => ActiveServices == 0 ? null : GoldenPathServices / (double)ActiveServices;

    public bool LowConfidence { get; init; }

    /// <summary>A month cut by the period or not over yet (<see cref="Calendar.PartialBuckets"/>); false for the whole period.</summary>
    public bool Partial { get; init; }

    /// <summary>The month's days with time in the period and over; 0 for the whole period.</summary>
    public int DaysInPeriod { get; init; }

    /// <summary>The month's length in days; 0 for the whole period.</summary>
    public int Days { get; init; }
}

/// <summary>How many of a group's active services were on one template (services on no template are not listed).</summary>
public sealed record TemplateShare(string Template, bool IsGoldenPath, long Services, double Share);

/// <summary>Where a service stands against its template's latest version, at one instant.</summary>
public enum VersionStatus
{
    /// <summary>On the latest version (or above it).</summary>
    Latest,

    /// <summary>Same major and minor, an older patch.</summary>
    PatchBehind,

    MinorBehind,

    MajorBehind,

    /// <summary>The version or the latest version is not a semantic version.</summary>
    Unknown,
}

/// <summary>One service on a template at the instant asked about, with how far behind the latest version it is.</summary>
/// <param name="MajorsBehind">Latest major − current major, when a major behind; else 0 (null when unknown).</param>
/// <param name="MinorsBehind">Latest minor − current minor when on the same major; null when a major behind or unknown.</param>
public sealed record ServiceTemplateVersion(
    string Service, string Team, string Template, string Version, string LatestVersion, VersionStatus Status, int? MajorsBehind, int? MinorsBehind);

/// <summary>
/// Template version currency of a team (Team "" = the organisation) on one template (Template "" = every template):
/// services on the latest version, and how far behind the rest are.
/// </summary>
public sealed record TemplateCurrencyFigure(
    string Team, string Template, long Services, long Latest, long PatchBehind, long MinorBehind, long MajorBehind, long Unknown, IReadOnlyList<VersionLag> Lags)
{
    /// <summary>Services on the latest version ÷ services whose version could be read.</summary>
    public double? LatestShare => Services - Unknown == 0 ? null : Latest / (double)(Services - Unknown);
}

/// <summary>How many services are MajorsBehind majors (or, on the latest major, MinorsBehind minors) behind.</summary>
public sealed record VersionLag(int MajorsBehind, int MinorsBehind, long Services);

/// <summary>Fulfilment of one channel's requests fulfilled in the period.</summary>
/// <param name="Fulfilled">Requests fulfilled in the period (the sample).</param>
/// <param name="Median">Median of fulfilled − requested; null without a sample.</param>
/// <param name="Negative">Fulfilled before requested (a data error): left out of the median and counted.</param>
public sealed record ChannelFulfilment(long Fulfilled, TimeSpan? Median, long Negative)
{
    public bool LowConfidence { get; init; }
}

/// <summary>
/// Self-service of a team (Team "" = the organisation) over the requests fulfilled in the period:
/// self-service ratio = requests fulfilled by self-service ÷ all fulfilled requests, and the median fulfilment time of each channel.
/// </summary>
public sealed record SelfServiceFigure(string Team, long Fulfilled, long SelfServiceFulfilled, ChannelFulfilment SelfService, ChannelFulfilment Ticket)
{
    public double? SelfServiceRatio => Fulfilled == 0 ? null : SelfServiceFulfilled / (double)Fulfilled;

    /// <summary>Self-service requests that failed in the period (a failed scaffolder task): never fulfilled, so in no ratio or median above.</summary>
    public long SelfServiceFailed { get; init; }

    /// <summary>Self-service fulfilled ÷ (fulfilled + failed) in the period; null with neither. Cancelled requests are neither.</summary>
    public double? SelfServiceSuccessRate => SelfServiceFulfilled + SelfServiceFailed == 0 ? null : SelfServiceFulfilled / (double)(SelfServiceFulfilled + SelfServiceFailed);

    public bool LowConfidence { get; init; }
}

/// <summary>
/// Time to first deploy of the engineers who joined the organisation in the period (their first membership starts
/// in it; the team is the one they joined): from joining to the first production deployment that shipped one of
/// their commits (by git email), counting deployments that finished before the end of the period.
/// </summary>
/// <param name="Joiners">Engineers who joined in the period.</param>
/// <param name="Deployed">Of them, those whose change reached production by the end of the period (the sample).</param>
/// <param name="NotYetDeployed">Joiners with no change in production by the end of the period.</param>
public sealed record FirstDeployFigure(string Team, long Joiners, long Deployed, TimeSpan? Median, long NotYetDeployed)
{
    public bool LowConfidence { get; init; }
}
