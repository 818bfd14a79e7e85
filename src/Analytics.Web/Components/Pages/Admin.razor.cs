using Analytics.Ingestors.Runs;
using Analytics.Storage.Catalog;
using Analytics.Web.Components.Admin;
using Microsoft.AspNetCore.Components;

namespace Analytics.Web.Components.Pages;

/// <summary>
/// Sources with their schedule, runs and "run now"; the catalog: teams, services and ownership, people, environment rules;
/// API keys; the audit trail.
/// The page loads what the tabs show; each tab's panel (Components/Admin) makes its own edits and reports them here.
/// </summary>
public partial class Admin
{
    private AdminView? _view;
    private AdminMessage? _message;

    [Inject] private CatalogAdminQueries CatalogQueries { get; set; } = default!;

    [Inject] private IngestSources Sources { get; set; } = default!;

    [Inject] private IngestRunHistory Runs { get; set; } = default!;

    protected override Task OnInitializedAsync() => LoadAsync();

    private async Task LoadAsync() => _view = new AdminView(Sources.Configured, await Runs.RecentAsync(null, 100), await CatalogQueries.LoadAsync());

    /// <summary>Shows a panel's message; after an edit the tables are read again, so they show it.</summary>
    private async Task ShowAsync(AdminMessage message)
    {
        _message = message;
        if (message.CatalogChanged)
        {
            await LoadAsync();
        }
    }

    private sealed record AdminView(IReadOnlyList<ConfiguredSource> Sources, IReadOnlyList<IngestRunEntry> Runs, CatalogAdminView Catalog);
}
