using Analytics.Ingestors.Runs;
using Analytics.Storage.Settings;
using Analytics.Web.Api;
using Analytics.Web.Components;
using Analytics.Web.Dashboards;
using Analytics.Web.Delivery;
using Analytics.Web.Queries;
using Analytics.Web.Security;
using Radzen;

namespace Analytics.Web.Hosting;

/// <summary>
/// How the app is put together: the services of the dashboard host and of the CLI, and what the host maps.
/// The storage, ingestion and metric services both need are in <see cref="AnalyticsServiceCollectionExtensions"/>.
/// </summary>
public static class Extensions
{
    /// <summary>The dashboard host: Blazor Server with Radzen, the JSON API, the scheduler, start-up initialisation.</summary>
    public static WebApplicationBuilder AddAnalyticsWeb(this WebApplicationBuilder builder)
    {
        // Radzen's files are static web assets: serve them from the build output too, not only from `dotnet publish`.
        builder.WebHost.UseStaticWebAssets();
        builder.Services.AddAnalyticsServices(builder.Configuration);
        builder.Services.AddHardening();
        builder.Services.AddAnalyticsHealthChecks();
        builder.Services.AddAnalyticsTelemetry(builder.Configuration);
        builder.Services.AddHostedService<AnalyticsInitializerHostedService>();
        builder.Services.AddIngestScheduling(builder.Configuration, quartz => quartz.AddDeliveryJobs(builder.Configuration));
        builder.Services.AddComponentServices();
        builder.Services.AddAnalyticsSecurity(builder.Configuration, builder.Environment);
        builder.Services.AddQueryServices(builder.Configuration);
        builder.Services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter());
        });
        return builder;
    }

    /// <summary>Dashboards as data (the catalog of definitions, Analytics:Dashboards) and the queries behind pages, API and CLI.</summary>
    public static IServiceCollection AddQueryServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<DashboardOptions, DashboardOptionsValidator>(configuration, DashboardOptions.Section);
        services.AddSingleton<DashboardCatalog>();
        services.AddSingleton<DashboardQueries>();
        services.AddSingleton<TeamPageQueries>();
        services.AddSingleton<KeyTrendQueries>();
        services.AddSingleton<CycleTimeTrendQueries>();
        services.AddSingleton<MonthlyReportQueries>();
        // The report's and the teams' deliveries: sent by the scheduler and the send commands, listed on the admin page.
        services.AddDelivery(configuration);
        return services;
    }

    public static WebApplication MapAnalytics(this WebApplication app)
    {
        app.UseHardening();
        // Before authentication and authorization, so it sees every 401 and 403, whoever answers them.
        app.UseDeniedRequestAudit();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapAnalyticsHealth();
        // Pages carry their policy ([Authorize] on each, docs/security.md); anything else falls back to viewer.
        app.MapStaticAssets().AllowAnonymous();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.MapAnalyticsSecurity();
        var figures = app.MapGroup("").WithQueryLimits().WithDemoStoreHeader().RequireAuthorization(AnalyticsPolicies.Figures);
        figures.MapAnalyticsApi();
        figures.MapSeriesApi();
        figures.MapRowsApi();
        figures.MapSpaceApi();
        figures.MapDashboardApi();
        figures.MapReportApi();
        // Push keeps its own key check, not a signed-in person.
        app.MapGroup("").WithPushLimits().AllowAnonymous().MapPushApi();
        // GitHub's deliveries carry their own proof, the signature over the body with the webhook secret.
        app.MapGroup("").AllowAnonymous().MapGitHubWebhookApi();
        return app;
    }

    /// <summary>Blazor Server and Radzen.</summary>
    private static IServiceCollection AddComponentServices(this IServiceCollection services)
    {
        // The team page persists its prerendered figures (and the first page of each drill-down grid) into the page; the circuit
        // receives them in its first message, which SignalR caps at 32 KB by default.
        services.AddRazorComponents().AddInteractiveServerComponents()
            .AddHubOptions(options => options.MaximumReceiveMessageSize = 4 * 1024 * 1024);
        services.AddRadzenComponents();
        // The admin panels record the remote address of whoever edits (Components/Admin/AdminForm).
        services.AddHttpContextAccessor();
        return services;
    }
}
