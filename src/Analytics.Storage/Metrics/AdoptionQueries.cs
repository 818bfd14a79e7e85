using Analytics.Core.Calendar;
using Analytics.Core.Dora;
using Analytics.Core.Space;
using Analytics.Storage.ClickHouse;
using Microsoft.Extensions.Options;

namespace Analytics.Storage.Metrics;

/// <summary>
/// Platform adoption from the named SQL files under sql/clickhouse/queries/adoption: golden-path adoption, template
/// version currency, self-service and time to first deploy, per team and for the organisation.
/// </summary>
/// <param name="clock">Says which months are over (<see cref="PartialBuckets"/>); the system clock when not given.</param>
public sealed class AdoptionQueries(IClickHouseStore store, SqlFiles sqlFiles, IOptions<MetricOptions> options, TimeProvider? clock = null)
{
    /// <summary>Active services on a golden-path template ÷ active services, per team and template, for the period and each month of it.</summary>
    public async Task<GoldenPathResult> GoldenPathAsync(SpaceRequest request, CancellationToken cancellationToken = default)
    {
        request.Validate();
        var grid = new MonthGrid(options.Value.TimeZone);
        var months = grid.Months(request.From, request.To);
        var whole = await GoldenPathBucketsAsync([request.From, request.To], cancellationToken);
        var monthly = await GoldenPathBucketsAsync(grid.MonthBounds(request.From, request.To), cancellationToken);
        var organisation = whole.GetValueOrDefault((1u, DoraQueries.OrganisationKey)) ?? Empty(null);
        var now = (clock ?? TimeProvider.System).GetUtcNow();
        // A month's days in the period decide whether a chart draws it (PartialBuckets.IsDrawn), as for the DORA series.
        GoldenPathFigure InMonth(GoldenPathFigure figure, DateOnly month) => figure with
        {
            Month = month,
            Partial = PartialBuckets.IsPartial(month, Granularity.Month, request.From, request.To, now, grid),
            DaysInPeriod = PartialBuckets.DaysInside(month, Granularity.Month, request.From, request.To, now, grid),
            Days = PartialBuckets.Days(month, Granularity.Month),
        };
        var byMonth = months.Select((month, i) => InMonth(monthly.GetValueOrDefault(((uint)i + 1, DoraQueries.OrganisationKey)) ?? Empty(null), month)).ToList();
        var teamsByMonth = monthly.Where(pair => pair.Key.Team != DoraQueries.OrganisationKey)
            .OrderBy(pair => pair.Key.Team, StringComparer.Ordinal).ThenBy(pair => pair.Key.Bucket)
            .Select(pair => InMonth(pair.Value, months[(int)pair.Key.Bucket - 1]))
            .ToList();
        var teams = whole.Where(pair => pair.Key.Team != DoraQueries.OrganisationKey).OrderBy(pair => pair.Key.Team, StringComparer.Ordinal).Select(pair => pair.Value).ToList();
        return new GoldenPathResult(request.From, request.To, organisation, request.OnlyTeam(teams, f => f.Team), byMonth, request.OnlyTeam(teamsByMonth, f => f.Team));
    }

    /// <summary>Every service on a template just before the end of the period, how far behind its template's latest version, summed per team and template.</summary>
    public async Task<TemplateCurrencyResult> TemplateCurrencyAsync(SpaceRequest request, CancellationToken cancellationToken = default)
    {
        request.Validate();
        var rows = await store.QueryAsync<ServiceTemplateVersion>(sqlFiles.Query("adoption/template_currency"),
            QueryParameters.From(("at", request.To.AddMilliseconds(-1))), cancellationToken);
        var result = TemplateCurrency.Summarise(request.To, rows);
        return request.Team is null ? result : result with
        {
            Figures = result.Figures.Where(f => f.Team == DoraQueries.OrganisationKey || f.Team == request.Team).ToList(),
            Services = result.Services.Where(s => s.Team == request.Team).ToList(),
        };
    }

    /// <summary>Self-service ratio and median fulfilment time by channel over requests fulfilled in the period, and the self-service requests that failed in it.</summary>
    /// <param name="kinds">Request kinds to count; null or empty = every kind.</param>
    public async Task<TeamBreakdown<SelfServiceFigure>> SelfServiceAsync(SpaceRequest request, IReadOnlyList<string>? kinds = null, CancellationToken cancellationToken = default)
    {
        request.Validate();
        var rows = (await store.QueryAsync<SelfServiceRow>(sqlFiles.Query("adoption/self_service"), QueryParameters.From(
            ("from", request.From), ("to", request.To), ("kinds", (kinds ?? []).ToArray())), cancellationToken)).ToDictionary(row => row.Team);
        var minimum = options.Value.MinimumSample;
        SelfServiceFigure Figure(string team)
        {
            var row = rows.GetValueOrDefault(team);
            ChannelFulfilment Channel(long fulfilled, long measured, double? median, long negative) =>
                new(fulfilled, median is { } seconds ? TimeSpan.FromSeconds(seconds) : null, negative) { LowConfidence = measured < minimum };
            return new SelfServiceFigure(team, row?.Fulfilled ?? 0, row?.SelfServiceFulfilled ?? 0,
                Channel(row?.SelfServiceFulfilled ?? 0, row?.SelfServiceN ?? 0, row?.SelfServiceMedianSeconds, row?.SelfServiceNegative ?? 0),
                Channel(row?.TicketFulfilled ?? 0, row?.TicketN ?? 0, row?.TicketMedianSeconds, row?.TicketNegative ?? 0))
            {
                LowConfidence = (row?.Fulfilled ?? 0) < minimum,
                SelfServiceFailed = row?.SelfServiceFailed ?? 0,
            };
        }
        return request.Breakdown(Figure, rows.Keys);
    }

    /// <summary>Time from joining to the first production deployment of one's own commit, for engineers who joined in the period.</summary>
    public async Task<TeamBreakdown<FirstDeployFigure>> FirstDeployAsync(SpaceRequest request, CancellationToken cancellationToken = default)
    {
        request.Validate();
        var rows = (await store.QueryAsync<FirstDeployRow>(sqlFiles.Query("adoption/time_to_first_deploy"),
            QueryParameters.From(("from", request.From), ("to", request.To)), cancellationToken)).ToDictionary(row => row.Team);
        var minimum = options.Value.MinimumSample;
        FirstDeployFigure Figure(string team)
        {
            var row = rows.GetValueOrDefault(team);
            return new FirstDeployFigure(team, row?.Joiners ?? 0, row?.Deployed ?? 0, row?.MedianSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
                (row?.Joiners ?? 0) - (row?.Deployed ?? 0))
            {
                LowConfidence = (row?.Deployed ?? 0) < minimum,
            };
        }
        return request.Breakdown(Figure, rows.Keys);
    }

    private async Task<Dictionary<(uint Bucket, string Team), GoldenPathFigure>> GoldenPathBucketsAsync(IReadOnlyList<DateTimeOffset> bounds, CancellationToken cancellationToken)
    {
        var rows = await store.QueryAsync<GoldenPathRow>(sqlFiles.Query("adoption/golden_path"), QueryParameters.From(("bounds", bounds.ToArray())), cancellationToken);
        var minimum = options.Value.MinimumSample;
        return rows.Where(row => row.IsTotal).ToDictionary(
            row => (row.Bucket, row.Team),
            row => new GoldenPathFigure(row.Team, null, row.Services, row.GoldenPathServices,
                rows.Where(t => !t.IsTotal && t.Bucket == row.Bucket && t.Team == row.Team && t.Template != "")
                    .OrderBy(t => t.Template, StringComparer.Ordinal)
                    .Select(t => new TemplateShare(t.Template, t.IsGoldenPath, t.Services, t.Services / (double)row.Services))
                    .ToList())
            {
                LowConfidence = row.Services < minimum,
            });
    }

    private GoldenPathFigure Empty(DateOnly? month) => new(DoraQueries.OrganisationKey, month, 0, 0, []) { LowConfidence = 0 < options.Value.MinimumSample };


    private sealed record GoldenPathRow(uint Bucket, string Team, bool IsTotal, string Template, bool IsGoldenPath, long Services, long GoldenPathServices);

    private sealed record SelfServiceRow(
        string Team, long Fulfilled, long SelfServiceFulfilled, long SelfServiceN, double? SelfServiceMedianSeconds, long SelfServiceNegative, long SelfServiceFailed,
        long TicketFulfilled, long TicketN, double? TicketMedianSeconds, long TicketNegative);

    private sealed record FirstDeployRow(string Team, long Joiners, long Deployed, double? MedianSeconds);
}
