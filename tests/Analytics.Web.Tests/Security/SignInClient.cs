using System.Net;
using System.Text.RegularExpressions;
using Analytics.Web.Security;

namespace Analytics.Web.Tests.Security;

/// <summary>An HTTP client with its own cookies that never follows redirects, signed in through the real sign-in form.</summary>
public static partial class SignInClient
{
    public static HttpClient Anonymous(Uri baseAddress) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new CookieContainer() })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };

    /// <summary>GETs the sign-in page, posts its form with the antiforgery token; returns the client and the post's response.</summary>
    public static async Task<(HttpClient Client, HttpResponseMessage Response)> SignInAsync(Uri baseAddress, string userName, string password)
    {
        var client = Anonymous(baseAddress);
        var page = await client.GetStringAsync(AnalyticsAuthentication.SignInPath.TrimStart('/'));
        var token = AntiforgeryToken().Match(page);
        Assert.True(token.Success, "The sign-in page has no antiforgery token: " + page);
        var response = await client.PostAsync(AnalyticsAuthentication.PasswordSignInPath.TrimStart('/'), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["UserName"] = userName,
            ["Password"] = password,
            ["ReturnUrl"] = "/",
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups["value"].Value),
        }));
        return (client, response);
    }

    /// <summary>Where a redirect points, as a path (the cookie handler writes absolute URLs).</summary>
    public static string? RedirectPath(HttpResponseMessage response) => response.Headers.Location is { } location
        ? (location.IsAbsoluteUri ? location.AbsolutePath : location.OriginalString.Split('?')[0])
        : null;

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"(?<value>[^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
