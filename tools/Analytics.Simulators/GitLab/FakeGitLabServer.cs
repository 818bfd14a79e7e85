using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Analytics.Simulators.GitHub;
using Analytics.Simulators.Shared;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Analytics.Simulators.GitLab;

/// <summary>
/// GitLab's REST API v4 for the endpoints the GitLab source reads, served by Kestrel on a loopback port under
/// <c>/api/v4/</c>, from the same <see cref="FakeOrganisation"/> the GitHub simulator serves: an organisation is a
/// group, a repository a project (its full path the repository's <c>owner/name</c>), a pull request a merge request
/// (its number the iid), an APPROVED review an approval with its system note, any other submitted review a comment,
/// a GitHub deployment a GitLab deployment whose status is its latest status but <c>inactive</c>.
/// </summary>
/// <remarks>
/// <para>
/// As GitLab does: authentication by <c>PRIVATE-TOKEN</c> or <c>Authorization: Bearer</c> (401
/// <c>{"message":"401 Unauthorized"}</c> otherwise); offset pages (<c>page</c>, <c>per_page</c> up to 100, 20 by
/// default) with <c>X-Page</c>, <c>X-Per-Page</c>, <c>X-Next-Page</c>, <c>X-Prev-Page</c> and a Link header, and
/// <c>X-Total</c>, <c>X-Total-Pages</c> and <c>rel="last"</c> left out past 10,000 items; a weak ETag on every
/// answer but If-None-Match not honoured (gitlab-org/gitlab#14357); <c>RateLimit-*</c> headers on every answer,
/// and when <see cref="RateLimit"/> requests were answered within the window, 429 with <c>Retry-After</c> until it
/// resets on the server's clock. Merge-request commits have <c>parent_ids: []</c>, as GitLab lists them from its cache.
/// </para>
/// <para>The bodies carry the fields of GitLab's entities that the API documentation shows for these endpoints, with this organisation's values.</para>
/// </remarks>
public sealed class FakeGitLabServer : IAsyncDisposable
{
    private const string ApiRoot = "/api/v4/";
    private const int TotalsLimit = 10_000;

    private readonly WebApplication _app;
    private readonly TimeProvider _clock;
    private readonly object _gate = new();
    private readonly FaultQueue _faults = new();
    private readonly List<ServedRequest> _served = [];
    private int _answered;
    private DateTimeOffset _resetAt = DateTimeOffset.MinValue;

    private FakeGitLabServer(WebApplication app, TimeProvider clock, string token, IReadOnlyList<FakeOrganisation> groups)
    {
        (_app, _clock, Token, Groups) = (app, clock, token, groups);
    }

    public string Token { get; }

    public IReadOnlyList<FakeOrganisation> Groups { get; }

    /// <summary>The server's address, e.g. http://127.0.0.1:41234/ (the source adds api/v4/).</summary>
    public string BaseUrl => _app.Urls.Single() + "/";

    /// <summary>Requests answered per window before 429 (GitLab.com: 2,000 a minute for an authenticated user).</summary>
    public int RateLimit { get; set; } = 2000;

    public TimeSpan RateLimitWindow { get; set; } = TimeSpan.FromMinutes(1);

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

    public static async Task<FakeGitLabServer> StartAsync(TimeProvider clock, string token, params FakeOrganisation[] groups)
    {
        FakeGitLabServer? server = null;
        await LoopbackServer.StartAsync(app => (server = new FakeGitLabServer(app, clock, token, groups)).HandleAsync);
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
        var conditional = request.Headers.IfNoneMatch.ToString().Length > 0;
        Answer answer;
        var cost = 0;
        lock (_gate)
        {
            var fault = _faults.Take(pathAndQuery);
            var now = _clock.GetUtcNow();
            if (now >= _resetAt)
            {
                (_answered, _resetAt) = (0, now + RateLimitWindow);
            }
            if (fault is { Truncated: false })
            {
                answer = new Answer(fault.Status, fault.Body, fault.ContentType, new Dictionary<string, string>(fault.Headers, StringComparer.OrdinalIgnoreCase));
            }
            else if (!IsAuthorised(request))
            {
                answer = Error(401, "401 Unauthorized");
            }
            else if (_answered >= RateLimit)
            {
                answer = Error(429, "Retry later");
                answer.Headers["Retry-After"] = Math.Max(1, (int)Math.Ceiling((_resetAt - now).TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            }
            else
            {
                answer = Route(request);
                (_answered, cost) = (_answered + 1, 1);
                if (fault is { Truncated: true })
                {
                    answer = answer with { Body = answer.Body[..(answer.Body.Length / 2)] };
                }
            }
            answer.Headers["RateLimit-Limit"] = RateLimit.ToString(CultureInfo.InvariantCulture);
            answer.Headers["RateLimit-Observed"] = _answered.ToString(CultureInfo.InvariantCulture);
            answer.Headers["RateLimit-Remaining"] = Math.Max(0, RateLimit - _answered).ToString(CultureInfo.InvariantCulture);
            answer.Headers["RateLimit-Reset"] = _resetAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            answer.Headers["RateLimit-ResetTime"] = _resetAt.UtcDateTime.ToString("R", CultureInfo.InvariantCulture);
            _served.Add(new ServedRequest(pathAndQuery, answer.Status, conditional, cost));
        }
        http.Response.StatusCode = answer.Status;
        foreach (var (name, value) in answer.Headers)
        {
            http.Response.Headers[name] = value;
        }
        if (answer.Status == 200)
        {
            // Rack::ETag's weak ETag of the body; GitLab's API does not answer If-None-Match with 304 all the same.
            http.Response.Headers.ETag = $"W/\"{Convert.ToHexStringLower(MD5.HashData(Encoding.UTF8.GetBytes(answer.Body)))}\"";
        }
        http.Response.ContentType = answer.ContentType ?? "application/json";
        await http.Response.WriteAsync(answer.Body);
    }

    private bool IsAuthorised(HttpRequest request) =>
        request.Headers["PRIVATE-TOKEN"].ToString() == Token || request.Headers.Authorization.ToString() == $"Bearer {Token}";

    private Answer Route(HttpRequest request)
    {
        var path = request.Path.Value ?? "";
        if (!path.StartsWith(ApiRoot, StringComparison.Ordinal))
        {
            return Error(404, "404 Not Found");
        }
        // A project's or group's full path comes escaped (acme%2Fshop), which Kestrel leaves as it is: as segments, resolved against the projects.
        var rest = path[ApiRoot.Length..].Replace("%2F", "/", StringComparison.OrdinalIgnoreCase);
        var query = request.Query;
        if (rest.StartsWith("groups/", StringComparison.Ordinal) && rest.EndsWith("/projects", StringComparison.Ordinal))
        {
            var id = rest["groups/".Length..^"/projects".Length];
            var group = Groups.FirstOrDefault(g => g.Login == id);
            return group is null ? Error(404, "404 Group Not Found") : List(request, group.Repositories.OrderBy(r => r.Id).ToList(), ProjectJson);
        }
        if (rest.StartsWith("groups/", StringComparison.Ordinal) && rest.EndsWith("/merge_requests", StringComparison.Ordinal))
        {
            // GET /groups/:id/merge_requests: the merge requests of every project of the group and its subgroups, in
            // the project list's shape (each names its project_id); offset pages, no keyset pagination for this list.
            var id = rest["groups/".Length..^"/merge_requests".Length];
            var group = Groups.FirstOrDefault(g => g.Login == id);
            if (group is null)
            {
                return Error(404, "404 Group Not Found");
            }
            var after = Time(query["updated_after"]);
            var requests = group.Repositories.SelectMany(r => r.Pulls.Select(p => (Repository: r, Pull: p)))
                .Where(m => after is null || m.Pull.UpdatedAt >= after);
            requests = query["sort"] == "asc"
                ? requests.OrderBy(m => m.Pull.UpdatedAt).ThenBy(m => MergeRequestId(m.Repository, m.Pull))
                : requests.OrderByDescending(m => m.Pull.UpdatedAt).ThenByDescending(m => MergeRequestId(m.Repository, m.Pull));
            return List(request, requests.ToList(), m => MergeRequestJson(m.Repository, m.Pull));
        }
        if (!rest.StartsWith("projects/", StringComparison.Ordinal))
        {
            return Error(404, "404 Not Found");
        }
        var (repository, tail) = FindProject(rest["projects/".Length..]);
        if (repository is null)
        {
            return Error(404, "404 Project Not Found");
        }
        switch (tail)
        {
            case []:
                return Ok(ProjectJson(repository).ToJsonString());
            case ["repository", "commits"]:
            {
                var reference = query["ref_name"].ToString() is { Length: > 0 } name ? name : repository.DefaultBranch;
                if (repository.Resolve(reference) is not { } head)
                {
                    return Error(404, "404 Tree Not Found");
                }
                var since = query["since"].ToString() is { Length: > 0 } s ? DateTimeOffset.Parse(s, CultureInfo.InvariantCulture) : DateTimeOffset.MinValue;
                var history = repository.Reachable(head).Select(sha => repository.Commits[sha]).Where(c => c.At >= since)
                    .OrderByDescending(c => c.At).ThenBy(c => c.Sha, StringComparer.Ordinal).ToList();
                return List(request, history, c => CommitJson(repository, c, withParents: true));
            }
            case ["merge_requests"]:
            {
                var after = Time(query["updated_after"]);
                var requests = repository.Pulls.Where(p => after is null || p.UpdatedAt >= after);
                requests = query["sort"] == "asc"
                    ? requests.OrderBy(p => p.UpdatedAt).ThenBy(p => p.Number)
                    : requests.OrderByDescending(p => p.UpdatedAt).ThenByDescending(p => p.Number);
                return List(request, requests.ToList(), p => MergeRequestJson(repository, p));
            }
            case ["merge_requests", var iid, ..] when repository.Pulls.FirstOrDefault(p => p.Number.ToString(CultureInfo.InvariantCulture) == iid) is not { } pull:
                return Error(404, "404 Not found");
            case ["merge_requests", var iid, "commits"]:
            {
                var pull = Pull(repository, iid);
                // GitLab lists a merge request's commits newest first, from its diff cache: without parents.
                var commits = pull.CommitShas.Select(sha => repository.Commits[FakeRepository.Pad(sha)]).Reverse().ToList();
                return List(request, commits, c => CommitJson(repository, c, withParents: false));
            }
            case ["merge_requests", var iid, "approvals"]:
                return Ok(ApprovalsJson(repository, Pull(repository, iid)).ToJsonString());
            case ["merge_requests", var iid, "notes"]:
                return List(request, Notes(Pull(repository, iid)), n => n);
            case ["deployments"]:
            {
                var after = Time(query["updated_after"]);
                var deployments = repository.Deployments.Select(d => (Deployment: d, Updated: DeploymentUpdated(d)))
                    .Where(d => after is null || d.Updated >= after)
                    .OrderBy(d => d.Updated).ThenBy(d => d.Deployment.Id).ToList();
                if (query["sort"] == "desc")
                {
                    deployments.Reverse();
                }
                return List(request, deployments, d => DeploymentJson(repository, d.Deployment));
            }
            case ["environments"]:
            {
                // GET /projects/:id/environments (API::Entities::Environment): every environment of the project, by id.
                var names = repository.Deployments.Select(d => d.Environment).Concat(repository.EnvironmentTiers.Keys).Distinct(StringComparer.Ordinal)
                    .OrderBy(EnvironmentId).ToList();
                return List(request, names, name => EnvironmentJson(repository, name));
            }
            default:
                return Error(404, "404 Not Found");
        }
    }

    /// <summary>The project a path starts with (by id or full path) and the segments after it.</summary>
    private (FakeRepository? Project, string[] Tail) FindProject(string rest)
    {
        var segments = rest.Split('/', StringSplitOptions.RemoveEmptyEntries);
        foreach (var repository in Groups.SelectMany(g => g.Repositories))
        {
            var own = repository.FullName.Split('/');
            if (segments.Length >= own.Length && segments.Take(own.Length).SequenceEqual(own, StringComparer.Ordinal))
            {
                return (repository, segments[own.Length..]);
            }
            if (segments.Length >= 1 && segments[0] == repository.Id.ToString(CultureInfo.InvariantCulture))
            {
                return (repository, segments[1..]);
            }
        }
        return (null, []);
    }

    private static FakePull Pull(FakeRepository repository, string iid) =>
        repository.Pulls.First(p => p.Number.ToString(CultureInfo.InvariantCulture) == iid);

    /// <summary>A page of <paramref name="all"/> with GitLab's paging headers.</summary>
    private static Answer List<T>(HttpRequest request, IReadOnlyList<T> all, Func<T, JsonObject> toJson)
    {
        var perPage = int.TryParse(request.Query["per_page"], out var size) ? Math.Clamp(size, 1, 100) : 20;
        var page = int.TryParse(request.Query["page"], out var number) ? Math.Max(1, number) : 1;
        var last = Math.Max(1, (all.Count + perPage - 1) / perPage);
        var array = new JsonArray(all.Skip((page - 1) * perPage).Take(perPage).Select(item => (JsonNode)toJson(item)).ToArray());
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["X-Page"] = page.ToString(CultureInfo.InvariantCulture),
            ["X-Per-Page"] = perPage.ToString(CultureInfo.InvariantCulture),
            ["X-Next-Page"] = page < last ? (page + 1).ToString(CultureInfo.InvariantCulture) : "",
            ["X-Prev-Page"] = page > 1 ? (page - 1).ToString(CultureInfo.InvariantCulture) : "",
        };
        var links = new List<string>();
        if (page > 1)
        {
            links.Add($"<{PageUrl(request, page - 1)}>; rel=\"prev\"");
        }
        if (page < last)
        {
            links.Add($"<{PageUrl(request, page + 1)}>; rel=\"next\"");
        }
        links.Add($"<{PageUrl(request, 1)}>; rel=\"first\"");
        if (all.Count <= TotalsLimit)
        {
            links.Add($"<{PageUrl(request, last)}>; rel=\"last\"");
            headers["X-Total"] = all.Count.ToString(CultureInfo.InvariantCulture);
            headers["X-Total-Pages"] = last.ToString(CultureInfo.InvariantCulture);
        }
        headers["Link"] = string.Join(", ", links);
        return new Answer(200, array.ToJsonString(), null, headers);
    }

    private static string PageUrl(HttpRequest request, int page)
    {
        var query = request.Query.Where(q => q.Key != "page").Select(q => $"{q.Key}={Uri.EscapeDataString(q.Value.ToString())}").Append($"page={page}");
        return $"{request.Scheme}://{request.Host}{request.Path.Value}?{string.Join("&", query)}";
    }

    private static Answer Ok(string body) => new(200, body, null, new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase));

    private static Answer Error(int status, string message) =>
        new(status, new JsonObject { ["message"] = message }.ToJsonString(), null, new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase));

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static JsonNode? Time(DateTimeOffset? time) => time is { } t ? JsonValue.Create(Time(t)) : null;

    private static DateTimeOffset? Time(Microsoft.Extensions.Primitives.StringValues value) =>
        value.ToString() is { Length: > 0 } text ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture) : null;

    private static string Web(FakeRepository repository, string rest = "") => $"https://gitlab.acme.test/{repository.FullName}{rest}";

    private static long UserId(string login) => Math.Abs(login.GetHashCode(StringComparison.Ordinal)) % 1_000_000 + 1;

    /// <summary>UserBasic: what GitLab shows of an author, approver or note author.</summary>
    private static JsonObject User(FakeUser user) => new()
    {
        ["id"] = UserId(user.Login),
        ["username"] = user.Login,
        ["name"] = user.Login,
        ["state"] = "active",
        ["locked"] = false,
        ["avatar_url"] = $"https://gitlab.acme.test/uploads/-/system/user/avatar/{UserId(user.Login)}/avatar.png",
        ["web_url"] = $"https://gitlab.acme.test/{user.Login}",
    };

    private static JsonObject ProjectJson(FakeRepository repository) => new()
    {
        ["id"] = repository.Id,
        ["description"] = null,
        ["name"] = repository.Name,
        ["name_with_namespace"] = $"{repository.Owner} / {repository.Name}",
        ["path"] = repository.Name,
        ["path_with_namespace"] = repository.FullName,
        ["created_at"] = "2024-01-01T00:00:00.000Z",
        ["default_branch"] = repository.DefaultBranch,
        ["tag_list"] = new JsonArray(),
        ["topics"] = new JsonArray(),
        ["ssh_url_to_repo"] = $"git@gitlab.acme.test:{repository.FullName}.git",
        ["http_url_to_repo"] = $"https://gitlab.acme.test/{repository.FullName}.git",
        ["web_url"] = Web(repository),
        ["readme_url"] = null,
        ["forks_count"] = 0,
        ["avatar_url"] = null,
        ["star_count"] = 0,
        ["last_activity_at"] = "2024-01-01T00:00:00.000Z",
        ["namespace"] = new JsonObject
        {
            ["id"] = 9, ["name"] = repository.Owner, ["path"] = repository.Owner, ["kind"] = "group", ["full_path"] = repository.Owner,
            ["parent_id"] = null, ["avatar_url"] = null, ["web_url"] = $"https://gitlab.acme.test/groups/{repository.Owner}",
        },
    };

    private static JsonObject CommitJson(FakeRepository repository, FakeCommit commit, bool withParents) => new()
    {
        ["id"] = commit.Sha,
        ["short_id"] = commit.Sha[..8],
        ["created_at"] = Time(commit.At),
        ["parent_ids"] = new JsonArray((withParents ? commit.Parents : []).Select(p => (JsonNode)JsonValue.Create(p)).ToArray()),
        ["title"] = commit.Message.Split('\n')[0],
        ["message"] = commit.Message,
        ["author_name"] = commit.Author,
        ["author_email"] = commit.Email,
        ["authored_date"] = Time(commit.At),
        ["committer_name"] = commit.Author,
        ["committer_email"] = commit.Email,
        ["committed_date"] = Time(commit.At),
        ["trailers"] = new JsonObject(),
        ["extended_trailers"] = new JsonObject(),
        ["web_url"] = Web(repository, $"/-/commit/{commit.Sha}"),
    };

    /// <summary>A merge request's id, unique across projects as GitLab's (the iid is unique within its project only).</summary>
    private static long MergeRequestId(FakeRepository repository, FakePull pull) => repository.Id * 1_000_000 + pull.Number;

    private static JsonObject MergeRequestJson(FakeRepository repository, FakePull pull)
    {
        var state = pull.MergedAt is not null ? "merged" : pull.ClosedAt is not null ? "closed" : "opened";
        var head = pull.CommitShas.Count > 0 ? FakeRepository.Pad(pull.CommitShas[^1]) : null;
        return new JsonObject
        {
            ["id"] = MergeRequestId(repository, pull),
            ["iid"] = pull.Number,
            ["project_id"] = repository.Id,
            ["title"] = pull.Title,
            ["description"] = "",
            ["state"] = state,
            ["created_at"] = Time(pull.CreatedAt),
            ["updated_at"] = Time(pull.UpdatedAt),
            ["merged_by"] = null,
            ["merge_user"] = null,
            ["merged_at"] = Time(pull.MergedAt),
            // GitLab fills closed_at for closed merge requests only, not merged ones.
            ["closed_by"] = null,
            ["closed_at"] = state == "closed" ? Time(pull.ClosedAt) : null,
            ["target_branch"] = pull.BaseBranch,
            ["source_branch"] = $"topic-{pull.Number}",
            ["user_notes_count"] = pull.Reviews.Count,
            ["upvotes"] = 0,
            ["downvotes"] = 0,
            ["author"] = User(pull.Author),
            ["assignees"] = new JsonArray(),
            ["assignee"] = null,
            ["reviewers"] = new JsonArray(),
            ["source_project_id"] = repository.Id,
            ["target_project_id"] = repository.Id,
            ["labels"] = new JsonArray(),
            ["draft"] = false,
            ["work_in_progress"] = false,
            ["milestone"] = null,
            ["merge_when_pipeline_succeeds"] = false,
            ["merge_status"] = "can_be_merged",
            ["detailed_merge_status"] = state == "opened" ? "mergeable" : "not_open",
            ["sha"] = head,
            ["merge_commit_sha"] = pull.MergedAt is null || pull.MergeMethod != "merge" ? null : pull.MergeCommitSha,
            ["squash_commit_sha"] = pull.MergedAt is null || pull.MergeMethod != "squash" ? null : pull.MergeCommitSha,
            ["discussion_locked"] = null,
            ["should_remove_source_branch"] = null,
            ["force_remove_source_branch"] = true,
            ["prepared_at"] = Time(pull.CreatedAt),
            ["reference"] = $"!{pull.Number}",
            ["references"] = new JsonObject { ["short"] = $"!{pull.Number}", ["relative"] = $"!{pull.Number}", ["full"] = $"{repository.FullName}!{pull.Number}" },
            ["web_url"] = Web(repository, $"/-/merge_requests/{pull.Number}"),
            ["squash"] = pull.MergeMethod == "squash",
            ["squash_on_merge"] = pull.MergeMethod == "squash",
            ["task_completion_status"] = new JsonObject { ["count"] = 0, ["completed_count"] = 0 },
            ["has_conflicts"] = false,
            ["blocking_discussions_resolved"] = true,
        };
    }

    private static JsonObject ApprovalsJson(FakeRepository repository, FakePull pull)
    {
        var approvals = pull.Reviews.Where(r => r.State == "APPROVED" && r.SubmittedAt is not null).ToList();
        return new JsonObject
        {
            ["id"] = MergeRequestId(repository, pull),
            ["iid"] = pull.Number,
            ["project_id"] = repository.Id,
            ["title"] = pull.Title,
            ["state"] = pull.MergedAt is not null ? "merged" : pull.ClosedAt is not null ? "closed" : "opened",
            ["created_at"] = Time(pull.CreatedAt),
            ["updated_at"] = Time(pull.UpdatedAt),
            ["merge_status"] = "can_be_merged",
            ["approved"] = approvals.Count > 0,
            ["approvals_required"] = 1,
            ["approvals_left"] = approvals.Count > 0 ? 0 : 1,
            ["require_password_to_approve"] = false,
            ["approved_by"] = new JsonArray(approvals.Select(a => (JsonNode)new JsonObject { ["user"] = User(a.Reviewer), ["approved_at"] = Time(a.SubmittedAt) }).ToArray()),
            ["suggested_approvers"] = new JsonArray(),
            ["approvers"] = new JsonArray(),
            ["approver_groups"] = new JsonArray(),
            ["user_has_approved"] = false,
            ["user_can_approve"] = false,
            ["approval_rules_left"] = new JsonArray(),
            ["has_approval_rules"] = false,
            ["merge_request_approvers_available"] = true,
            ["multiple_approval_rules_available"] = true,
            ["invalid_approvers_rules"] = new JsonArray(),
        };
    }

    /// <summary>A merge request's notes, oldest first: a comment per submitted review, and GitLab's system note for each approval.</summary>
    private static List<JsonObject> Notes(FakePull pull) =>
        pull.Reviews.Where(r => r.SubmittedAt is not null).OrderBy(r => r.SubmittedAt).ThenBy(r => r.Id).Select(r =>
        {
            var approval = r.State == "APPROVED";
            return new JsonObject
            {
                ["id"] = r.Id,
                ["type"] = null,
                ["body"] = approval ? "approved this merge request" : $"Review {r.Id}: looks reasonable, one question inline.",
                ["attachment"] = null,
                ["author"] = User(r.Reviewer),
                ["created_at"] = Time(r.SubmittedAt),
                ["updated_at"] = Time(r.SubmittedAt),
                ["system"] = approval,
                ["noteable_id"] = pull.Number,
                ["noteable_type"] = "MergeRequest",
                ["project_id"] = 0,
                ["resolvable"] = false,
                ["confidential"] = false,
                ["internal"] = false,
                ["noteable_iid"] = pull.Number,
                ["commands_changes"] = new JsonObject(),
            };
        }).ToList();

    /// <summary>The latest status that is not GitHub's <c>inactive</c>: GitLab has no such status.</summary>
    private static FakeDeploymentStatus? LatestStatus(FakeDeployment deployment) =>
        deployment.Statuses.Where(s => s.State != "inactive").OrderByDescending(s => s.At).ThenByDescending(s => s.Id).FirstOrDefault();

    private static DateTimeOffset DeploymentUpdated(FakeDeployment deployment) => LatestStatus(deployment)?.At ?? deployment.CreatedAt;

    private static JsonObject DeploymentJson(FakeRepository repository, FakeDeployment deployment)
    {
        var latest = LatestStatus(deployment);
        var status = latest?.State switch
        {
            "success" => "success",
            "failure" or "error" => "failed",
            "in_progress" => "running",
            _ => "created",
        };
        var finished = status is "success" or "failed" ? latest!.At : (DateTimeOffset?)null;
        var environmentId = EnvironmentId(deployment.Environment);
        return new JsonObject
        {
            ["id"] = deployment.Id,
            ["iid"] = deployment.Id % 1_000_000,
            ["ref"] = repository.DefaultBranch,
            ["sha"] = deployment.Sha,
            ["created_at"] = Time(deployment.CreatedAt),
            ["updated_at"] = Time(DeploymentUpdated(deployment)),
            ["finished_at"] = Time(finished),
            ["status"] = status,
            ["user"] = User(new FakeUser("deployer")),
            ["environment"] = new JsonObject
            {
                ["id"] = environmentId,
                ["name"] = deployment.Environment,
                ["slug"] = deployment.Environment,
                ["external_url"] = $"https://{deployment.Environment}.acme.test",
                ["created_at"] = "2024-01-01T00:00:00.000Z",
                ["updated_at"] = Time(DeploymentUpdated(deployment)),
            },
            ["deployable"] = new JsonObject
            {
                ["id"] = deployment.Id * 10,
                ["status"] = status,
                ["stage"] = "deploy",
                ["name"] = $"deploy-{deployment.Environment}",
                ["ref"] = repository.DefaultBranch,
                ["tag"] = false,
                ["created_at"] = Time(deployment.CreatedAt),
                ["started_at"] = Time(deployment.CreatedAt),
                ["finished_at"] = Time(finished),
                ["web_url"] = Web(repository, $"/-/jobs/{deployment.Id * 10}"),
            },
        };
    }

    /// <summary>An environment's id: the same for its name throughout a run.</summary>
    private static int EnvironmentId(string name) => Math.Abs(name.GetHashCode(StringComparison.Ordinal)) % 100_000;

    private static JsonObject EnvironmentJson(FakeRepository repository, string name) => new()
    {
        ["id"] = EnvironmentId(name),
        ["name"] = name,
        ["slug"] = name,
        ["description"] = null,
        ["external_url"] = $"https://{name}.acme.test",
        ["state"] = "available",
        ["tier"] = repository.EnvironmentTiers.GetValueOrDefault(name) ?? name switch { "production" => "production", "staging" => "staging", _ => "other" },
        ["created_at"] = "2024-01-01T00:00:00.000Z",
        ["updated_at"] = "2024-01-01T00:00:00.000Z",
        ["auto_stop_at"] = null,
    };

    private sealed record Answer(int Status, string Body, string? ContentType, Dictionary<string, string> Headers);
}
