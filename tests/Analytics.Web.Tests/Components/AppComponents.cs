using Analytics.Web.Hosting;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.Configuration;
using Radzen;

namespace Analytics.Web.Tests.Components;

/// <summary>
/// bUnit over the real store the demo filled (no mocks): the app's own service registration pointed at the
/// fixture's database, Radzen's services, JS interop answered loosely.
/// </summary>
public static class AppComponents
{
    public static readonly TimeSpan RenderTimeout = TimeSpan.FromSeconds(30);

    /// <param name="settings">Configuration laid over the app's for this context only, e.g. Analytics:Dashboards:Path.</param>
    public static BunitContext NewContext(AnalyticsAppFixture app, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var configuration = settings is null
            ? app.Configuration
            : new ConfigurationBuilder().AddConfiguration(app.Configuration).AddInMemoryCollection(settings).Build();
        var context = new BunitContext();
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        // As in the host, where options bound with BindConfiguration find the configuration as a service.
        context.Services.AddSingleton(configuration);
        context.Services.AddAnalyticsServices(configuration);
        context.Services.AddQueryServices(configuration);
        context.Services.AddRadzenComponents();
        // An admin, as every visitor is in mode Open: these tests are about what the components show, not who may see it.
        context.AddAuthorization().SetAuthorized("admin").SetRoles([.. Analytics.Web.Security.AnalyticsRoles.All]);
        return context;
    }

    /// <summary>Points the context's NavigationManager at <paramref name="uri"/>, so [SupplyParameterFromQuery] reads its query string.</summary>
    public static void NavigateTo(this BunitContext context, string uri) =>
        context.Services.GetRequiredService<NavigationManager>().NavigateTo(uri);
}
