using System.Security.Cryptography;
using Analytics.Web.Utils;

namespace Analytics.Web.Hosting;

/// <summary>
/// The security headers on every response of the app, errors included (set as the response starts, and registered
/// as a startup filter so they run before host filtering): a Content-Security-Policy that Blazor Server and Radzen
/// work under, no MIME sniffing, no referrer beyond the origin, no framing, no powerful browser features.
/// </summary>
/// <remarks>
/// Scripts: only the app's own files and the import map Blazor writes inline (by its per-response nonce); no eval.
/// Styles allow inline: Radzen's components set style attributes and Blazor's reconnect dialog adds a style element.
/// The circuit's WebSocket is same-origin ('self'). Images are the app's own, or data: URLs (Radzen's icons).
/// </remarks>
public sealed class SecurityHeaders : IStartupFilter
{
    public static string ContentSecurityPolicy(string nonce) =>
        "default-src 'self'; " +
        $"script-src 'self' 'nonce-{nonce}'; " +
        "style-src 'self' 'unsafe-inline'; " +
        "img-src 'self' data:; " +
        "font-src 'self' data:; " +
        "connect-src 'self'; " +
        "object-src 'none'; " +
        "base-uri 'self'; " +
        "form-action 'self'; " +
        "frame-ancestors 'none'";

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (http, nextMiddleware) =>
        {
            var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            CspNonce.Set(http, nonce);
            http.Response.OnStarting(() =>
            {
                var headers = http.Response.Headers;
                headers.ContentSecurityPolicy = ContentSecurityPolicy(nonce);
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
                headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=(), usb=()";
                return Task.CompletedTask;
            });
            await nextMiddleware(http);
        });
        next(app);
    };
}
