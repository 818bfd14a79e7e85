using System.Text.RegularExpressions;
using Analytics.Core.Dora;

namespace Analytics.Testing.Oracles;

/// <summary>
/// The DORA definitions of docs/metrics.md in plain C#, straight from the text, with no SQL and no I/O.
/// It is the independent oracle the ClickHouse queries are tested against; it favours clarity over speed.
/// </summary>
public sealed class DoraOracle(DoraHistory history, MetricOptions options)
{
    private readonly TimeZoneInfo _timeZone = TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone);

    /// <summary>Production deployments: success, finished, in an environment a rule calls production.</summary>
    public IReadOnlyList<DeploymentEvent> ProductionDeployments() =>
        history.Deployments.Where(d => d is { Status: "success", FinishedAt: not null } && IsProduction(d)).ToList();

    public string TeamOf(string service, DateTimeOffset at)
    {
        // The range that started last at or before the moment; if it has ended by then, nobody owns the service.
        var range = history.Ownership.Where(o => o.Service == service && o.ValidFrom <= at).MaxBy(o => o.ValidFrom);
        return range is null || (range.ValidTo is { } end && at >= end) ? TeamAttribution.Unassigned : range.Team;
    }

    /// <summary>Every production deployment's kind (stated, or what the data shows), by deployment id.</summary>
    public IReadOnlyDictionary<string, DeploymentKind> Kinds() => new DeploymentKindOracle(history, options).Kinds(ProductionDeployments());

    /// <summary>The repository the catalog builds <paramref name="service"/> from; "unassigned" for a service it does not know.</summary>
    public string RepositoryOf(string service) =>
        history.Services.FirstOrDefault(s => s.Service == service && s.Repository != "")?.Repository ?? TeamAttribution.Unassigned;

    /// <summary>
    /// Every team that ever owned a service, "unassigned", and the organisation under the key ""; or, by
    /// <paramref name="by"/>, every service or repository any event or the catalog names instead of the teams.
    /// </summary>
    /// <param name="severities">Incidents of these severities only count for time to restore service (none = every severity).</param>
    public IReadOnlyDictionary<string, DoraSummary> Summaries(DateTimeOffset from, DateTimeOffset to, IReadOnlyCollection<string>? severities = null,
        DoraBreakdown by = DoraBreakdown.Team)
    {
        var production = ProductionDeployments();
        var kinds = new DeploymentKindOracle(history, options).Kinds(production);
        var services = history.Ownership.Select(o => o.Service).Concat(history.Deployments.Select(d => d.Service)).Concat(history.Incidents.Select(i => i.Service))
            .Concat(history.Services.Select(s => s.Service)).Distinct().ToList();
        var units = by switch
        {
            DoraBreakdown.Service => services,
            DoraBreakdown.Repository => services.Select(RepositoryOf).Concat(history.Commits.Select(c => c.Repository)),
            _ => history.Ownership.Select(o => o.Team).Append(TeamAttribution.Unassigned),
        };
        return units.Append("").Distinct()
            .ToDictionary(unit => unit, unit => Summary(unit, by, from, to, production, kinds, severities ?? []));
    }

    /// <summary>
    /// One row's figures. An event belongs to the row of its service's team at the event's time (by team), of its
    /// service (by service), or of its service's catalog repository — a change, of the repository it was made in (by repository).
    /// </summary>
    private DoraSummary Summary(string unit, DoraBreakdown by, DateTimeOffset from, DateTimeOffset to, IReadOnlyList<DeploymentEvent> production,
        IReadOnlyDictionary<string, DeploymentKind> kinds, IReadOnlyCollection<string> severities)
    {
        bool InUnit(string service, DateTimeOffset at, string? changeRepository = null) => unit == "" || unit == by switch
        {
            DoraBreakdown.Service => service,
            DoraBreakdown.Repository => changeRepository ?? RepositoryOf(service),
            _ => TeamOf(service, at),
        };
        bool InPeriod(DateTimeOffset at) => at >= from && at < to;

        // Deployment frequency
        var deployed = production.Where(d => InPeriod(d.FinishedAt!.Value) && InUnit(d.Service, d.FinishedAt.Value)).ToList();
        var failedAttempts = history.Deployments.Count(d => d.Status is "failure" or "error" && IsProduction(d) && InPeriod(d.StartedAt) && InUnit(d.Service, d.StartedAt));
        var deploymentDays = deployed.Select(d => LocalDate(d.FinishedAt!.Value)).ToHashSet();
        var weeks = WeeksOf(from, to);
        var daysPerWeek = weeks.Select(week => (double)deploymentDays.Count(day => day >= week && day < week.AddDays(7))).ToList();
        var medianDays = Quantiles.Interpolated(daysPerWeek, 0.5);
        var months = Math.Max((to - from).TotalDays / 30.4375, 1.0 / 30.4375);
        var frequency = new DeploymentFrequencyFigure(deployed.Count, failedAttempts, deployed.Count / Math.Max((to - from).TotalDays, 1),
            medianDays, DoraTiers.DeploymentFrequency(medianDays, deployed.Count / months));

        // Lead time: each commit's first shipping production deployment. A commit a service got by its paths is a
        // change of that service (its first shipment by that service); any other link is a change of the repository.
        var productionById = production.ToDictionary(d => d.DeploymentId);
        var commits = history.Commits.ToDictionary(c => (c.Repository, c.Sha));
        var changes = history.DeploymentCommits
            .Where(link => productionById.ContainsKey(link.DeploymentId))
            .GroupBy(link => (link.Repository, link.Sha, AttributedTo: link.TouchesPaths ? productionById[link.DeploymentId].Service : ""))
            .Select(group => group.MinBy(link => productionById[link.DeploymentId].FinishedAt!.Value)!)
            .Select(link => (Link: link, Deployment: productionById[link.DeploymentId]))
            .Where(change => InPeriod(change.Deployment.FinishedAt!.Value) && InUnit(change.Deployment.Service, change.Deployment.FinishedAt.Value, change.Link.Repository))
            .Where(change => commits.ContainsKey((change.Link.Repository, change.Link.Sha)))
            .Select(change =>
            {
                var commit = commits[(change.Link.Repository, change.Link.Sha)];
                var start = options.UseAuthorTime ? commit.AuthoredAt : commit.CommittedAt;
                return (change.Link.Link, Seconds: (change.Deployment.FinishedAt!.Value - start).TotalMilliseconds / 1000.0);
            })
            .ToList();
        var valid = changes.Where(c => c.Seconds >= 0).ToList();
        var leadMedian = Seconds(Quantiles.Interpolated(valid.Select(c => c.Seconds), 0.5));
        var leadTime = new LeadTimeFigure(valid.Count, leadMedian, Seconds(Quantiles.Interpolated(valid.Select(c => c.Seconds), 0.75)),
            Seconds(Quantiles.Interpolated(valid.Select(c => c.Seconds), 0.9)), changes.Count - valid.Count,
            valid.Count == 0 ? 0 : valid.Count(c => c.Link == "inferred") / (double)valid.Count,
            leadMedian is { } lead ? DoraTiers.LeadTime(lead) : null);

        // Change failure rate
        var failed = FailedDeploymentIds(production, kinds);
        var failedCount = deployed.Count(d => failed.Contains(d.DeploymentId));
        double? rate = deployed.Count == 0 ? null : failedCount / (double)deployed.Count;
        var failure = new ChangeFailureFigure(deployed.Count, failedCount, rate, rate is { } r ? DoraTiers.ChangeFailureRate(r) : null);

        // Time to restore service: incidents of the chosen severities (all without a choice).
        var incidents = history.Incidents
            .Where(i => InUnit(i.Service, i.StartedAt) && (severities.Count == 0 || severities.Contains(i.Severity, StringComparer.OrdinalIgnoreCase)))
            .ToList();
        var resolved = incidents.Where(i => i.ResolvedAt is { } at && InPeriod(at)).ToList();
        var recoveryMedian = Seconds(Quantiles.Interpolated(resolved.Select(i => (i.ResolvedAt!.Value - i.StartedAt).TotalMilliseconds / 1000.0), 0.5));
        var open = incidents.Count(i => i.StartedAt < to && (i.ResolvedAt is null || i.ResolvedAt >= to));
        var restores = production
            .Where(d => failed.Contains(d.DeploymentId) && d.FinishedAt < to && InUnit(d.Service, d.FinishedAt!.Value))
            .Select(d => (d.Service, FailedAt: d.FinishedAt!.Value, RestoredAt: RestoringDeployment(d, production, failed)?.FinishedAt))
            .ToList();
        var restored = restores.Where(r => r.RestoredAt is { } at && InPeriod(at)).ToList();
        // A failed deployment awaits a restore only while its service still deploys: its last production deployment
        // before the end finished within the limit.
        var lastDeployed = production.Where(d => d.FinishedAt < to).GroupBy(d => d.Service).ToDictionary(g => g.Key, g => g.Max(d => d.FinishedAt!.Value));
        var restoreMedian = Seconds(Quantiles.Interpolated(restored.Select(r => (r.RestoredAt!.Value - r.FailedAt).TotalMilliseconds / 1000.0), 0.5));
        var recovery = new RecoveryFigure(resolved.Count, recoveryMedian, open, recoveryMedian is { } m ? DoraTiers.TimeToRestoreService(m) : null)
        {
            Restored = restored.Count,
            RestoreMedian = restoreMedian,
            RestoreTier = restoreMedian is { } restore ? DoraTiers.FailedDeploymentRecoveryTime(restore) : null,
            AwaitingRestore = restores.Count(r => (r.RestoredAt is null || r.RestoredAt >= to) && lastDeployed[r.Service] > to - options.AwaitingRestoreLimit),
        };

        // Rework rate, over the deployments whose kind is known
        var rework = deployed.Count(d => DeploymentKind.IsRework(kinds[d.DeploymentId].Kind));
        var unknown = deployed.Count(d => kinds[d.DeploymentId].Kind == DeploymentKind.Unknown);
        var classified = deployed.Count - unknown;
        var reworkFigure = new ReworkFigure(deployed.Count, rework, classified == 0 ? null : rework / (double)classified) { UnknownKind = unknown };

        return new DoraSummary(unit, from, to, frequency, leadTime, failure, recovery, reworkFigure);
    }

    /// <summary>The earliest production deployment of the same service after <paramref name="failedDeployment"/> that did not fail itself.</summary>
    private static DeploymentEvent? RestoringDeployment(DeploymentEvent failedDeployment, IReadOnlyList<DeploymentEvent> production, HashSet<string> failed) =>
        production
            .Where(d => d.Service == failedDeployment.Service && d.FinishedAt > failedDeployment.FinishedAt && !failed.Contains(d.DeploymentId))
            .MinBy(d => d.FinishedAt);

    private HashSet<string> FailedDeploymentIds(IReadOnlyList<DeploymentEvent> production, IReadOnlyDictionary<string, DeploymentKind> kinds)
    {
        var failed = history.Incidents.Where(i => i.CausedByDeploymentId != "").Select(i => i.CausedByDeploymentId).ToHashSet();
        foreach (var incident in history.Incidents.Where(i => i.CausedByDeploymentId == ""))
        {
            var latest = production
                .Where(d => d.Service == incident.Service && d.FinishedAt < incident.StartedAt)
                .MaxBy(d => d.FinishedAt);
            if (latest is not null && incident.StartedAt - latest.FinishedAt!.Value <= options.IncidentAttributionWindow)
            {
                failed.Add(latest.DeploymentId);
            }
        }
        failed.UnionWith(production.Select(d => kinds[d.DeploymentId])
            .Where(kind => kind.Kind is "rollback" or "hotfix" && kind.RelatedDeploymentId != "").Select(kind => kind.RelatedDeploymentId));
        return failed;
    }

    private bool IsProduction(DeploymentEvent deployment)
    {
        var matching = history.ProductionRules
            .Where(rule => (rule.Source == "" || rule.Source == deployment.Source) && WholeNameMatches(deployment.Environment, rule.Pattern))
            .ToList();
        return matching.Any(rule => rule.IsProduction) && !matching.Any(rule => !rule.IsProduction);
    }

    // \z, not $: .NET's $ also matches before a final newline, RE2's (ClickHouse) does not.
    private static bool WholeNameMatches(string environment, string pattern) =>
        Regex.IsMatch(environment, "^(?:" + pattern + @")\z", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    private DateOnly LocalDate(DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, _timeZone).DateTime);

    /// <summary>
    /// Mondays of the window's whole ISO weeks, in the organisation's time zone: each runs from Monday 00:00 to the next
    /// Monday 00:00, starting at or after <paramref name="from"/> and ending at or before <paramref name="to"/> and now.
    /// </summary>
    private List<DateOnly> WeeksOf(DateTimeOffset from, DateTimeOffset to)
    {
        var end = to < DateTimeOffset.UtcNow ? to : DateTimeOffset.UtcNow;
        var first = LocalDate(from);
        var weeks = new List<DateOnly>();
        for (var week = first.AddDays(-(((int)first.DayOfWeek + 6) % 7)); StartOfDay(week.AddDays(7)) <= end; week = week.AddDays(7))
        {
            if (StartOfDay(week) >= from)
            {
                weeks.Add(week);
            }
        }
        return weeks;
    }

    /// <summary>Midnight of <paramref name="day"/> in the organisation's time zone, as an instant.</summary>
    private DateTimeOffset StartOfDay(DateOnly day)
    {
        var midnight = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return new DateTimeOffset(midnight, _timeZone.GetUtcOffset(midnight));
    }

    private static TimeSpan? Seconds(double? seconds) => seconds is { } value ? TimeSpan.FromSeconds(value) : null;
}
