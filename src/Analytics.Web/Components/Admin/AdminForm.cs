using Microsoft.AspNetCore.Components;

namespace Analytics.Web.Components.Admin;

/// <summary>What an admin panel tells the page: a line to show, and whether the catalog changed (so the page reloads its tables).</summary>
public sealed record AdminMessage(string Text, bool IsError, bool CatalogChanged);

/// <summary>An admin panel or form: it edits the catalog with the services it injects and reports the outcome to the page.</summary>
public abstract class AdminForm : ComponentBase
{
    [Parameter, EditorRequired] public EventCallback<AdminMessage> OnMessage { get; set; }

    /// <summary>Runs a catalog edit (which re-syncs the ClickHouse mirror); a refused one shows why and keeps the form as typed.</summary>
    protected async Task EditAsync(Func<Task> edit, string done, Action clearForm)
    {
        try
        {
            await edit();
            clearForm();
            await OnMessage.InvokeAsync(new AdminMessage(done + " The figures follow from now on.", IsError: false, CatalogChanged: true));
        }
        catch (ArgumentException error)
        {
            await OnMessage.InvokeAsync(new AdminMessage(error.Message, IsError: true, CatalogChanged: false));
        }
    }

    /// <summary>A day picked in a date picker as that day's UTC midnight.</summary>
    protected static DateTimeOffset? Utc(DateTime? day) => day is { } value ? new DateTimeOffset(DateTime.SpecifyKind(value.Date, DateTimeKind.Utc)) : null;
}
