using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Analytics.Web.Tests.Hardening;

/// <summary>
/// The host's hardening over real Kestrel (docs/security.md, Hardening): headers on every response, host filtering,
/// HTTPS behind a proxy, rate limits per client, body limits, bounded periods and query time limits.
/// </summary>
[Collection(HardenedAppCollection.Name)]
public sealed partial class HardeningTests(HardenedAppFixture app)
{
    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string client, HttpContent? content = null, string scheme = "https")
    {
        using var request = app.Request(method, path, client, scheme);
        request.Content = content;
        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        using var http = new HttpClient(handler) { BaseAddress = app.BaseAddress };
        return await http.SendAsync(request);
    }

    private static async Task<string> DetailAsync(HttpResponseMessage response)
    {
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return problem.RootElement.GetProperty("detail").GetString() ?? "";
    }

    [Theory]
    [InlineData("GET", "", HttpStatusCode.OK)]
    [InlineData("GET", "no-such-page", HttpStatusCode.NotFound)]
    [InlineData("GET", "api/dashboards", HttpStatusCode.OK)]
    [InlineData("POST", "api/push/deployments", HttpStatusCode.Unauthorized)]
    public async Task Every_response_carries_the_security_headers(string method, string path, HttpStatusCode status)
    {
        using var response = await SendAsync(new HttpMethod(method), path, "198.51.100.1");

        Assert.Equal(status, response.StatusCode);
        AssertSecurityHeaders(response);
    }

    [Fact]
    public async Task A_request_for_another_host_gets_400_with_the_headers_too()
    {
        using var request = app.Request(HttpMethod.Get, "", "198.51.100.2");
        request.Headers.Host = "evil.example";

        using var response = await app.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        AssertSecurityHeaders(response);
    }

    [Fact]
    public async Task The_only_inline_script_of_a_page_is_the_import_map_with_this_responses_nonce()
    {
        using var response = await SendAsync(HttpMethod.Get, "", "198.51.100.3");
        var html = await response.Content.ReadAsStringAsync();

        var nonce = NonceInPolicy().Match(response.Headers.GetValues("Content-Security-Policy").Single()).Groups[1].Value;
        Assert.NotEmpty(nonce);
        var inline = InlineScript().Matches(html).Select(match => match.Value).ToList();
        Assert.Equal($"<script type=\"importmap\" nonce=\"{nonce}\">", Assert.Single(inline));
        using var again = await SendAsync(HttpMethod.Get, "", "198.51.100.3");
        Assert.DoesNotContain(nonce, again.Headers.GetValues("Content-Security-Policy").Single());
    }

    [Fact]
    public async Task Plain_http_is_redirected_to_https_and_https_answers_carry_hsts()
    {
        using var plain = await SendAsync(HttpMethod.Get, "teams/x?days=30", "198.51.100.4", scheme: "http");
        using var secure = await SendAsync(HttpMethod.Get, "", "198.51.100.4");

        Assert.Equal(HttpStatusCode.TemporaryRedirect, plain.StatusCode);
        Assert.Equal(new Uri("https://analytics.test/teams/x?days=30"), plain.Headers.Location);
        Assert.Equal(HttpStatusCode.OK, secure.StatusCode);
        Assert.Equal("max-age=31536000", secure.Headers.GetValues("Strict-Transport-Security").Single());
        Assert.False(plain.Headers.Contains("Strict-Transport-Security"));
        // Probes ask the container directly, over http.
        using var probe = await SendAsync(HttpMethod.Get, "health/live", "198.51.100.4", scheme: "http");
        Assert.Equal(HttpStatusCode.OK, probe.StatusCode);
    }

    [Fact]
    public async Task The_api_limits_each_client_and_says_when_to_come_back()
    {
        for (var i = 0; i < HardenedAppFixture.ApiPermits; i++)
        {
            using var allowed = await SendAsync(HttpMethod.Get, "api/dashboards", "203.0.113.10");
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        using var refused = await SendAsync(HttpMethod.Get, "api/dashboards", "203.0.113.10");
        using var otherClient = await SendAsync(HttpMethod.Get, "api/dashboards", "203.0.113.11");
        using var page = await SendAsync(HttpMethod.Get, "", "203.0.113.10");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var retryAfter = int.Parse(refused.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
        Assert.Contains("Analytics:RateLimits:Api", await DetailAsync(refused));
        Assert.Equal(HttpStatusCode.OK, otherClient.StatusCode);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task Sign_in_paths_are_limited_too()
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i <= 20; i++)
        {
            using var response = await SendAsync(HttpMethod.Get, "account/login", "203.0.113.20");
            statuses.Add(response.StatusCode);
        }

        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, statuses.Take(20));
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
    }

    [Fact]
    public async Task A_push_body_over_the_limit_gets_413_before_it_is_read()
    {
        using var declared = await SendAsync(HttpMethod.Post, "api/push/deployments", "203.0.113.30",
            new StringContent(new string(' ', HardenedAppFixture.MaxPushBody + 1), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared.StatusCode);
        Assert.Equal("The request body is larger than the 4,096 bytes this endpoint accepts (Analytics:Api:MaxPushBodySize); send less per request.", await DetailAsync(declared));
    }

    [Fact]
    public async Task A_streamed_push_body_stops_at_the_limit()
    {
        // No Content-Length: the limit is enforced as the body is read.
        var body = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("[" + string.Join(",", Enumerable.Repeat("{\"deployment_id\":\"d\"}", 500)) + "]")));
        body.Headers.ContentType = new("application/json");
        using var request = app.Request(HttpMethod.Post, "api/push/deployments", "203.0.113.31");
        request.Headers.TransferEncodingChunked = true;
        request.Headers.Authorization = new("Bearer", HardenedAppFixture.PushToken);
        request.Content = body;

        using var response = await app.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("Analytics:Api:MaxPushBodySize", await DetailAsync(response));
    }

    [Fact]
    public async Task Another_api_request_with_a_body_gets_413()
    {
        using var response = await SendAsync(HttpMethod.Get, "api/dashboards", "203.0.113.32", new StringContent(new string('x', 20_000)));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("Analytics:Api:MaxRequestBodySize", await DetailAsync(response));
    }

    [Theory]
    [InlineData("api/dora?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", "'from' (2020-01-01) is 2192 days before 'to' (2026-01-01); the API answers at most 1096 days (Analytics:Api:MaxPeriod).")]
    [InlineData("api/space/activity?from=2019-06-01T00:00:00Z&to=2023-06-01T00:00:00Z", "'from' (2019-06-01) is 1461 days before 'to' (2023-06-01); the API answers at most 1096 days (Analytics:Api:MaxPeriod).")]
    [InlineData("api/dashboards/leadership/panels/lead-time.csv?days=5000", "days=5000 is longer than the API answers: at most 1096 days (Analytics:Api:MaxPeriod).")]
    public async Task A_period_longer_than_allowed_gets_400_naming_the_parameter(string path, string expected)
    {
        using var response = await SendAsync(HttpMethod.Get, path, "203.0.113.40");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(expected, await DetailAsync(response));
    }

    [Fact]
    public async Task A_query_over_its_time_limit_gets_503_with_one_line()
    {
        var from = DateTimeOffset.UtcNow.Date.AddDays(-1000).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        using var response = await SendAsync(HttpMethod.Get, $"api/dora?from={from}T00:00:00Z", "203.0.113.50");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var detail = await DetailAsync(response);
        Assert.Equal("A query took longer than 0.001 s (Analytics:Api:QueryTimeout) and was stopped; ask for a shorter period, or again later.", detail);
        Assert.DoesNotContain("   at ", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_form_post_to_a_page_without_an_antiforgery_token_is_refused()
    {
        using var response = await SendAsync(HttpMethod.Post, "admin", "203.0.113.60", new FormUrlEncodedContent([new("name", "x")]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private static void AssertSecurityHeaders(HttpResponseMessage response)
    {
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'self'", policy);
        Assert.Matches(@"script-src 'self' 'nonce-[0-9a-f]{32}';", policy);
        Assert.Contains("frame-ancestors 'none'", policy);
        Assert.Contains("object-src 'none'", policy);
        Assert.DoesNotContain("unsafe-eval", policy);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("strict-origin-when-cross-origin", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Contains("camera=()", response.Headers.GetValues("Permissions-Policy").Single());
    }

    [GeneratedRegex(@"'nonce-([^']+)'")]
    private static partial Regex NonceInPolicy();

    [GeneratedRegex(@"<script(?![^>]*\bsrc=)[^>]*>")]
    private static partial Regex InlineScript();
}
