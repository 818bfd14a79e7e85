using System.Net;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.HttpsPolicy;
using Microsoft.Extensions.Options;

namespace Analytics.Web.Hosting;

/// <summary>
/// What the dashboard host does before any endpoint (docs/security.md, Hardening): security headers on every response
/// (<see cref="SecurityHeaders"/>), the client's address and scheme from known proxies, HSTS and HTTPS redirection
/// outside Development (<see cref="HttpsOptions"/>), and rate limits (<see cref="RateLimiting"/>). Host filtering is
/// ASP.NET Core's, from the AllowedHosts setting.
/// </summary>
public static class Hardening
{
    public static IServiceCollection AddHardening(this IServiceCollection services)
    {
        // First of all startup filters: before host filtering, so even its 400 carries the headers.
        services.Insert(0, ServiceDescriptor.Transient<IStartupFilter, SecurityHeaders>());
        services.AddAnalyticsRateLimiting();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<HttpsOptions>>((forwarded, https) =>
        {
            forwarded.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // Loopback is known by default; a proxy elsewhere must be named, or anyone could claim any address.
            foreach (var proxy in https.Value.KnownProxies)
            {
                forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
            }
            foreach (var network in https.Value.KnownNetworks)
            {
                forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
        services.AddOptions<HstsOptions>().Configure<IOptions<HttpsOptions>>((hsts, https) => hsts.MaxAge = https.Value.HstsMaxAge);
        return services;
    }

    public static WebApplication UseHardening(this WebApplication app)
    {
        app.UseForwardedHeaders();
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/error", createScopeForErrors: true);
            var https = app.Services.GetRequiredService<IOptions<HttpsOptions>>().Value;
            if (https.HstsMaxAge > TimeSpan.Zero)
            {
                app.UseHsts();
            }
            if (https.Redirect)
            {
                // Probes (/health/*) answer on plain http: a load balancer or Kubernetes asks the container directly.
                app.UseWhen(http => !http.Request.Path.StartsWithSegments("/health"), branch => branch.UseHttpsRedirection());
            }
        }
        app.UseRateLimiter();
        return app;
    }
}
