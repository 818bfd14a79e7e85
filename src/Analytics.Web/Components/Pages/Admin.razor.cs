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
    private TeamForm _team = new();
    private PersonForm _person = new();
    private RangeForm _membership = new();
    private RangeForm _ownership = new();
    private RuleForm _rule = new();

    [Inject] private CatalogEditor Editor { get; set; } = default!;

    [Inject] private CatalogAdminQueries CatalogQueries { get; set; } = default!;

    [Inject] private CatalogAssignments Catalog { get; set; } = default!;

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

    private Task ReassignAsync()
    {
        var effective = Utc(_reassignDate)!.Value;
        return EditAsync(async () =>
        {
            await Catalog.ReassignServiceAsync(_reassignService!, _reassignTeam!, effective);
            await Mirror.SyncAsync();
        }, $"{_reassignService} belongs to {_reassignTeam} from {effective:yyyy-MM-dd}.", () => { });
    }

    private Task SaveTeamAsync(TeamForm form) => EditAsync(
        () => Editor.SaveTeamAsync(form.Slug.Trim(), form.Name), $"Team {form.Slug.Trim()} saved.", () => _team = new());

    private Task SavePersonAsync(PersonForm form) => EditAsync(
        () => Editor.SavePersonAsync(form.Id.Trim(), form.Name, form.IsBot), $"{form.Id.Trim()} saved.", () => _person = new());

    private Task AddMembershipAsync(RangeForm form) => EditAsync(
        () => Editor.AddMembershipAsync(form.Subject!, form.Team!, Utc(form.From)!.Value, Utc(form.To)),
        $"{form.Subject} is in {form.Team} {form.Period}.", () => _membership = new());

    private Task AddOwnershipAsync(RangeForm form) => EditAsync(
        () => Editor.AddOwnershipAsync(form.Subject!, form.Team!, Utc(form.From)!.Value, Utc(form.To)),
        $"{form.Subject} belongs to {form.Team} {form.Period}.", () => _ownership = new());

    private Task RemoveOwnershipAsync(OwnershipAdminRow range) => EditAsync(
        () => Editor.RemoveOwnershipAsync(range.Service, range.ValidFrom), $"{range.Service} no longer belongs to {range.Team} from {range.ValidFrom:yyyy-MM-dd}.", () => { });

    private Task SaveRuleAsync(RuleForm form) => EditAsync(
        () => Editor.SaveEnvironmentRuleAsync(form.Source?.Trim() ?? EnvironmentRule.AnySource, form.Pattern.Trim(), form.IsProduction),
        $"Rule '{form.Pattern.Trim()}' saved.", () => _rule = new());

    private Task RemoveRuleAsync(EnvironmentRuleAdminRow rule) => EditAsync(
        () => Editor.RemoveEnvironmentRuleAsync(rule.Source, rule.Pattern), $"Rule '{rule.Pattern}' removed.", () => { });

    /// <summary>Runs a catalog edit (which re-syncs the ClickHouse mirror); a refused one shows why and keeps the form as typed.</summary>
    private async Task EditAsync(Func<Task> edit, string done, Action clearForm)
    {
        try
        {
            await edit();
            clearForm();
            Show(done + " The figures follow from now on.", isError: false);
            await LoadAsync();
        }
        catch (ArgumentException error)
        {
            Show(error.Message, isError: true);
        }
    }

    private static DateTimeOffset? Utc(DateTime? day) => day is { } value ? new DateTimeOffset(DateTime.SpecifyKind(value.Date, DateTimeKind.Utc)) : null;

    private void Show(string message, bool isError)
    {
        _message = message;
        _messageIsError = isError;
    }

    private sealed record SourceRow(string Name, string Kind, string? Cron);

    private sealed class TeamForm
    {
        public string Slug { get; set; } = "";

        public string Name { get; set; } = "";
    }

    private sealed class PersonForm
    {
        public string Id { get; set; } = "";

        public string Name { get; set; } = "";

        public bool IsBot { get; set; }
    }

    /// <summary>A person's membership of a team, or a service's ownership by a team, over [From, To) in UTC days.</summary>
    private sealed class RangeForm
    {
        public string? Subject { get; set; }

        public string? Team { get; set; }

        public DateTime? From { get; set; }

        public DateTime? To { get; set; }

        public string Period => $"from {From:yyyy-MM-dd}" + (To is { } end ? $" until {end:yyyy-MM-dd}" : "");
    }

    private sealed class RuleForm
    {
        public string? Source { get; set; }

        public string Pattern { get; set; } = "";

        public bool IsProduction { get; set; } = true;
    }

    private sealed record AdminView(IReadOnlyList<SourceRow> Sources, IReadOnlyList<IngestRunEntry> Runs, CatalogAdminView Catalog);
}
