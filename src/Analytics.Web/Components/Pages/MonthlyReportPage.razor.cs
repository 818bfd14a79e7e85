using System.Globalization;
using Analytics.Web.Queries;
using Analytics.Web.Utils;
using Microsoft.AspNetCore.Components;

namespace Analytics.Web.Components.Pages;

/// <summary>The one-page monthly leadership report for the month in the URL (?month=2026-10), with its files one click away.</summary>
public partial class MonthlyReportPage
{
    private MonthlyReport? _report;
    private DateOnly _month;
    private string? _error;

    [Inject] private MonthlyReportQueries Reports { get; set; } = default!;

    [Inject] private DoraTierChoice TierChoice { get; set; } = default!;

    /// <summary>yyyy-MM; anything else is the last whole month.</summary>
    [SupplyParameterFromQuery(Name = "month")] public string? Month { get; set; }

    /// <summary>The DORA benchmark year of the tiers (?tiers=2021); else the configured one.</summary>
    [SupplyParameterFromQuery(Name = "tiers")] public string? Tiers { get; set; }

    protected override async Task OnParametersSetAsync()
    {
        (_error, _report) = (null, null);
        _month = Reports.MonthOf(Month);
        try
        {
            // The page only links services.csv and repositories.csv; their file requests compute them.
            _report = await Reports.LoadAsync(_month, TierChoice.For(Tiers), breakdowns: false);
        }
        catch (Storage.ClickHouse.ClickHouseException error)
        {
            _error = $"The figures could not be computed: {error.Message}";
        }
    }

    private string MonthAddress(DateOnly month) => DashboardUrls.MonthlyReportUrl(month, Tiers);

    private string FileAddress(string name) => DashboardUrls.MonthlyReportFileUrl(name, _month, Tiers);

    private static string MonthName(DateOnly month) => month.ToString("MMMM yyyy", CultureInfo.InvariantCulture);

    private static string Value(double? value) => Figures.Optional(value);

    private static string Change(double? change) => Figures.Change(change);
}
