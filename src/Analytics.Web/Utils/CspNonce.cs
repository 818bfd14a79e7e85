namespace Analytics.Web.Utils;

/// <summary>
/// The per-response nonce of the Content-Security-Policy: the one inline script the app writes (Blazor's import map)
/// carries it, and no other inline script may run.
/// </summary>
public static class CspNonce
{
    private const string Key = "analytics-csp-nonce";

    public static void Set(HttpContext http, string nonce) => http.Items[Key] = nonce;

    /// <summary>The nonce of this response, or null outside a request (component tests).</summary>
    public static string? Of(HttpContext? http) => http?.Items.TryGetValue(Key, out var nonce) == true ? nonce as string : null;
}
