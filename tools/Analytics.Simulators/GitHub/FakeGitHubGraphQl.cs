using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using GraphQLParser;
using GraphQLParser.AST;
using GraphQLParser.Exceptions;
using Microsoft.AspNetCore.Http;

namespace Analytics.Simulators.GitHub;

/// <summary>
/// GitHub's GraphQL API (<c>POST /api/graphql</c>, as GitHub Enterprise Server serves it) over the same organisations
/// as the REST routes, for the part of GitHub's schema the GitHub source asks for: repositories' pull requests (with
/// labels, commits, reviews), deployments (with statuses), commits by oid (with parents), and <c>rateLimit</c>.
/// </summary>
/// <remarks>
/// <para>
/// The query is parsed by GraphQL-Parser (a lexer and parser, no server) and executed here field by field, with
/// aliases, variables and inline fragments: no GraphQL server library that restores here hosts a schema this
/// size, and the source's queries need only these types. A field this schema lacks is refused as GitHub refuses it
/// (200, <c>errors</c>, no <c>data</c>).
/// </para>
/// <para>
/// Points are GitHub's documented formula, computed from the parsed query before it runs: each connection needs
/// as many requests as its parents' <c>first</c> multiplied (1 at the top), the sum divided by 100 and rounded, at
/// least 1. Nodes are the same products with the connection's own <c>first</c>; over 500,000 is refused
/// (<c>MAX_NODE_LIMIT_EXCEEDED</c>), as are a connection without <c>first</c>/<c>last</c> and one outside 1–100.
/// GraphQL points come from a bucket of their own (<see cref="FakeGitHubServer.RateLimit"/> an hour, as REST's);
/// when a query costs more than is left the answer is 200 with a <c>RATE_LIMITED</c> error and
/// <c>X-RateLimit-Remaining: 0</c>, as GitHub answers.
/// </para>
/// </remarks>
public sealed partial class FakeGitHubServer
{
    public const string GraphQlPath = "/api/graphql";

    /// <summary>The connections of the schema served: each must be given <c>first</c> or <c>last</c>.</summary>
    private static readonly HashSet<string> Connections = ["pullRequests", "commits", "reviews", "labels", "deployments", "statuses", "parents"];

    private int _graphQlRemaining;
    private DateTimeOffset _graphQlResetAt = DateTimeOffset.MinValue;

    private async Task GraphQlAsync(HttpContext http, string pathAndQuery, string authorization)
    {
        JsonDocument? request = null;
        try
        {
            request = await JsonDocument.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted);
        }
        catch (JsonException)
        {
            // Left null: answered as a problem with the query below.
        }
        using var _ = request;
        Answer answer;
        var cost = 0;
        lock (_gate)
        {
            var now = _clock.GetUtcNow();
            if (now >= _graphQlResetAt)
            {
                (_graphQlRemaining, _graphQlResetAt) = (RateLimit, now + RateLimitWindow);
            }
            if (!IsAuthorised(authorization))
            {
                answer = Error(401, "Bad credentials");
            }
            else
            {
                var query = request?.RootElement.TryGetProperty("query", out var q) == true ? q.GetString() : null;
                var variables = request?.RootElement.TryGetProperty("variables", out var v) == true && v.ValueKind == JsonValueKind.Object ? v : default;
                (answer, cost) = GraphQl(query, variables);
            }
            answer.Headers["X-RateLimit-Limit"] = RateLimit.ToString(CultureInfo.InvariantCulture);
            answer.Headers["X-RateLimit-Remaining"] = _graphQlRemaining.ToString(CultureInfo.InvariantCulture);
            answer.Headers["X-RateLimit-Used"] = (RateLimit - _graphQlRemaining).ToString(CultureInfo.InvariantCulture);
            answer.Headers["X-RateLimit-Reset"] = _graphQlResetAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            answer.Headers["X-RateLimit-Resource"] = "graphql";
        }
        await AnswerAsync(http, answer, pathAndQuery, null, cost);
    }

    /// <summary>Runs one query under the lock: the answer, and the points it spent.</summary>
    private (Answer Answer, int Cost) GraphQl(string? query, JsonElement variables)
    {
        GraphQLOperationDefinition operation;
        try
        {
            var document = Parser.Parse(query ?? throw new GraphQlError("A query attribute must be specified and must be a string.", null));
            operation = document.Definitions.OfType<GraphQLOperationDefinition>().SingleOrDefault()
                ?? throw new GraphQlError("Exactly one operation must be given.", null);
            if (operation.Operation != OperationType.Query)
            {
                throw new GraphQlError("Only queries are served.", null);
            }
            var (requests, nodes) = Measure(operation.SelectionSet, 1, variables);
            if (nodes > 500_000)
            {
                throw new GraphQlError($"By the time this query traverses to the nodes connection, it is requesting up to {nodes:D} possible nodes which exceeds the maximum limit of 500,000.", "MAX_NODE_LIMIT_EXCEEDED");
            }
            var cost = QueryCost(requests);
            if (cost > _graphQlRemaining)
            {
                _graphQlRemaining = 0;
                return (GraphQlErrors(new GraphQlError("API rate limit exceeded for user ID 1.", "RATE_LIMITED")), 0);
            }
            _graphQlRemaining -= cost;
            var data = Execute(operation.SelectionSet, new QueryRoot(cost, _graphQlRemaining, _graphQlResetAt, nodes), variables);
            return (Ok(new JsonObject { ["data"] = data }.ToJsonString()), cost);
        }
        catch (GraphQLSyntaxErrorException error)
        {
            return (GraphQlErrors(new GraphQlError(error.Description, "PARSE_ERROR")), 0);
        }
        catch (GraphQlError error)
        {
            return (GraphQlErrors(error), 0);
        }
    }

    /// <summary>GitHub's points for a query that needs <paramref name="requests"/> requests: divided by 100, rounded, at least 1.</summary>
    public static int QueryCost(long requests) => (int)Math.Max(1, Math.Round(requests / 100.0, MidpointRounding.AwayFromZero));

    private static Answer GraphQlErrors(GraphQlError error) =>
        Ok(new JsonObject
        {
            ["errors"] = new JsonArray(new JsonObject { ["type"] = error.Type, ["message"] = error.Message }),
        }.ToJsonString());

    /// <summary>The requests (connections × their parents' page sizes) and nodes a selection may need.</summary>
    private static (long Requests, long Nodes) Measure(GraphQLSelectionSet? set, long multiplier, JsonElement variables)
    {
        long requests = 0, nodes = 0;
        foreach (var selection in set?.Selections ?? [])
        {
            var childSet = (selection as GraphQLField)?.SelectionSet ?? (selection as GraphQLInlineFragment)?.SelectionSet;
            var childMultiplier = multiplier;
            if (selection is GraphQLField field && Connections.Contains(field.Name.StringValue))
            {
                var size = IntArgument(field, "first", variables) ?? IntArgument(field, "last", variables)
                    ?? throw new GraphQlError($"You must provide a `first` or `last` value to properly paginate the `{field.Name.StringValue}` connection.", "MISSING_PAGINATION_BOUNDARIES");
                if (size is < 1 or > 100)
                {
                    throw new GraphQlError($"Requesting {size} records on the `{field.Name.StringValue}` connection exceeds the `first` limit of 100 records.", "EXCESSIVE_PAGINATION");
                }
                requests += multiplier;
                nodes += multiplier * size;
                childMultiplier = multiplier * size;
            }
            var (r, n) = Measure(childSet, childMultiplier, variables);
            (requests, nodes) = (requests + r, nodes + n);
        }
        return (requests, nodes);
    }

    private JsonObject Execute(GraphQLSelectionSet set, object parent, JsonElement variables)
    {
        var json = new JsonObject();
        foreach (var selection in set.Selections)
        {
            switch (selection)
            {
                case GraphQLField field:
                {
                    var name = field.Name.StringValue;
                    var key = field.Alias?.Name.StringValue ?? name;
                    var value = name == "__typename" ? JsonValue.Create(TypeName(parent)) : Resolve(parent, name, field, variables);
                    json[key] = value switch
                    {
                        null => null,
                        JsonNode scalar => scalar,
                        _ when field.SelectionSet is null => throw new GraphQlError($"Field must have selections (field '{name}' returns {TypeName(value)} but has no selections.", null),
                        IEnumerable<object> list => new JsonArray(list.Select(item => (JsonNode)Execute(field.SelectionSet, item, variables)).ToArray()),
                        _ => Execute(field.SelectionSet, value, variables),
                    };
                    break;
                }
                case GraphQLInlineFragment fragment when fragment.TypeCondition is null || fragment.TypeCondition.Type.Name.StringValue == TypeName(parent):
                    foreach (var (key, value) in Execute(fragment.SelectionSet, parent, variables).ToList())
                    {
                        json[key] = value?.DeepClone();
                    }
                    break;
                case GraphQLInlineFragment:
                    break;
                default:
                    throw new GraphQlError("Named fragments are not served by this simulator.", null);
            }
        }
        return json;
    }

    /// <summary>A field's value: a scalar as JSON, an object or a list of objects to select from, or null.</summary>
    private object? Resolve(object parent, string name, GraphQLField field, JsonElement variables)
    {
        object? value = (parent, name) switch
        {
            (QueryRoot root, "rateLimit") => root,
            (QueryRoot root, "cost") => Json(root.Cost),
            (QueryRoot root, "remaining") => Json(root.Remaining),
            (QueryRoot root, "resetAt") => Json(Time(root.ResetAt)),
            (QueryRoot, "limit") => Json(RateLimit),
            (QueryRoot root, "used") => Json(RateLimit - root.Remaining),
            (QueryRoot root, "nodeCount") => Json(root.Nodes),
            (QueryRoot, "repository") => Organisations.SelectMany(o => o.Repositories).FirstOrDefault(r =>
                r.Owner == StringArgument(field, "owner", variables) && r.Name == StringArgument(field, "name", variables)),

            (FakeRepository repository, "pullRequests") => Page(field, variables,
                repository.Pulls.OrderByDescending(p => p.UpdatedAt).ThenByDescending(p => p.Number).Select(p => (object)new PullNode(repository, p)).ToList()),
            (FakeRepository repository, "pullRequest") => repository.Pulls.FirstOrDefault(p => p.Number == IntArgument(field, "number", variables)) is { } pull
                ? new PullNode(repository, pull) : null,
            (FakeRepository repository, "deployments") => Page(field, variables,
                repository.Deployments.OrderByDescending(d => d.CreatedAt).ThenByDescending(d => d.Id).Select(d => (object)new DeploymentNode(repository, d)).ToList()),
            (FakeRepository repository, "object") => repository.Commits.TryGetValue(StringArgument(field, "oid", variables) ?? "", out var commit) ? new CommitNode(repository, commit) : null,
            (FakeRepository repository, "nameWithOwner") => Json(repository.FullName),

            (PullNode p, "number") => Json(p.Pull.Number),
            (PullNode p, "title") => Json(p.Pull.Title),
            (PullNode p, "url") => Json(Html(p.Repository, $"/pull/{p.Pull.Number}")),
            (PullNode p, "createdAt") => Json(Time(p.Pull.CreatedAt)),
            (PullNode p, "updatedAt") => Json(Time(p.Pull.UpdatedAt)),
            (PullNode p, "mergedAt") => Time(p.Pull.MergedAt),
            (PullNode p, "closedAt") => Time(p.Pull.ClosedAt),
            (PullNode p, "baseRefName") => Json(p.Pull.BaseBranch),
            (PullNode p, "headRefName") => Json($"topic-{p.Pull.Number}"),
            (PullNode p, "author") => new ActorNode(p.Pull.Author),
            // GraphQL's mergeCommit is the merge once merged only (REST's merge_commit_sha is a test merge before).
            (PullNode p, "mergeCommit") => p.Pull.MergedAt is not null && p.Pull.MergeCommitSha is { } sha
                ? new CommitNode(p.Repository, p.Repository.Commits.GetValueOrDefault(sha) ?? new FakeCommit(sha, [], "", "", default, "")) : null,
            (PullNode p, "labels") => Page(field, variables, p.Pull.Labels.Select(name => (object)new LabelNode(name)).ToList()),
            (PullNode p, "commits") => Page(field, variables,
                p.Pull.CommitShas.Select(sha => (object)new PullCommitNode(new CommitNode(p.Repository, p.Repository.Commits[FakeRepository.Pad(sha)]))).ToList()),
            (PullNode p, "reviews") => Page(field, variables, p.Pull.Reviews.Select(r => (object)r).ToList()),

            (PullCommitNode c, "commit") => c.Commit,
            (CommitNode c, "oid") => Json(c.Commit.Sha),
            (CommitNode c, "message") => Json(c.Commit.Message),
            (CommitNode c, "author" or "committer") => c.Commit,
            (CommitNode c, "parents") => Page(field, variables,
                c.Commit.Parents.Select(sha => (object)new CommitNode(c.Repository, c.Repository.Commits.GetValueOrDefault(sha) ?? new FakeCommit(sha, [], "", "", default, ""))).ToList()),
            (FakeCommit c, "name") => Json(c.Author),
            (FakeCommit c, "email") => Json(c.Email),
            (FakeCommit c, "date") => Json(Time(c.At)),

            (FakeReview r, "databaseId") => Json(r.Id),
            (FakeReview r, "state") => Json(r.State),
            (FakeReview r, "submittedAt") => Time(r.SubmittedAt),
            (FakeReview r, "author") => new ActorNode(r.Reviewer),
            // GraphQL names a bot by its app's slug: REST's "dependabot[bot]" is "dependabot" here.
            (LabelNode l, "name") => Json(l.Name),
            (ActorNode a, "login") => Json(a.User.IsBot && a.User.Login.EndsWith("[bot]", StringComparison.Ordinal) ? a.User.Login[..^"[bot]".Length] : a.User.Login),

            (DeploymentNode d, "databaseId") => Json(d.Deployment.Id),
            (DeploymentNode d, "commitOid") => Json(d.Deployment.Sha),
            (DeploymentNode d, "environment" or "originalEnvironment") => Json(d.Deployment.Environment),
            (DeploymentNode d, "createdAt") => Json(Time(d.Deployment.CreatedAt)),
            (DeploymentNode d, "ref") => new RefNode(d.Repository.DefaultBranch),
            (DeploymentNode d, "statuses") => Page(field, variables,
                d.Deployment.Statuses.OrderByDescending(s => s.At).ThenByDescending(s => s.Id).Select(s => (object)new StatusNode(d.Deployment, s)).ToList()),
            (StatusNode s, "state") => Json(s.Status.State.ToUpperInvariant()),
            (StatusNode s, "createdAt") => Json(Time(s.Status.At)),
            (StatusNode s, "logUrl") => Json($"https://ci.acme.test/deployments/{s.Deployment.Id}/{s.Status.Id}"),
            (StatusNode s, "environmentUrl") => null,
            (RefNode r, "name") => Json(r.Name),

            (Connection c, "nodes") => c.Nodes,
            (Connection c, "totalCount") => Json(c.TotalCount),
            (Connection c, "pageInfo") => c,
            (Connection c, "hasNextPage") => Json(c.HasNextPage),
            (Connection c, "endCursor") => c.EndCursor is null ? null : Json(c.EndCursor),
            _ => throw new GraphQlError($"Field '{name}' doesn't exist on type '{TypeName(parent)}'", "undefinedField"),
        };
        return value;
    }

    private static JsonNode Json<T>(T value) => JsonValue.Create(value)!;

    private static string TypeName(object value) => value switch
    {
        QueryRoot => "Query",
        FakeRepository => "Repository",
        PullNode => "PullRequest",
        PullCommitNode => "PullRequestCommit",
        CommitNode => "Commit",
        FakeCommit => "GitActor",
        FakeReview => "PullRequestReview",
        ActorNode a => a.User.IsBot ? "Bot" : "User",
        DeploymentNode => "Deployment",
        StatusNode => "DeploymentStatus",
        RefNode => "Ref",
        Connection => "Connection",
        _ => value.GetType().Name,
    };

    /// <summary>A page of <paramref name="all"/> from the <c>after</c> cursor (an opaque base64 of the offset, as GitHub's are opaque).</summary>
    private static Connection Page(GraphQLField field, JsonElement variables, List<object> all)
    {
        var size = IntArgument(field, "first", variables) ?? 100;
        var offset = StringArgument(field, "after", variables) is { } after ? CursorOffset(after) + 1 : 0;
        var nodes = all.Skip(offset).Take(size).ToList();
        var last = offset + nodes.Count - 1;
        return new Connection(nodes, all.Count, last + 1 < all.Count, nodes.Count == 0 ? null : Cursor(last));
    }

    private static string Cursor(int offset) => Convert.ToBase64String(Encoding.UTF8.GetBytes($"cursor:v2:{offset.ToString(CultureInfo.InvariantCulture)}"));

    private static int CursorOffset(string cursor)
    {
        try
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(cursor));
            return text.StartsWith("cursor:v2:", StringComparison.Ordinal) ? int.Parse(text["cursor:v2:".Length..], CultureInfo.InvariantCulture) : throw new FormatException();
        }
        catch (FormatException)
        {
            throw new GraphQlError($"`{cursor}` does not appear to be a valid cursor.", "INVALID_CURSOR_ARGUMENTS");
        }
    }

    private static int? IntArgument(GraphQLField field, string name, JsonElement variables) => Argument(field, name, variables) switch
    {
        GraphQLIntValue number => int.Parse(number.Value.Span, CultureInfo.InvariantCulture),
        JsonElement { ValueKind: JsonValueKind.Number } json => json.GetInt32(),
        _ => null,
    };

    private static string? StringArgument(GraphQLField field, string name, JsonElement variables) => Argument(field, name, variables) switch
    {
        GraphQLStringValue text => text.Value.ToString(),
        JsonElement { ValueKind: JsonValueKind.String } json => json.GetString(),
        _ => null,
    };

    /// <summary>An argument's literal, or a variable's JSON value; null when absent or null.</summary>
    private static object? Argument(GraphQLField field, string name, JsonElement variables)
    {
        var value = field.Arguments?.ValueFor(name);
        if (value is GraphQLVariable variable)
        {
            return variables.ValueKind == JsonValueKind.Object && variables.TryGetProperty(variable.Name.StringValue, out var json) && json.ValueKind != JsonValueKind.Null
                ? json : null;
        }
        return value is GraphQLNullValue ? null : value;
    }

    private sealed record QueryRoot(int Cost, int Remaining, DateTimeOffset ResetAt, long Nodes);

    private sealed record PullNode(FakeRepository Repository, FakePull Pull);

    private sealed record PullCommitNode(CommitNode Commit);

    private sealed record CommitNode(FakeRepository Repository, FakeCommit Commit);

    private sealed record ActorNode(FakeUser User);

    private sealed record LabelNode(string Name);

    private sealed record DeploymentNode(FakeRepository Repository, FakeDeployment Deployment);

    private sealed record StatusNode(FakeDeployment Deployment, FakeDeploymentStatus Status);

    private sealed record RefNode(string Name);

    private sealed record Connection(List<object> Nodes, int TotalCount, bool HasNextPage, string? EndCursor);

    /// <summary>A query GitHub would refuse or could not serve, with GitHub's error type.</summary>
    private sealed class GraphQlError(string message, string? type) : Exception(message)
    {
        public string? Type { get; } = type;
    }
}
