using Analytics.Core.Calendar;
using Analytics.Core.Dora;
using Analytics.Storage.Metrics;

namespace Analytics.Web.Queries;

/// <summary>
/// Where one key card's figure is heading: the same figure over the previous period of the same length (and the sample
/// it stands on), and its value in each whole week of the period for the sparkline. Numbers only, never rows, so it is
/// cheap to persist into the page.
/// </summary>
/// <param name="Previous">The figure over the previous period in the card's unit; null = no sample there.</param>
/// <param name="PreviousN">The sample the previous figure stands on (deployments, changes, incidents…); 0 reads "no earlier figure".</param>
/// <param name="Weekly">The sparkline: one value per whole week of the period, oldest first; null = no sample that week. Empty = no sparkline.</param>
/// <param name="WeeklyLabel">What the sparkline draws, in words ("deployments a week").</param>
public sealed record KeyTrend(double? Previous, long PreviousN, IReadOnlyList<double?> Weekly, string WeeklyLabel);

/// <summary>
/// The trends of the key cards of one scope (the organisation, a team or one of its services) for one period [From, To):
/// the previous period is [From − (To − From), From), computed by the same query (DoraQueries.SummariesAsync over the
/// dora/*.sql files) with the same filters, lead-time unit and tier year; the weeks are dora/series.sql's by week, whole
/// weeks only (a week cut by the window would read as a dip).
/// </summary>
public sealed record KeyTrends(
    DateTimeOffset PreviousFrom,
    DateTimeOffset PreviousTo,
    IReadOnlyList<DateOnly> Weeks,
    KeyTrend DeploymentFrequency,
    KeyTrend LeadTime,
    KeyTrend ChangeFailureRate,
    KeyTrend RecoveryTime,
    KeyTrend ReworkRate)
{
    /// <summary>The previous period's length in days, as the cards say it ("vs previous 90 days").</summary>
    public int Days => (int)Math.Round((PreviousTo - PreviousFrom).TotalDays);
}

/// <summary>Computes <see cref="KeyTrends"/> through the figures' own queries: no second definition of a figure.</summary>
public sealed class KeyTrendQueries(DoraQueries dora)
{
    /// <param name="request">The cards' request: period, team, and (service view) <see cref="DoraRequest.By"/> = service with <see cref="DoraRequest.Unit"/>.</param>
    /// <param name="tiers">The cards' tier table: it decides which recovery figure is the key (<see cref="RecoveryFigure.KeyMedian"/>).</param>
    /// <param name="weekly">The scope's weekly series when the page already has it (dora/series.sql by week); else it is read.</param>
    public async Task<KeyTrends> LoadAsync(DoraRequest request, DoraTierTable tiers, IReadOnlyList<DoraSeriesPoint>? weekly = null, CancellationToken cancellationToken = default)
    {
        var length = request.To - request.From;
        var previousRequest = request with { From = request.From - length, To = request.From, Unit = null };
        var previousResult = (await dora.SummariesAsync(previousRequest, cancellationToken)).WithTiers(tiers);
        var scope = request.Unit ?? request.Team ?? DoraQueries.OrganisationKey;
        // A scope without a row there had no activity: every sample is 0, so every change reads "no earlier figure".
        var previous = previousResult.Teams.SingleOrDefault(row => row.Team == scope)
            ?? (request.Unit is null ? previousResult.Organisation : null);
        var points = (weekly ?? await dora.SeriesAsync(request, Granularity.Week, cancellationToken, organisationOnly: scope == DoraQueries.OrganisationKey))
            .Where(point => point.Team == scope && !point.Partial)
            .OrderBy(point => point.Bucket)
            .ToList();
        IReadOnlyList<double?> Weeks(Func<DoraSeriesPoint, double?> value) => points.Select(value).ToList();
        return new KeyTrends(previousRequest.From, previousRequest.To, points.Select(point => point.Bucket).ToList(),
            new KeyTrend(previous is null ? null : previous.DeploymentFrequency.DeploymentsPerDay, previous?.DeploymentFrequency.Deployments ?? 0,
                Weeks(point => point.Deployments), "deployments a week"),
            new KeyTrend(previous?.LeadTime.Median?.TotalHours, previous?.LeadTime.Changes ?? 0,
                Weeks(point => point.LeadTimeMedian?.TotalHours), "lead time, median hours a week"),
            new KeyTrend(previous?.ChangeFailureRate.Rate, previous?.ChangeFailureRate.Deployments ?? 0,
                Weeks(point => point.ChangeFailureRate), "change failure rate a week"),
            new KeyTrend(previous?.RecoveryTime.KeyMedian?.TotalHours, previous?.RecoveryTime.KeySample ?? 0,
                // The weekly series holds incidents' time to restore service (dora/series.sql); the sparkline says so.
                Weeks(point => point.RecoveryMedian?.TotalHours), "time to restore service, median hours a week"),
            new KeyTrend(previous?.ReworkRate.Rate, previous is null ? 0 : previous.ReworkRate.Deployments - previous.ReworkRate.UnknownKind,
                [], "rework rate"));
    }
}
