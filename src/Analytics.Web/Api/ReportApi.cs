using Analytics.Web.Queries;

namespace Analytics.Web.Api;

/// <summary>The monthly leadership report's files: GET /api/reports/monthly/{file}?month=yyyy-MM&amp;tiers= (charts as PNG/SVG, tables as CSV).</summary>
public static class ReportApi
{
    public static IEndpointRouteBuilder MapReportApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/reports/monthly/{file}", async (string file, string? month, string? tiers, MonthlyReportQueries queries, DoraTierChoice tierChoice,
            CancellationToken cancellationToken) =>
        {
            if (AnalyticsApi.UnknownTiers(tiers) is { } unknown)
            {
                return unknown;
            }
            var report = await queries.LoadAsync(queries.MonthOf(month), tierChoice.For(tiers), cancellationToken,
                breakdowns: MonthlyReportFiles.Breakdowns.Values.Contains(file));
            return MonthlyReportFiles.Find(report, file) is { } found
                ? Results.File(found.Content, found.ContentType, MonthlyReportFiles.DownloadName(report, file))
                : Results.Problem($"The monthly report has no file '{file}' ({string.Join(", ", MonthlyReportFiles.Names(report))}).",
                    statusCode: StatusCodes.Status404NotFound);
        });
        return endpoints;
    }
}
