using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Analytics.Simulators.Shared;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Analytics.Simulators.GitHub;

/// <summary>A request the fake answered.</summary>
/// <param name="Conditional">It carried If-None-Match.</param>
/// <param name="Cost">
/// Rate-limit points it spent: 1 for an answered REST request, 0 for a 304 or a refused one; a GraphQL query's
/// computed cost (see FakeGitHubGraphQl.cs), as on GitHub.
/// </param>
/// <param name="Api">Which API it went to: <see cref="FakeGitHubServer.RestApi"/> or <see cref="FakeGitHubServer.GraphQlApi"/>.</param>
public sealed record ServedRequest(string PathAndQuery, int Status, bool Conditional, int Cost, string Api = FakeGitHubServer.RestApi);

/// <summary>A fault served instead of the real answer to the next <see cref="Times"/> matching requests.</summary>
public sealed class FakeFault
{
    public required Func<string, bool> Matches { get; init; }

    public int Times { get; set; } = 1;

    public int Status { get; init; } = 502;

    public string Body { get; init; } = "<html><body><h1>502 Bad Gateway</h1></body></html>";

    public string ContentType { get; init; } = "text/html";

    public Dictionary<string, string> Headers { get; init; } = [];

    /// <summary>Wait this long (real time) before answering: longer than the client's timeout, it times out.</summary>
    public TimeSpan Delay { get; init; }

    /// <summary>Puts the request's Authorization header into the body, as a careless proxy might.</summary>
    public bool EchoAuthorization { get; init; }

    /// <summary>Serves the real answer cut in half instead of <see cref="Body"/>, as a proxy that dropped the connection would (the GitLab simulator).</summary>
    public bool Truncated { get; init; }
}

/// <summary>
/// GitHub's REST API for the few endpoints the GitHub source reads (and its GraphQL API: FakeGitHubGraphQl.cs), served by Kestrel on a loopback port and
/// routed under <c>/api/v3/</c> as GitHub Enterprise Server is. Bodies are built from the real response examples
/// in <c>Fixtures/</c> (see the README there); pages follow GitHub's rules (<c>per_page</c>, <c>page</c>, a Link
/// header with absolute addresses of this server); ETags are hashes of the body, and If-None-Match answers 304.
/// The rate limit is counted like GitHub's: each answered request costs a point, a 304 costs none; when the
/// points are gone every request gets 403 with <c>X-RateLimit-Remaining: 0</c> until the window resets on the
/// server's clock (a test's fake clock, or the system's).
/// </summary>
public sealed partial class FakeGitHubServer : IAsyncDisposable
{
    /// <summary>The status recorded for a request the client abandoned before the answer came (nginx's 499).</summary>
    public const int ClientClosedRequest = 499;

    private const string ApiRoot = "/api/v3/";

    public const string RestApi = "rest";

    public const string GraphQlApi = "graphql";

    private readonly WebApplication _app;
    private readonly TimeProvider _clock;
    private readonly object _gate = new();
    private readonly FaultQueue _faults = new();
    private readonly List<ServedRequest> _served = [];
    private long _pointsSpent;
    private int _remaining;
    private DateTimeOffset _resetAt = DateTimeOffset.MinValue;

    private readonly Dictionary<string, JsonObject> _templates = GitHubFixtures.Names.ToDictionary(name => name, GitHubFixtures.Load, StringComparer.Ordinal);

    private FakeGitHubServer(WebApplication app, TimeProvider clock, string token, IReadOnlyList<FakeOrganisation> organisations)
    {
        _app = app;
        _clock = clock;
        Token = token;
        Organisations = organisations;
    }

    public string Token { get; }

    public IReadOnlyList<FakeOrganisation> Organisations { get; }

    /// <summary>The server's address, e.g. http://127.0.0.1:41234/ (Octokit adds /api/v3/).</summary>
    public string BaseUrl => _app.Urls.Single() + "/";

    public int RateLimit { get; set; } = 5000;

    public TimeSpan RateLimitWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Called after each answer (outside the server's lock), e.g. to cancel a run between two pages.</summary>
    public Action<ServedRequest>? OnServed { get; set; }

    public IReadOnlyList<ServedRequest> Served
    {
        get
        {
            lock (_gate)
            {
                return _served.ToList();
            }
        }
    }

    /// <summary>Rate-limit points spent since the server started (not reset by <see cref="ClearServed"/>).</summary>
    public long PointsSpent
    {
        get
        {
            lock (_gate)
            {
                return _pointsSpent;
            }
        }
    }

    public static async Task<FakeGitHubServer> StartAsync(TimeProvider clock, string token, params FakeOrganisation[] organisations)
    {
        FakeGitHubServer? server = null;
        await LoopbackServer.StartAsync(app => (server = new FakeGitHubServer(app, clock, token, organisations)).HandleAsync);
        return server!;
    }

    public void Fail(FakeFault fault) => _faults.Add(fault);

    public void ClearServed()
    {
        lock (_gate)
        {
            _served.Clear();
        }
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task HandleAsync(HttpContext http)
    {
        var request = http.Request;
        var pathAndQuery = request.Path + request.QueryString;
        var authorization = request.Headers.Authorization.ToString();
        var conditional = request.Headers.IfNoneMatch.ToString() is { Length: > 0 } ifNoneMatch ? ifNoneMatch : null;

        if (request.Method == HttpMethods.Post && AppRoute(request) is { } installationId)
        {
            // Exchanging an app's JWT for an installation token costs no rate-limit point, as on GitHub.
            await AnswerAsync(http, IssueInstallationToken(installationId, authorization), pathAndQuery, conditional, cost: 0);
            return;
        }

        var fault = _faults.Take(pathAndQuery);
        if (fault is not null)
        {
            if (fault.Delay > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(fault.Delay, http.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    // The client gave up waiting: recorded as nginx does, 499.
                    Record(new ServedRequest(pathAndQuery, ClientClosedRequest, conditional is not null, 0));
                    return;
                }
            }
            var body = fault.EchoAuthorization ? fault.Body.Replace("{authorization}", authorization, StringComparison.Ordinal) : fault.Body;
            await AnswerAsync(http, new Answer(fault.Status, body, fault.ContentType, null, fault.Headers), pathAndQuery, conditional, cost: 0);
            return;
        }

        if (request.Method == HttpMethods.Post && request.Path == GraphQlPath)
        {
            await GraphQlAsync(http, pathAndQuery, authorization);
            return;
        }

        Answer answer;
        var cost = 0;
        lock (_gate)
        {
            var now = _clock.GetUtcNow();
            if (now >= _resetAt)
            {
                (_remaining, _resetAt) = (RateLimit, now + RateLimitWindow);
            }
            if (!IsAuthorised(authorization))
            {
                answer = Error(401, "Bad credentials");
            }
            else if (_remaining <= 0)
            {
                answer = Error(403, "API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, please include the request ID.");
            }
            else
            {
                answer = Route(request);
                var etag = $"W/\"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(answer.Body)))}\"";
                if (answer.Status == 200 && conditional == etag)
                {
                    answer = new Answer(304, "", null, etag, []);
                }
                else
                {
                    answer = answer with { ETag = answer.Status == 200 ? etag : null };
                    cost = 1;
                    _remaining--;
                }
            }
            answer.Headers["X-RateLimit-Limit"] = RateLimit.ToString(CultureInfo.InvariantCulture);
            answer.Headers["X-RateLimit-Remaining"] = _remaining.ToString(CultureInfo.InvariantCulture);
            answer.Headers["X-RateLimit-Used"] = (RateLimit - _remaining).ToString(CultureInfo.InvariantCulture);
            answer.Headers["X-RateLimit-Reset"] = _resetAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            answer.Headers["X-RateLimit-Resource"] = "core";
        }
        await AnswerAsync(http, answer, pathAndQuery, conditional, cost);
    }

    private async Task AnswerAsync(HttpContext http, Answer answer, string pathAndQuery, string? conditional, int cost)
    {
        var served = new ServedRequest(pathAndQuery, answer.Status, conditional is not null, cost, pathAndQuery == GraphQlPath ? GraphQlApi : RestApi);
        Record(served);
        http.Response.StatusCode = answer.Status;
        foreach (var (name, value) in answer.Headers)
        {
            http.Response.Headers[name] = value;
        }
        if (answer.ETag is not null)
        {
            http.Response.Headers.ETag = answer.ETag;
        }
        if (answer.Status != 304)
        {
            http.Response.ContentType = answer.ContentType ?? "application/json; charset=utf-8";
            await http.Response.WriteAsync(answer.Body);
        }
        OnServed?.Invoke(served);
    }

    private void Record(ServedRequest served)
    {
        lock (_gate)
        {
            _served.Add(served);
            _pointsSpent += served.Cost;
        }
    }

    private bool IsAuthorised(string authorization)
    {
        var parts = authorization.Split(' ', 2);
        return parts.Length == 2 && parts[0].ToLowerInvariant() is "token" or "bearer" && (parts[1] == Token || IsInstallationToken(parts[1]));
    }

    private Answer Route(HttpRequest request)
    {
        var path = request.Path.Value ?? "";
        if (!path.StartsWith(ApiRoot, StringComparison.Ordinal))
        {
            return Error(404, "Not Found");
        }
        var segments = path[ApiRoot.Length..].Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        var query = request.Query;
        if (segments is ["orgs", var login, "repos"])
        {
            var organisation = Organisations.FirstOrDefault(o => o.Login == login);
            return organisation is null ? Error(404, "Not Found") : List(request, organisation.Repositories, RepositoryJson);
        }
        if (segments.Length < 3 || segments[0] != "repos")
        {
            return Error(404, "Not Found");
        }
        var repository = Organisations.SelectMany(o => o.Repositories).FirstOrDefault(r => r.Owner == segments[1] && r.Name == segments[2]);
        if (repository is null)
        {
            return Error(404, "Not Found");
        }
        switch (segments[3..])
        {
            case []:
                return Ok(RepositoryJson(repository).ToJsonString());
            case ["commits"]:
            {
                var since = query["since"].ToString() is { Length: > 0 } s ? DateTimeOffset.Parse(s, CultureInfo.InvariantCulture) : DateTimeOffset.MinValue;
                var history = repository.History(query["sha"].ToString() is { Length: > 0 } sha ? sha : repository.DefaultBranch);
                return List(request, history.Where(c => c.At >= since).ToList(), c => CommitJson(repository, c));
            }
            case ["commits", var sha]:
            {
                if (!repository.Commits.TryGetValue(sha, out var commit))
                {
                    return Error(422, "No commit found for SHA: " + sha);
                }
                var json = CommitJson(repository, commit);
                json["files"] = new JsonArray(commit.Files.Select(file => (JsonNode)new JsonObject { ["filename"] = file, ["status"] = "modified" }).ToArray());
                return Ok(json.ToJsonString());
            }
            case ["pulls"]:
                return List(request, repository.Pulls.OrderByDescending(p => p.UpdatedAt).ThenByDescending(p => p.Number).ToList(), p => PullJson(repository, p));
            case ["pulls", var number, "commits"]:
                return repository.Pulls.FirstOrDefault(p => Matches(number, p.Number)) is { } pull
                    ? List(request, pull.CommitShas, sha => CommitJson(repository, repository.Commits[FakeRepository.Pad(sha)]))
                    : Error(404, "Not Found");
            case ["pulls", var number, "reviews"]:
                return repository.Pulls.FirstOrDefault(p => Matches(number, p.Number)) is { } reviewed
                    ? List(request, reviewed.Reviews, r => ReviewJson(repository, reviewed, r))
                    : Error(404, "Not Found");
            case ["deployments"]:
                return List(request, repository.Deployments.OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id).ToList(), d => DeploymentJson(repository, d));
            case ["deployments", var id, "statuses"]:
                return repository.Deployments.FirstOrDefault(d => Matches(id, d.Id)) is { } deployment
                    ? List(request, deployment.Statuses.OrderByDescending(s => s.At).ThenByDescending(s => s.Id).ToList(), s => StatusJson(repository, deployment, s))
                    : Error(404, "Not Found");
            case ["releases"]:
                return List(request, repository.Releases.OrderByDescending(r => r.CreatedAt).ToList(), r => ReleaseJson(repository, r));
            case ["tags"]:
                return List(request, repository.Tags.OrderByDescending(t => t.Key, StringComparer.Ordinal).ToList(), t => TagJson(repository, t.Key, t.Value));
            case ["actions", "workflows"]:
                return List(request, repository.Workflows, w => WorkflowJson(repository, w), Wrapped("workflows", repository.Workflows.Count));
            case ["actions", "workflows", var workflowId, "runs"]:
            {
                var workflow = repository.Workflows.FirstOrDefault(w => w.Id.ToString(CultureInfo.InvariantCulture) == workflowId);
                if (workflow is null)
                {
                    return Error(404, "Not Found");
                }
                var branch = query["branch"].ToString();
                var runs = workflow.Runs.Where(r => branch.Length == 0 || r.Branch == branch).OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id).ToList();
                return List(request, runs, r => RunJson(repository, workflow, r), Wrapped("workflow_runs", runs.Count));
            }
            case ["compare", var basehead]:
                return Compare(request, repository, basehead);
            case ["issues"]:
            {
                var labels = query["labels"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries);
                var since = query["since"].ToString() is { Length: > 0 } s ? DateTimeOffset.Parse(s, CultureInfo.InvariantCulture) : DateTimeOffset.MinValue;
                var issues = repository.Issues
                    .Where(i => labels.All(l => i.Labels.Contains(l)) && i.UpdatedAt >= since)
                    .OrderByDescending(i => i.UpdatedAt).ThenByDescending(i => i.Number).ToList();
                return List(request, issues, i => IssueJson(repository, i));
            }
            default:
                return Error(404, "Not Found");
        }
    }

    /// <summary>
    /// <c>GET /repos/{owner}/{repo}/compare/{base}...{head}</c>: the commits reachable from head and not from base
    /// (<c>git log base..head</c>), oldest first as GitHub lists them, paged like every list, inside the comparison
    /// object (status, ahead/behind counts, base and merge-base commits; changed files on the first page only).
    /// 404 when either side is unknown, as GitHub answers for a sha it no longer has.
    /// </summary>
    private Answer Compare(HttpRequest request, FakeRepository repository, string basehead)
    {
        var sides = basehead.Split("...", 2);
        if (sides.Length != 2 || repository.Resolve(sides[0]) is not { } @base || repository.Resolve(sides[1]) is not { } head)
        {
            return Error(404, "Not Found");
        }
        var fromBase = repository.Reachable(@base);
        var fromHead = repository.Reachable(head);
        var ahead = fromHead.Except(fromBase).Select(sha => repository.Commits[sha]).OrderBy(c => c.At).ThenBy(c => c.Sha, StringComparer.Ordinal).ToList();
        var behindBy = fromBase.Count(sha => !fromHead.Contains(sha));
        var mergeBase = fromBase.Where(fromHead.Contains).Select(sha => repository.Commits[sha]).MaxBy(c => c.At);
        return List(request, ahead, c => CommitJson(repository, c), (commits, firstPage) =>
        {
            var json = Template("commit-comparison");
            json["url"] = Api(repository, $"/compare/{basehead}");
            json["html_url"] = Html(repository, $"/compare/{basehead}");
            json["permalink_url"] = Html(repository, $"/compare/{repository.Owner}:{@base}...{repository.Owner}:{head}");
            json["diff_url"] = Html(repository, $"/compare/{basehead}.diff");
            json["patch_url"] = Html(repository, $"/compare/{basehead}.patch");
            json["base_commit"] = CommitJson(repository, repository.Commits[@base]);
            json["merge_base_commit"] = mergeBase is null ? null : CommitJson(repository, mergeBase);
            json["status"] = (ahead.Count, behindBy) switch { (0, 0) => "identical", (_, 0) => "ahead", (0, _) => "behind", _ => "diverged" };
            json["ahead_by"] = ahead.Count;
            json["behind_by"] = behindBy;
            json["total_commits"] = ahead.Count;
            json["commits"] = commits;
            if (!firstPage)
            {
                json["files"] = new JsonArray();
            }
            return json;
        });
    }

    /// <summary>A list wrapped in an object, e.g. <c>{"total_count": …, "workflow_runs": […]}</c>.</summary>
    private static Func<JsonArray, bool, JsonNode> Wrapped(string name, int total) => (items, _) => new JsonObject { ["total_count"] = total, [name] = items };

    /// <summary>A page of <paramref name="all"/> with GitHub's Link header; inside the object <paramref name="envelope"/> builds (given the page's items and whether it is the first page) when given.</summary>
    /// <remarks>Only the page's items are turned into JSON: a large organisation is read page by page, and building every item for each page would make a full sync quadratic.</remarks>
    private static Answer List<T>(HttpRequest request, IReadOnlyList<T> all, Func<T, JsonObject> toJson, Func<JsonArray, bool, JsonNode>? envelope = null)
    {
        var perPage = int.TryParse(request.Query["per_page"], out var size) ? Math.Clamp(size, 1, 100) : 30;
        var page = int.TryParse(request.Query["page"], out var number) ? Math.Max(1, number) : 1;
        var last = Math.Max(1, (all.Count + perPage - 1) / perPage);
        var array = new JsonArray(all.Skip((page - 1) * perPage).Take(perPage).Select(item => (JsonNode)toJson(item)).ToArray());
        var body = envelope is null ? array : envelope(array, page == 1);

        var links = new List<string>();
        if (page < last)
        {
            links.Add($"<{PageUrl(request, page + 1)}>; rel=\"next\"");
            links.Add($"<{PageUrl(request, last)}>; rel=\"last\"");
        }
        if (page > 1)
        {
            links.Add($"<{PageUrl(request, 1)}>; rel=\"first\"");
            links.Add($"<{PageUrl(request, page - 1)}>; rel=\"prev\"");
        }
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (links.Count > 0)
        {
            headers["Link"] = string.Join(", ", links);
        }
        return new Answer(200, body.ToJsonString(), null, null, headers);
    }

    /// <summary>This server's own absolute address of another page: Octokit follows the Link header as written.</summary>
    private static string PageUrl(HttpRequest request, int page)
    {
        var query = request.Query.Where(q => q.Key != "page").Select(q => $"{q.Key}={Uri.EscapeDataString(q.Value.ToString())}").Append($"page={page}");
        return $"{request.Scheme}://{request.Host}{request.Path}?{string.Join("&", query)}";
    }

    /// <summary>Whether a path segment is this number (compared as numbers: pages of a large organisation look items up often).</summary>
    private static bool Matches(string segment, long number) => long.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed == number;

    private static Answer Ok(string body) => new(200, body, null, null, new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase));

    private static Answer Error(int status, string message) => new(
        status,
        new JsonObject { ["message"] = message, ["documentation_url"] = "https://docs.github.com/rest" }.ToJsonString(),
        null, null, new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase));

    private JsonObject Template(string name) => _templates[name].DeepClone().AsObject();

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static JsonNode? Time(DateTimeOffset? time) => time is { } t ? JsonValue.Create(Time(t)) : null;

    private string Api(FakeRepository repository, string rest = "") => $"{BaseUrl}api/v3/repos/{repository.FullName}{rest}";

    private static string Html(FakeRepository repository, string rest = "") => $"https://github.acme.test/{repository.FullName}{rest}";

    private static JsonObject User(JsonNode? template, FakeUser user)
    {
        var json = template?.DeepClone().AsObject() ?? [];
        json["login"] = user.Login;
        json["id"] = Math.Abs(user.Login.GetHashCode(StringComparison.Ordinal));
        json["html_url"] = $"https://github.acme.test/{user.Login}";
        json["type"] = user.IsBot ? "Bot" : "User";
        return json;
    }

    private JsonObject RepositoryJson(FakeRepository repository)
    {
        var json = Template("repository");
        json["id"] = repository.Id;
        json["name"] = repository.Name;
        json["full_name"] = repository.FullName;
        json["default_branch"] = repository.DefaultBranch;
        json["html_url"] = Html(repository);
        json["url"] = Api(repository);
        return json;
    }

    private JsonObject CommitJson(FakeRepository repository, FakeCommit commit)
    {
        var json = Template("commit");
        json["sha"] = commit.Sha;
        json["url"] = Api(repository, $"/commits/{commit.Sha}");
        json["html_url"] = Html(repository, $"/commit/{commit.Sha}");
        var inner = json["commit"]!.AsObject();
        foreach (var who in new[] { "author", "committer" })
        {
            inner[who] = new JsonObject { ["name"] = commit.Author, ["email"] = commit.Email, ["date"] = Time(commit.At) };
        }
        inner["message"] = commit.Message;
        var user = new FakeUser(commit.Email.Split('@')[0]);
        json["author"] = User(json["author"], user);
        json["committer"] = User(json["committer"], user);
        json["parents"] = new JsonArray(commit.Parents.Select(p => (JsonNode)new JsonObject { ["url"] = Api(repository, $"/commits/{p}"), ["sha"] = p }).ToArray());
        return json;
    }

    /// <summary>What pull requests and issues share: GitHub numbers both in one sequence per repository.</summary>
    private JsonObject Numbered(string template, FakeRepository repository, int number, string apiPath, string htmlPath, string title, DateTimeOffset? closedAt)
    {
        var json = Template(template);
        json["id"] = repository.Id * 1000 + number;
        json["number"] = number;
        json["url"] = Api(repository, apiPath);
        json["html_url"] = Html(repository, htmlPath);
        json["title"] = title;
        json["state"] = closedAt is null ? "open" : "closed";
        return json;
    }

    private JsonObject PullJson(FakeRepository repository, FakePull pull)
    {
        var json = Numbered("pull-request", repository, pull.Number, $"/pulls/{pull.Number}", $"/pull/{pull.Number}", pull.Title, pull.ClosedAt);
        json["user"] = User(json["user"], pull.Author);
        json["created_at"] = Time(pull.CreatedAt);
        json["updated_at"] = Time(pull.UpdatedAt);
        json["closed_at"] = Time(pull.ClosedAt);
        json["merged_at"] = Time(pull.MergedAt);
        json["merge_commit_sha"] = pull.MergeCommitSha;
        json["base"]!["ref"] = pull.BaseBranch;
        json["base"]!["label"] = $"{repository.Owner}:{pull.BaseBranch}";
        json["head"]!["ref"] = $"topic-{pull.Number}";
        json["head"]!["sha"] = pull.CommitShas.Count > 0 ? FakeRepository.Pad(pull.CommitShas[^1]) : "";
        LabelsJson(json, pull.Labels);
        return json;
    }

    /// <summary>Sets the object's labels to <paramref name="names"/>, each shaped as the issue fixture's first label.</summary>
    private void LabelsJson(JsonObject json, IEnumerable<string> names)
    {
        var labelTemplate = Template("issue")["labels"]!.AsArray()[0]!;
        json["labels"] = new JsonArray(names.Select(name =>
        {
            var label = labelTemplate.DeepClone().AsObject();
            label["name"] = name;
            return (JsonNode)label;
        }).ToArray());
    }

    private JsonObject ReviewJson(FakeRepository repository, FakePull pull, FakeReview review)
    {
        var json = Template("pull-request-review");
        json["id"] = review.Id;
        json["user"] = User(json["user"], review.Reviewer);
        json["state"] = review.State;
        json["html_url"] = Html(repository, $"/pull/{pull.Number}#pullrequestreview-{review.Id}");
        if (review.SubmittedAt is { } submitted)
        {
            json["submitted_at"] = Time(submitted);
        }
        else
        {
            json.Remove("submitted_at"); // a pending review has none
        }
        return json;
    }

    private JsonObject DeploymentJson(FakeRepository repository, FakeDeployment deployment)
    {
        var json = Template("deployment");
        json["id"] = deployment.Id;
        json["url"] = Api(repository, $"/deployments/{deployment.Id}");
        json["sha"] = deployment.Sha;
        json["ref"] = repository.DefaultBranch;
        json["environment"] = deployment.Environment;
        json["original_environment"] = deployment.Environment;
        json["production_environment"] = deployment.Environment == "production";
        json["created_at"] = Time(deployment.CreatedAt);
        // Like GitHub's, the deployment object does not change when a status is added.
        json["updated_at"] = Time(deployment.CreatedAt);
        return json;
    }

    private JsonObject StatusJson(FakeRepository repository, FakeDeployment deployment, FakeDeploymentStatus status)
    {
        var json = Template("deployment-status");
        json["id"] = status.Id;
        json["url"] = Api(repository, $"/deployments/{deployment.Id}/statuses/{status.Id}");
        json["state"] = status.State;
        json["environment"] = deployment.Environment;
        json["log_url"] = $"https://ci.acme.test/deployments/{deployment.Id}/{status.Id}";
        json["target_url"] = $"https://ci.acme.test/deployments/{deployment.Id}/{status.Id}";
        json["created_at"] = Time(status.At);
        json["updated_at"] = Time(status.At);
        return json;
    }

    private JsonObject ReleaseJson(FakeRepository repository, FakeRelease release)
    {
        var json = Template("release");
        json["id"] = release.Id;
        json["url"] = Api(repository, $"/releases/{release.Id}");
        json["html_url"] = Html(repository, $"/releases/tag/{release.Tag}");
        json["tag_name"] = release.Tag;
        json["name"] = release.Tag;
        json["target_commitish"] = release.TargetCommitish;
        json["draft"] = release.Draft;
        json["prerelease"] = release.Prerelease;
        json["created_at"] = Time(release.CreatedAt);
        json["published_at"] = Time(release.PublishedAt);
        return json;
    }

    private JsonObject TagJson(FakeRepository repository, string name, string sha)
    {
        var json = Template("tag");
        json["name"] = name;
        json["commit"] = new JsonObject { ["sha"] = FakeRepository.Pad(sha), ["url"] = Api(repository, $"/commits/{FakeRepository.Pad(sha)}") };
        return json;
    }

    private JsonObject WorkflowJson(FakeRepository repository, FakeWorkflow workflow)
    {
        var json = Template("workflow");
        json["id"] = workflow.Id;
        json["name"] = workflow.Name;
        json["path"] = workflow.Path;
        json["url"] = Api(repository, $"/actions/workflows/{workflow.Id}");
        json["html_url"] = Html(repository, $"/blob/{repository.DefaultBranch}/{workflow.Path}");
        return json;
    }

    private JsonObject RunJson(FakeRepository repository, FakeWorkflow workflow, FakeRun run)
    {
        var json = Template("workflow-run");
        json["id"] = run.Id;
        json["name"] = workflow.Name;
        json["path"] = workflow.Path;
        json["workflow_id"] = workflow.Id;
        json["head_branch"] = run.Branch;
        json["head_sha"] = FakeRepository.Pad(run.HeadSha);
        json["status"] = run.Status;
        json["conclusion"] = run.Conclusion;
        json["created_at"] = Time(run.CreatedAt);
        json["run_started_at"] = Time(run.CreatedAt);
        json["updated_at"] = Time(run.UpdatedAt);
        json["url"] = Api(repository, $"/actions/runs/{run.Id}");
        json["html_url"] = Html(repository, $"/actions/runs/{run.Id}");
        return json;
    }

    private JsonObject IssueJson(FakeRepository repository, FakeIssue issue)
    {
        var json = Numbered("issue", repository, issue.Number, $"/issues/{issue.Number}", $"/issues/{issue.Number}", issue.Title, issue.ClosedAt);
        json["body"] = issue.Body;
        json["state_reason"] = issue.ClosedAt is null ? null : "completed";
        LabelsJson(json, issue.Labels);
        json["created_at"] = Time(issue.CreatedAt);
        json["updated_at"] = Time(issue.UpdatedAt);
        json["closed_at"] = Time(issue.ClosedAt);
        if (issue.IsPullRequest)
        {
            var link = Template("issue-pull-request-link");
            link["url"] = Api(repository, $"/pulls/{issue.Number}");
            link["html_url"] = Html(repository, $"/pull/{issue.Number}");
            json["pull_request"] = link;
        }
        return json;
    }

    private sealed record Answer(int Status, string Body, string? ContentType, string? ETag, Dictionary<string, string> Headers);
}
