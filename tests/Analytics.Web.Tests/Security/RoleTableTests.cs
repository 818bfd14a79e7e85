using System.Net;
using Analytics.Storage.Catalog;
using Analytics.Web.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Analytics.Web.Tests.Security;

/// <summary>
/// Who may reach what, in one table: every endpoint the app maps (read from its EndpointDataSource, so a new endpoint
/// without a row fails here) tried with no one signed in, a signed-in account with no role, and each role, against a
/// second host of the app in mode Local over the fixture's store and catalog.
/// </summary>
[Collection(AnalyticsAppCollection.Name)]
public sealed class RoleTableTests(AnalyticsAppFixture fixture)
{
    public enum Access
    {
        /// <summary>No sign-in needed (the sign-in pages, the error pages, static files).</summary>
        Anyone,

        /// <summary>Any role: organisation and team figures.</summary>
        Figures,

        /// <summary>survey-analyst or admin.</summary>
        Surveys,

        /// <summary>team-lead (of the team asked for, or of every team) or admin: the rows behind the figures.</summary>
        Rows,

        /// <summary>admin only.</summary>
        Admin,

        /// <summary>The push endpoints' own bearer token (sec-keys); a signed-in person without one gets 401 like anyone.</summary>
        PushToken,
    }

    private const string Password = "correct horse battery staple";

    /// <summary>"METHOD pattern" → who may, and the address tried ({team}: a team of the demo organisation).</summary>
    private static readonly Dictionary<string, (Access Access, string Url)> Table = new()
    {
        // Pages: GET renders, POST is Blazor's form handling (refused without an antiforgery token once through the policy).
        ["GET /"] = (Access.Figures, "/"),
        ["POST /"] = (Access.Figures, "/"),
        ["GET /dashboards/{Name}"] = (Access.Figures, "/dashboards/leadership"),
        ["POST /dashboards/{Name}"] = (Access.Figures, "/dashboards/leadership"),
        ["GET /teams/{Team}"] = (Access.Figures, "/teams/{team}"),
        ["POST /teams/{Team}"] = (Access.Figures, "/teams/{team}"),
        ["GET /reports/monthly"] = (Access.Figures, "/reports/monthly"),
        ["POST /reports/monthly"] = (Access.Figures, "/reports/monthly"),
        ["GET /admin"] = (Access.Admin, "/admin"),
        ["POST /admin"] = (Access.Admin, "/admin"),
        ["GET /error"] = (Access.Anyone, "/error"),
        ["POST /error"] = (Access.Anyone, "/error"),
        ["GET /not-found"] = (Access.Anyone, "/not-found"),
        ["POST /not-found"] = (Access.Anyone, "/not-found"),
        ["GET /account/signin"] = (Access.Anyone, "/account/signin"),
        ["POST /account/signin"] = (Access.Anyone, "/account/signin"),
        ["GET /account/denied"] = (Access.Anyone, "/account/denied"),
        ["POST /account/denied"] = (Access.Anyone, "/account/denied"),
        ["POST /account/password"] = (Access.Anyone, "/account/password"),
        ["POST /account/signout"] = (Access.Anyone, "/account/signout"),
        ["GET /account/challenge"] = (Access.Anyone, "/account/challenge"),
        ["GET /api/dora"] = (Access.Figures, "/api/dora"),
        ["GET /api/dora/series"] = (Access.Figures, "/api/dora/series"),
        ["GET /api/teams/{team}/dora"] = (Access.Figures, "/api/teams/{team}/dora"),
        ["GET /api/dora/breakdown"] = (Access.Figures, "/api/dora/breakdown?by=service"),
        ["GET /api/annotations"] = (Access.Figures, "/api/annotations"),
        ["GET /api/dora/rows"] = (Access.Rows, "/api/dora/rows?kind=deployments&limit=1"),
        ["GET /api/space/satisfaction"] = (Access.Surveys, "/api/space/satisfaction"),
        ["GET /api/space/activity"] = (Access.Figures, "/api/space/activity"),
        ["GET /api/space/collaboration"] = (Access.Figures, "/api/space/collaboration"),
        ["GET /api/space/flow"] = (Access.Figures, "/api/space/flow"),
        ["GET /api/adoption/golden-path"] = (Access.Figures, "/api/adoption/golden-path"),
        ["GET /api/adoption/templates"] = (Access.Figures, "/api/adoption/templates"),
        ["GET /api/adoption/self-service"] = (Access.Figures, "/api/adoption/self-service"),
        ["GET /api/adoption/first-deploy"] = (Access.Figures, "/api/adoption/first-deploy"),
        ["GET /api/roi"] = (Access.Figures, "/api/roi"),
        ["GET /api/dashboards"] = (Access.Figures, "/api/dashboards"),
        ["GET /api/dashboards/{name}/panels/{file}"] = (Access.Figures, "/api/dashboards/leadership/panels/teams.csv"),
        ["GET /api/reports/monthly/{file}"] = (Access.Figures, "/api/reports/monthly/dora.csv"),
        // Probes: a load balancer or Kubernetes does not sign in; the answers hold no figures.
        ["ANY /health/live"] = (Access.Anyone, "/health/live"),
        ["ANY /health/ready"] = (Access.Anyone, "/health/ready"),
        ["POST /api/push/deployments"] = (Access.PushToken, "/api/push/deployments"),
        ["POST /api/push/incidents"] = (Access.PushToken, "/api/push/incidents"),
        ["POST /api/push/commits"] = (Access.PushToken, "/api/push/commits"),
        ["POST /api/push/pull-requests"] = (Access.PushToken, "/api/push/pull-requests"),
        ["POST /api/push/reviews"] = (Access.PushToken, "/api/push/reviews"),
        // The interchange format's schemas are public documentation, like docs/interchange/ in the repository.
        ["GET /api/push/schemas/{file}"] = (Access.Anyone, "/api/push/schemas/commits.schema.json"),
        // GitHub's deliveries prove themselves by their signature with the webhook secret, as pushes by their token.
        ["POST /api/webhooks/github"] = (Access.PushToken, "/api/webhooks/github"),
        // The circuit: no one without a role opens one (every page inside it is checked again by AuthorizeRouteView).
        ["ANY /_blazor/negotiate"] = (Access.Figures, "/_blazor/negotiate?negotiateVersion=1"),
        ["ANY /_blazor"] = (Access.Figures, "/_blazor"),
        ["ANY /_blazor/disconnect/"] = (Access.Figures, "/_blazor/disconnect/"),
        ["ANY /_blazor/initializers/"] = (Access.Figures, "/_blazor/initializers/"),
        ["GET /_framework/opaque-redirect"] = (Access.Figures, "/_framework/opaque-redirect"),

    };

    /// <summary>Who tries: null is no one signed in; "" is an account with no role.</summary>
    private static readonly string?[] People = [null, "", .. AnalyticsRoles.All];

    [Fact]
    public async Task Every_endpoint_answers_each_role_as_the_table_says()
    {
        await using var app = await StartLocalModeAsync();
        var baseAddress = AnalyticsAppFixture.AddressOf(app);
        var team = (await fixture.Services.GetRequiredService<CatalogLookups>().TeamSlugsAsync()).First();

        var endpoints = EndpointsOf(app);
        var missing = endpoints.Where(endpoint => !Table.ContainsKey(endpoint)).ToList();
        Assert.True(missing.Count == 0, "Endpoints without a row in the role table (add one saying who may reach it): " + string.Join(", ", missing));
        Assert.True(!Table.Keys.Except(endpoints).Any(), "Rows for endpoints the app no longer maps: " + string.Join(", ", Table.Keys.Except(endpoints)));

        var failures = new List<string>();
        foreach (var person in People)
        {
            using var client = await ClientForAsync(baseAddress, person);
            foreach (var (endpoint, (access, url)) in Table)
            {
                var method = endpoint[..endpoint.IndexOf(' ')] is "ANY" ? "POST" : endpoint[..endpoint.IndexOf(' ')];
                using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), url.Replace("{team}", team).TrimStart('/'))
                {
                    // A form post, as a browser's (antiforgery applies to those): refused with 400 without a token, once past the policy.
                    Content = method == "POST" ? new FormUrlEncodedContent([]) : null,
                });
                var expected = Expected(access, person, url);
                var actual = Outcome(response);
                if (expected != actual)
                {
                    failures.Add($"{endpoint} as {Describe(person)}: expected {expected}, got {actual} ({(int)response.StatusCode} {response.Headers.Location})");
                }
            }
        }
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public async Task A_team_lead_sees_the_rows_of_their_team_only_and_a_viewer_none()
    {
        await using var app = await StartLocalModeAsync();
        var baseAddress = AnalyticsAppFixture.AddressOf(app);
        var teams = await fixture.Services.GetRequiredService<CatalogLookups>().TeamSlugsAsync();
        var (own, other) = (teams[0], teams[1]);
        var accounts = fixture.Services.GetRequiredService<UserAccounts>();
        var lead = $"lead-{Guid.NewGuid():N}";
        await accounts.AddAsync(lead, LocalAccountPasswords.Hash(Password), [AnalyticsRoles.TeamLead], [own]);
        var (leadClient, _) = await SignInClient.SignInAsync(baseAddress, lead, Password);
        using var viewerClient = await ClientForAsync(baseAddress, AnalyticsRoles.Viewer);

        Assert.DoesNotContain("rows-withheld", await leadClient.GetStringAsync($"teams/{own}"));
        Assert.Contains("rows-withheld", await leadClient.GetStringAsync($"teams/{other}"));
        Assert.Contains("rows-withheld", await viewerClient.GetStringAsync($"teams/{own}"));
        // The page shows the figures either way.
        Assert.Contains("Deployment frequency", await viewerClient.GetStringAsync($"teams/{own}"));
        leadClient.Dispose();
    }

    [Fact]
    public async Task The_rows_API_answers_a_team_lead_for_their_team_only_as_the_team_page_shows_them()
    {
        await using var app = await StartLocalModeAsync();
        var baseAddress = AnalyticsAppFixture.AddressOf(app);
        var teams = await fixture.Services.GetRequiredService<CatalogLookups>().TeamSlugsAsync();
        var (own, other) = (teams[0], teams[1]);
        var lead = $"lead-{Guid.NewGuid():N}";
        await fixture.Services.GetRequiredService<UserAccounts>().AddAsync(lead, LocalAccountPasswords.Hash(Password), [AnalyticsRoles.TeamLead], [own]);
        var (leadClient, _) = await SignInClient.SignInAsync(baseAddress, lead, Password);
        using var viewerClient = await ClientForAsync(baseAddress, AnalyticsRoles.Viewer);
        using var adminClient = await ClientForAsync(baseAddress, AnalyticsRoles.Admin);

        using (leadClient)
        {
            Assert.Equal(HttpStatusCode.OK, (await leadClient.GetAsync($"api/dora/rows?kind=deployments&team={own}")).StatusCode);
            var refused = await leadClient.GetAsync($"api/dora/rows?kind=deployments&team={other}");
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Contains($"team '{other}'", await refused.Content.ReadAsStringAsync());
            // Every team's rows are not one team's lead's to see, as the organisation's drill-down is not.
            Assert.Equal(HttpStatusCode.Forbidden, (await leadClient.GetAsync("api/dora/rows?kind=incidents")).StatusCode);
        }
        Assert.Equal(HttpStatusCode.Forbidden, (await viewerClient.GetAsync($"api/dora/rows?kind=deployments&team={own}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await adminClient.GetAsync("api/dora/rows?kind=incidents")).StatusCode);
    }

    private static string Describe(string? person) => person switch { null => "no one", "" => "an account with no role", _ => person };

    /// <summary>What the table says <paramref name="person"/> should get at <paramref name="url"/>.</summary>
    private static string Expected(Access access, string? person, string url)
    {
        var allowed = access switch
        {
            Access.Anyone => true,
            Access.Figures => person is { Length: > 0 },
            Access.Surveys => person is AnalyticsRoles.SurveyAnalyst or AnalyticsRoles.Admin,
            Access.Rows => person is AnalyticsRoles.TeamLead or AnalyticsRoles.Admin,
            Access.Admin => person is AnalyticsRoles.Admin,
            _ => false,
        };
        if (access == Access.PushToken)
        {
            return "401";
        }
        if (allowed)
        {
            return "allowed";
        }
        var api = url.StartsWith("/api/", StringComparison.Ordinal);
        return (person, api) switch
        {
            (null, true) => "401",
            (_, true) => "403",
            (null, false) => "to sign-in",
            _ => "to access denied",
        };
    }

    private static string Outcome(HttpResponseMessage response) => response.StatusCode switch
    {
        HttpStatusCode.Unauthorized => "401",
        HttpStatusCode.Forbidden => "403",
        HttpStatusCode.Redirect when SignInClient.RedirectPath(response) == AnalyticsAuthentication.SignInPath
            && !response.Headers.Location!.OriginalString.Contains("signedOut", StringComparison.Ordinal) => "to sign-in",
        HttpStatusCode.Redirect when SignInClient.RedirectPath(response) == AnalyticsAuthentication.DeniedPath => "to access denied",
        _ => "allowed",
    };

    /// <summary>"METHOD pattern" of every endpoint but the static files (which are all Anyone: checked on one below).</summary>
    private static HashSet<string> EndpointsOf(WebApplication app) =>
        app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(endpoint => !IsStaticFile(endpoint.RoutePattern.RawText ?? ""))
            .SelectMany(endpoint => (endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["ANY"])
                .Select(method => $"{method} {Normalise(endpoint.RoutePattern.RawText!)}"))
            .Where(endpoint => !endpoint.StartsWith("HEAD ", StringComparison.Ordinal))
            .ToHashSet();

    private static string Normalise(string pattern) => pattern.StartsWith('/') ? pattern : "/" + pattern;

    private static bool IsStaticFile(string pattern) => Path.HasExtension(pattern.Split('/')[^1]) || pattern.Contains("{**", StringComparison.Ordinal);

    [Fact]
    public async Task Static_files_need_no_sign_in_so_the_sign_in_page_is_styled()
    {
        await using var app = await StartLocalModeAsync();
        using var client = SignInClient.Anonymous(AnalyticsAppFixture.AddressOf(app));

        var response = await client.GetAsync("app.css");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private async Task<HttpClient> ClientForAsync(Uri baseAddress, string? role)
    {
        if (role is null)
        {
            return SignInClient.Anonymous(baseAddress);
        }
        var name = $"{(role.Length == 0 ? "nobody" : role)}-{Guid.NewGuid():N}";
        await fixture.Services.GetRequiredService<UserAccounts>().AddAsync(name, LocalAccountPasswords.Hash(Password), role.Length == 0 ? [] : [role], []);
        var (client, response) = await SignInClient.SignInAsync(baseAddress, name, Password);
        Assert.Equal("/", SignInClient.RedirectPath(response));
        return client;
    }

    /// <summary>The app again, in mode Local, over the fixture's store and catalog (the accounts go into that catalog).</summary>
    private Task<WebApplication> StartLocalModeAsync() =>
        AnalyticsAppFixture.StartAsync(new Dictionary<string, string?>(fixture.Settings)
        {
            ["Analytics:Auth:Mode"] = "Local",
            // The table asks /account/* from one address far more often than a person signs in (HardeningTests test the limit).
            ["Analytics:RateLimits:Account:PermitLimit"] = "10000",
        }, new RecordingLoggerProvider());
}
