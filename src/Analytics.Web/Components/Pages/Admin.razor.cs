using Analytics.Ingestors.Runs;
using Analytics.Storage.Catalog;
using Microsoft.AspNetCore.Components;
using Quartz;

namespace Analytics.Web.Components.Pages;

/// <summary>Sources with their schedule, runs and "run now"; the catalog: teams, services and ownership, people, environment rules.</summary>
public partial class Admin
{
    private AdminView? _view;
    private string? _message;
    private bool _messageIsError;
    private string? _reassignService;
    private string? _reassignTeam;
    private DateTime? _reassignDate;

    [Inject] private CatalogAdminQueries CatalogQueries { get; set; } = default!;

    [Inject] private CatalogStore Catalog { get; set; } = default!;

    [Inject] private CatalogMirrorSync Mirror { get; set; } = default!;

    [Inject] private IngestSources Sources { get; set; } = default!;

    [Inject] private IngestRunHistory Runs { get; set; } = default!;

    [Inject] private ISchedulerFactory Schedulers { get; set; } = default!;

    protected override Task OnInitializedAsync() => LoadAsync();

    private async Task LoadAsync()
    {
        var sources = Sources.Configured.Select(source => new SourceRow(source.Name, source.Kind, source.Cron)).ToList();
        _view = new AdminView(sources, await Runs.RecentAsync(null, 100), await CatalogQueries.LoadAsync());
    }

    /// <summary>Fires the source's job now; Quartz still keeps one run of a source at a time.</summary>
    private async Task RunNowAsync(string source)
    {
        var scheduler = await Schedulers.GetScheduler();
        await scheduler.TriggerJob(IngestSourceJob.KeyFor(source));
        Show($"Run of '{source}' started; its result appears under Latest runs (reload to refresh).", isError: false);
    }

    private async Task ReassignAsync()
    {
        try
        {
            var effective = new DateTimeOffset(DateTime.SpecifyKind(_reassignDate!.Value.Date, DateTimeKind.Utc));
            await Catalog.ReassignServiceAsync(_reassignService!, _reassignTeam!, effective);
            await Mirror.SyncAsync();
            Show($"{_reassignService} belongs to {_reassignTeam} from {effective:yyyy-MM-dd}.", isError: false);
            await LoadAsync();
        }
        catch (ArgumentException error)
        {
            Show(error.Message, isError: true);
        }
    }

    private void Show(string message, bool isError)
    {
        _message = message;
        _messageIsError = isError;
    }

    private sealed record SourceRow(string Name, string Kind, string? Cron);

    private sealed record AdminView(IReadOnlyList<SourceRow> Sources, IReadOnlyList<IngestRunEntry> Runs, CatalogAdminView Catalog);
}
