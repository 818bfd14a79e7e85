using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Analytics.Simulators.Shared;
using Microsoft.AspNetCore.Http;

namespace Analytics.Simulators.Jira;

/// <summary>An issue of the simulated Jira site (an incident, or a Jira Service Management request when <see cref="RequestType"/> is set).</summary>
public sealed class FakeJiraIssue
{
    public required string Key { get; init; }

    public string Project => Key[..Key.IndexOf('-', StringComparison.Ordinal)];

    public string IssueType { get; init; } = "Incident";

    public string Summary { get; set; } = "";

    public List<string> Labels { get; } = [];

    public List<string> Components { get; } = [];

    public string? Priority { get; set; }

    public string Status { get; set; } = "Open";

    public DateTimeOffset Created { get; init; }

    public DateTimeOffset Updated { get; set; }

    public DateTimeOffset? ResolutionDate { get; set; }

    /// <summary>The resolution's name (Jira's field <c>resolution</c>); a resolved issue without one reads "Done".</summary>
    public string? Resolution { get; set; }

    /// <summary>JSM's request type name (in the "Customer Request Type" field).</summary>
    public string? RequestType { get; init; }

    /// <summary>The changelog's status transitions: to which status, when.</summary>
    public List<(string To, DateTimeOffset At)> StatusChanges { get; } = [];

    /// <summary>Changes the issue's JSON as served, for bad-record tests.</summary>
    public Action<JsonObject>? Corrupt { get; set; }
}

/// <summary>
/// Jira's issue search as Jira Cloud (<c>GET /rest/api/3/search/jql</c>: <c>nextPageToken</c>, <c>isLast</c>; basic auth
/// email:API token; the removed <c>/rest/api/3/search</c> answers 410) or Data Center (<c>GET /rest/api/2/search</c>:
/// <c>startAt</c>, <c>maxResults</c>, <c>total</c>; a personal access token as bearer) serve it, with Jira's issue shape
/// (<c>key</c>, <c>fields</c> with Jira's <c>2026-04-14T10:02:00.000+0000</c> times, <c>changelog.histories</c> with
/// <c>expand=changelog</c>), its error body (<c>{"errorMessages":[…],"errors":{}}</c>) and its 429 with
/// <c>Retry-After</c> (and, on Cloud, <c>X-RateLimit-Reset</c>). It understands the JQL the Jira source writes:
/// <c>project|issuetype|labels in (…)</c> and <c>updated &gt;= "yyyy-MM-dd HH:mm"</c> (the token owner's zone: UTC) joined by
/// AND and OR with parentheses, <c>ORDER BY updated ASC</c>; anything else is a 400, as Jira refuses JQL it cannot parse.
/// </summary>
public sealed partial class FakeJiraServer : FakeVendorServer
{
    public const string RequestTypeField = "customfield_10010";

    private FakeJiraServer(TimeProvider clock, bool cloud, string email, string token) : base(clock) => (IsCloud, Email, Token) = (cloud, email, token);

    public bool IsCloud { get; }

    public string Email { get; }

    public string Token { get; }

    public List<FakeJiraIssue> Issues { get; } = [];

    public static async Task<FakeJiraServer> StartAsync(TimeProvider clock, bool cloud, string email, string token)
    {
        var server = new FakeJiraServer(clock, cloud, email, token) { RateLimit = 500 };
        await server.StartAsync();
        return server;
    }

    protected override bool IsAuthorised(HttpRequest request) =>
        request.Headers.Authorization.ToString() == (IsCloud ? "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Email}:{Token}")) : $"Bearer {Token}");

    protected override VendorAnswer Unauthorised() => Error(401, "You are not authenticated. Authentication required to perform this operation.");

    protected override VendorAnswer RateLimited(TimeSpan resetIn)
    {
        var answer = Error(429, "Rate limit exceeded.");
        answer.Headers["Retry-After"] = Math.Max(1, (int)Math.Ceiling(resetIn.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        if (IsCloud)
        {
            answer.Headers["X-RateLimit-Reset"] = (Clock.GetUtcNow() + resetIn).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture);
        }
        return answer;
    }

    protected override void AddRateLimitHeaders(Dictionary<string, string> headers, int limit, int remaining, TimeSpan resetIn)
    {
        headers["X-RateLimit-Limit"] = limit.ToString(CultureInfo.InvariantCulture);
        headers["X-RateLimit-Remaining"] = remaining.ToString(CultureInfo.InvariantCulture);
    }

    protected override VendorAnswer Route(HttpRequest request) => (request.Path.Value, IsCloud) switch
    {
        ("/rest/api/3/search/jql", true) => Search(request, cloud: true),
        ("/rest/api/3/search", true) => Error(410, "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API."),
        ("/rest/api/2/search", false) => Search(request, cloud: false),
        _ => Error(404, "Not found."),
    };

    private VendorAnswer Search(HttpRequest request, bool cloud)
    {
        var query = request.Query;
        if (Filter(query["jql"].ToString()) is not { } filter)
        {
            return Error(400, $"Error in the JQL Query: '{query["jql"]}' is not understood.");
        }
        var maxResults = int.TryParse(query["maxResults"], out var m) ? Math.Clamp(m, 1, 100) : 50;
        int startAt;
        if (cloud)
        {
            var token = query["nextPageToken"].ToString();
            startAt = token.Length == 0 ? 0 : int.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(token)), CultureInfo.InvariantCulture);
        }
        else
        {
            startAt = int.TryParse(query["startAt"], out var s) ? Math.Max(0, s) : 0;
        }
        var changelog = query["expand"].ToString().Split(',').Contains("changelog");
        var matching = Issues.Where(filter).OrderBy(i => i.Updated).ThenBy(i => i.Key, StringComparer.Ordinal).ToList();
        var issues = new JsonArray(matching.Skip(startAt).Take(maxResults).Select(i => (JsonNode?)IssueJson(i, changelog)).ToArray());
        var more = startAt + maxResults < matching.Count;
        JsonObject body = cloud
            ? new JsonObject { ["issues"] = issues, ["isLast"] = !more }
            : new JsonObject { ["expand"] = "schema,names", ["startAt"] = startAt, ["maxResults"] = maxResults, ["total"] = matching.Count, ["issues"] = issues };
        if (cloud && more)
        {
            body["nextPageToken"] = Convert.ToBase64String(Encoding.UTF8.GetBytes((startAt + maxResults).ToString(CultureInfo.InvariantCulture)));
        }
        return VendorAnswer.Json(200, body);
    }

    /// <summary>
    /// The issues a JQL of the Jira source's form selects; null for anything else. Clauses are joined by AND and OR, with
    /// parentheses; AND binds tighter than OR, as in Jira ("Order of operations for JQL": parentheses, comparisons, NOT, AND, OR).
    /// </summary>
    private static Func<FakeJiraIssue, bool>? Filter(string jql)
    {
        var where = OrderBy().Replace(jql, "");
        var position = 0;
        var filter = Or(where, ref position);
        return filter is not null && where[position..].Trim().Length == 0 ? filter : null;
    }

    private static Func<FakeJiraIssue, bool>? Or(string jql, ref int position)
    {
        var terms = new List<Func<FakeJiraIssue, bool>>();
        do
        {
            if (And(jql, ref position) is not { } term)
            {
                return null;
            }
            terms.Add(term);
        }
        while (Keyword(jql, ref position, "OR"));
        return issue => terms.Any(term => term(issue));
    }

    private static Func<FakeJiraIssue, bool>? And(string jql, ref int position)
    {
        var factors = new List<Func<FakeJiraIssue, bool>>();
        do
        {
            if (Factor(jql, ref position) is not { } factor)
            {
                return null;
            }
            factors.Add(factor);
        }
        while (Keyword(jql, ref position, "AND"));
        return issue => factors.All(factor => factor(issue));
    }

    private static Func<FakeJiraIssue, bool>? Factor(string jql, ref int position)
    {
        while (position < jql.Length && jql[position] == ' ')
        {
            position++;
        }
        if (position < jql.Length && jql[position] == '(')
        {
            position++;
            var inner = Or(jql, ref position);
            while (position < jql.Length && jql[position] == ' ')
            {
                position++;
            }
            if (inner is null || position >= jql.Length || jql[position] != ')')
            {
                return null;
            }
            position++;
            return inner;
        }
        if (InClause().Match(jql, position) is { Success: true } list)
        {
            position += list.Length;
            var values = Quoted().Matches(list.Groups["values"].Value).Select(v => v.Groups[1].Value).ToHashSet(StringComparer.OrdinalIgnoreCase);
            return list.Groups["field"].Value switch
            {
                "project" => i => values.Contains(i.Project),
                "issuetype" => i => values.Contains(i.IssueType),
                _ => i => i.Labels.Any(values.Contains),
            };
        }
        if (UpdatedClause().Match(jql, position) is { Success: true } updated
            && DateTime.TryParseExact(updated.Groups["at"].Value, "yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var since))
        {
            position += updated.Length;
            return i => i.Updated >= new DateTimeOffset(since, TimeSpan.Zero);
        }
        return null;
    }

    /// <summary>Moves past <paramref name="keyword"/> (with spaces either side) when it comes next.</summary>
    private static bool Keyword(string jql, ref int position, string keyword)
    {
        var match = KeywordPattern().Match(jql, position);
        if (!match.Success || !match.Groups["word"].Value.Equals(keyword, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        position += match.Length;
        return true;
    }

    private JsonObject IssueJson(FakeJiraIssue issue, bool changelog)
    {
        var fields = new JsonObject
        {
            ["summary"] = issue.Summary,
            ["created"] = Time(issue.Created),
            ["updated"] = Time(issue.Updated),
            ["resolutiondate"] = issue.ResolutionDate is { } resolved ? Time(resolved) : null,
            // Jira's resolution object (GET /rest/api/2/resolution); null while unresolved.
            ["resolution"] = issue.ResolutionDate is null ? null : new JsonObject
            {
                ["self"] = $"{BaseUrl}rest/api/2/resolution/{(issue.Resolution is null or "Done" ? "10000" : "10001")}",
                ["id"] = issue.Resolution is null or "Done" ? "10000" : "10001",
                ["description"] = "",
                ["name"] = issue.Resolution ?? "Done",
            },
            ["priority"] = issue.Priority is { } priority ? new JsonObject { ["self"] = $"{BaseUrl}rest/api/2/priority/1", ["name"] = priority, ["id"] = "1" } : null,
            ["status"] = new JsonObject { ["name"] = issue.Status, ["id"] = "10001" },
            ["issuetype"] = new JsonObject { ["name"] = issue.IssueType, ["id"] = "10002", ["subtask"] = false },
            ["project"] = new JsonObject { ["key"] = issue.Project, ["name"] = issue.Project, ["id"] = "10000" },
            ["labels"] = new JsonArray(issue.Labels.Select(l => (JsonNode?)l).ToArray()),
            ["components"] = new JsonArray(issue.Components.Select(c => (JsonNode?)new JsonObject { ["name"] = c, ["id"] = "100" }).ToArray()),
        };
        if (issue.RequestType is { } type)
        {
            fields[RequestTypeField] = new JsonObject
            {
                ["_links"] = new JsonObject { ["web"] = $"{BaseUrl}servicedesk/customer/portal/1/{issue.Key}" },
                ["requestType"] = new JsonObject { ["id"] = "12", ["name"] = type },
                ["currentStatus"] = new JsonObject { ["status"] = issue.Status },
            };
        }
        var json = new JsonObject
        {
            ["expand"] = "operations,changelog",
            ["id"] = Math.Abs(issue.Key.GetHashCode(StringComparison.Ordinal) % 100000).ToString(CultureInfo.InvariantCulture),
            ["self"] = $"{BaseUrl}rest/api/{(IsCloud ? 3 : 2)}/issue/{issue.Key}",
            ["key"] = issue.Key,
            ["fields"] = fields,
        };
        if (changelog)
        {
            var histories = issue.StatusChanges.Select((change, index) => (JsonNode?)new JsonObject
            {
                ["id"] = (1000 + index).ToString(CultureInfo.InvariantCulture),
                ["created"] = Time(change.At),
                ["items"] = new JsonArray(new JsonObject { ["field"] = "status", ["fieldtype"] = "jira", ["toString"] = change.To }),
            }).ToArray();
            json["changelog"] = new JsonObject { ["startAt"] = 0, ["maxResults"] = histories.Length, ["total"] = histories.Length, ["histories"] = new JsonArray(histories) };
        }
        issue.Corrupt?.Invoke(json);
        return json;
    }

    private static VendorAnswer Error(int status, string message) =>
        VendorAnswer.Json(status, new JsonObject { ["errorMessages"] = new JsonArray(message), ["errors"] = new JsonObject() });

    /// <summary>Jira's time format: milliseconds and an offset without a colon.</summary>
    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+0000'", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"\s+ORDER BY updated ASC\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex OrderBy();

    [GeneratedRegex(@"\G(?<field>project|issuetype|labels) in \((?<values>\s*""(?:[^""\\]|\\.)*""(?:\s*,\s*""(?:[^""\\]|\\.)*"")*\s*)\)")]
    private static partial Regex InClause();

    [GeneratedRegex("\"((?:[^\"\\\\]|\\\\.)*)\"")]
    private static partial Regex Quoted();

    [GeneratedRegex("\\Gupdated >= \"(?<at>[^\"]+)\"")]
    private static partial Regex UpdatedClause();

    [GeneratedRegex(@"\G\s+(?<word>AND|OR)\s+", RegexOptions.IgnoreCase)]
    private static partial Regex KeywordPattern();
}
