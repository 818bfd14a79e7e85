using Analytics.Storage.Catalog;
using Analytics.Web.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace Analytics.Web.Components.Admin;

/// <summary>What an admin panel tells the page: a line to show, and whether the catalog changed (so the page reloads its tables).</summary>
public sealed record AdminMessage(string Text, bool IsError, bool CatalogChanged);

/// <summary>An admin panel or form: it edits the catalog with the services it injects and reports the outcome to the page.</summary>
public abstract class AdminForm : ComponentBase
{
    [Parameter, EditorRequired] public EventCallback<AdminMessage> OnMessage { get; set; }

    /// <summary>The signed-in user (in open mode, the open-access admin).</summary>
    [CascadingParameter] private Task<AuthenticationState>? AuthenticationState { get; set; }

    [Inject] private IServiceProvider Services { get; set; } = default!;

    /// <summary>The person in this circuit (nobody, with no role, when there is no authentication state).</summary>
    protected async Task<System.Security.Claims.ClaimsPrincipal> UserAsync() => AuthenticationState is null ? new() : (await AuthenticationState).User;

    /// <summary>Who is editing, for the audit trail: the signed-in user (or anonymous) and the circuit's remote address.</summary>
    protected async Task<AuditActor> ActorAsync()
    {
        var user = AuthenticationState is null ? null : (await AuthenticationState).User;
        var name = user?.Identity is { IsAuthenticated: true } identity ? identity.Name ?? "signed-in user" : AuditActor.Anonymous;
        return new AuditActor(name, Services.GetService<IHttpContextAccessor>()?.HttpContext?.Connection.RemoteIpAddress?.ToString());
    }

    /// <summary>
    /// Whether the person in this circuit is an admin, checked in the handler itself (the page's policy guards the page;
    /// a handler is a separate call into the circuit). False reports the refusal to the page.
    /// </summary>
    protected async Task<bool> IsAdminAsync()
    {
        if (AuthenticationState is not null && (await AuthenticationState).User.IsInRole(AnalyticsRoles.Admin))
        {
            return true;
        }
        await OnMessage.InvokeAsync(new AdminMessage("Only an admin may change the catalog or start a run.", IsError: true, CatalogChanged: false));
        return false;
    }

    /// <summary>Runs a catalog edit (which re-syncs the ClickHouse mirror); a refused one shows why and keeps the form as typed.</summary>
    protected async Task EditAsync(Func<AuditActor, Task> edit, string done, Action clearForm)
    {
        if (!await IsAdminAsync())
        {
            return;
        }
        await RunEditAsync(edit, done + " The figures follow from now on.", clearForm);
    }

    /// <summary>
    /// Runs an edit the caller has already allowed (in its handler) and reports it: done and the form cleared, or refused with
    /// why and the form kept as typed.
    /// </summary>
    protected async Task RunEditAsync(Func<AuditActor, Task> edit, string done, Action clearForm)
    {
        try
        {
            await edit(await ActorAsync());
            clearForm();
            await OnMessage.InvokeAsync(new AdminMessage(done, IsError: false, CatalogChanged: true));
        }
        catch (ArgumentException error)
        {
            await OnMessage.InvokeAsync(new AdminMessage(error.Message, IsError: true, CatalogChanged: false));
        }
    }

    /// <summary>Reports a refusal decided in a handler (the person may not make this edit).</summary>
    protected Task RefuseAsync(string why) => OnMessage.InvokeAsync(new AdminMessage(why, IsError: true, CatalogChanged: false));

    /// <summary>A day picked in a date picker as that day's UTC midnight.</summary>
    protected static DateTimeOffset? Utc(DateTime? day) => day is { } value ? new DateTimeOffset(DateTime.SpecifyKind(value.Date, DateTimeKind.Utc)) : null;
}
