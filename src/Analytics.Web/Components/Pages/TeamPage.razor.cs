using Analytics.Storage.ClickHouse;
using Analytics.Web.Queries;
using Analytics.Web.Security;
using Analytics.Web.Utils;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace Analytics.Web.Components.Pages;

/// <summary>
/// A team lead's view: the team's DORA figures for the period in the URL, and the rows behind them. The view
/// queried while prerendering is persisted into the page, so the interactive render shows it without querying again.
/// An unknown team answers 404: the not-found page names it and links the teams there are. With ?service= it is the
/// service view: the same figures, weekly charts and rows for one of the team's services (its events while the team owned
/// it), shown to whom the team's rows are shown.
/// </summary>
public partial class TeamPage
{
    private string? _error;

    /// <summary>What the last goal or annotation edit said.</summary>
    private Analytics.Web.Components.Admin.AdminMessage? _message;

    [Inject] private TeamPageQueries Queries { get; set; } = default!;

    [Inject] private DoraTierChoice TierChoice { get; set; } = default!;

    [Inject] private NavigationManager Navigation { get; set; } = default!;

    [CascadingParameter] private Task<AuthenticationState> AuthenticationState { get; set; } = default!;

    [Parameter] public string Team { get; set; } = "";

    [SupplyParameterFromQuery(Name = "days")] public string? Days { get; set; }

    /// <summary>The DORA benchmark year of the tiers (?tiers=2021); else the configured one.</summary>
    [SupplyParameterFromQuery(Name = "tiers")] public string? Tiers { get; set; }

    /// <summary>The figures shown; kept from prerendering to the interactive render (.NET 10 declarative persistent state).</summary>
    [PersistentState] public TeamPageView? View { get; set; }

    /// <summary>Lead time per commit or per pull request (?leadTimeUnit=pull-request); else, or when it names neither, the configured one.</summary>
    [SupplyParameterFromQuery(Name = "leadTimeUnit")] public string? LeadTimeUnitQuery { get; set; }

    /// <summary>The service view's service (?service=checkout-api), one of the team's; null = the whole team.</summary>
    [SupplyParameterFromQuery(Name = "service")] public string? Service { get; set; }

    /// <summary>?from=2026-09-07&amp;to=2026-09-14 (UTC days, to exclusive): that period instead of the last days, as a chart point links to.</summary>
    [SupplyParameterFromQuery(Name = "from")] public string? From { get; set; }

    [SupplyParameterFromQuery(Name = "to")] public string? To { get; set; }

    private Period? Dates => Period.FromDates(From, To);

    private int PeriodDays => Dates?.Days ?? Period.DaysFromQuery(Days);

    /// <summary>A chart point's bucket on this page: the same team (or service), tiers and unit, for the bucket's dates within the shown window.</summary>
    private string PointUrl(DateOnly bucket, Analytics.Core.Calendar.Granularity granularity) =>
        DashboardUrls.TeamBucketUrl(Team, bucket, granularity, View!.Summary!.From, View.Summary.To, Tiers, LeadTimeUnitQuery, Service);

    /// <summary>Whether the rows behind the figures are shown (and read at all): team-lead of this team, or admin.</summary>
    private bool _rows;

    /// <summary>This page with the other lead-time unit (the toggle) or, in the service view, the whole team's (the back link).</summary>
    private string UrlFor(string? leadTimeUnit, string? service) => DashboardUrls.TeamUrl(Team, PeriodDays, Tiers, leadTimeUnit, service);

    /// <summary>Shows what a goal or annotation edit said; after a change the view is read again, so goals and charts show it.</summary>
    private async Task NotesChangedAsync(Analytics.Web.Components.Admin.AdminMessage message)
    {
        _message = message;
        if (message.CatalogChanged)
        {
            View = null;
            await OnParametersSetAsync();
        }
    }

    protected override async Task OnParametersSetAsync()
    {
        _error = null;
        _rows = AnalyticsRoles.CanSeeRows((await AuthenticationState).User, Team);
        var tiers = TierChoice.For(Tiers);
        try
        {
            var leadTimeUnit = Analytics.Core.Dora.LeadTimeUnit.Parse(LeadTimeUnitQuery);
            if (View?.IsFor(Team, PeriodDays, tiers.Year, leadTimeUnit, Service, Dates) != true)
            {
                View = null;
                View = await Queries.LoadAsync(Team, PeriodDays, tiers, _rows, leadTimeUnit, service: Service, dates: Dates);
            }
            if (View.Summary is null)
            {
                _error = Service is null ? $"There is no team '{Team}' in the catalog." : $"Team '{Team}' has no service '{Service}' in the catalog.";
                // A 404, as the API answers for the same team; the router shows the not-found page, which lists the teams.
                Navigation.NotFound();
            }
        }
        catch (ClickHouseException error)
        {
            _error = $"The figures could not be computed: {error.Message}";
        }
    }
}
