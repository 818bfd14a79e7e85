using Analytics.Ingestors.Runs;
using Analytics.Web.Api;
using Analytics.Web.Components;
using Analytics.Web.Dashboards;
using Radzen;

namespace Analytics.Web.Hosting;

public static class WebApplicationExtensions
{
    /// <summary>The dashboard host: Blazor Server with Radzen, the JSON API, start-up initialisation.</summary>
    public static WebApplicationBuilder AddAnalyticsWeb(this WebApplicationBuilder builder)
    {
        // Radzen's files are static web assets: serve them from the build output too, not only from `dotnet publish`.
        builder.WebHost.UseStaticWebAssets();
        builder.Services.AddAnalyticsServices(builder.Configuration);
        builder.Services.AddHostedService<AnalyticsInitializerHostedService>();
        builder.Services.AddIngestScheduling(builder.Configuration);
        // The team page persists its prerendered figures (up to 3 × 500 drill-down rows) into the page; the circuit
        // receives them in its first message, which SignalR caps at 32 KB by default.
        builder.Services.AddRazorComponents().AddInteractiveServerComponents()
            .AddHubOptions(options => options.MaximumReceiveMessageSize = 4 * 1024 * 1024);
        builder.Services.AddRadzenComponents();
        builder.Services.AddDashboards(builder.Configuration);
        builder.Services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter());
        });
        return builder;
    }

    public static WebApplication MapAnalytics(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/error", createScopeForErrors: true);
        }
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.MapAnalyticsApi();
        app.MapSpaceApi();
        app.MapDashboardApi();
        app.MapReportApi();
        app.MapPushApi();
        return app;
    }
}
