using System.Globalization;
using System.Text.Json;
using Octokit;

namespace Analytics.Ingestors.GitHub;

/// <summary>
/// The GraphQL queries the GitHub source sends, and how their answers are read. Every query asks for
/// <c>rateLimit { cost remaining resetAt }</c>, so the points it spent are counted from GitHub's own figure.
/// </summary>
/// <remarks>
/// <para>
/// Cost, as GitHub computes it (docs.github.com, "Rate limits and query limits for the GraphQL API"): the number of
/// requests each connection needs, assuming every <c>first</c> is reached, summed, divided by 100 and rounded, at
/// least 1. A page of pull requests (<c>first: 100</c>) with their labels, commits and reviews (<c>first: 100</c>
/// each) is 1 + 3 × 100 = 301 requests: 3 points for 100 pull requests, where REST spends 201 (a page, then each
/// one's commits and reviews). Nodes: 100 + 3 × 100 × 100 = 30,100, well under the 500,000 a query may ask for.
/// </para>
/// <para>
/// A commit's parents are a connection too: asked for under a pull request's commits they would be 100 × 100
/// requests (100 points a page). They are asked for separately instead (<see cref="ParentsQuery"/>), 100 commits per
/// query at 1 point, and only for commits the run has not read from the branch's history already.
/// </para>
/// </remarks>
internal static class GitHubGraphQl
{
    public const string RateLimit = "rateLimit { cost remaining resetAt }";

    public const string CommitFields = "commit { oid message author { name email date } committer { name email date } }";

    public const string ReviewFields = "databaseId state submittedAt author { __typename login }";

    public const string PullRequestsQuery = $$"""
        query($owner: String!, $name: String!, $first: Int!, $after: String) {
          {{RateLimit}}
          repository(owner: $owner, name: $name) {
            pullRequests(first: $first, after: $after, orderBy: {field: UPDATED_AT, direction: DESC}) {
              pageInfo { hasNextPage endCursor }
              nodes {
                number title url createdAt updatedAt mergedAt closedAt baseRefName headRefName
                author { __typename login }
                mergeCommit { oid }
                labels(first: 100) { pageInfo { hasNextPage endCursor } nodes { name } }
                commits(first: 100) { pageInfo { hasNextPage endCursor } nodes { {{CommitFields}} } }
                reviews(first: 100) { pageInfo { hasNextPage endCursor } nodes { {{ReviewFields}} } }
              }
            }
          }
        }
        """;

    /// <summary>The rest of one pull request's <paramref name="connection"/> (more than 100 commits, reviews or labels): 1 point a page.</summary>
    public static string PullRequestConnectionQuery(string connection, string fields) => $$"""
        query($owner: String!, $name: String!, $number: Int!, $after: String) {
          {{RateLimit}}
          repository(owner: $owner, name: $name) {
            pullRequest(number: $number) {
              {{connection}}(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { {{fields}} } }
            }
          }
        }
        """;

    public const string DeploymentsQuery = $$"""
        query($owner: String!, $name: String!, $first: Int!, $after: String) {
          {{RateLimit}}
          repository(owner: $owner, name: $name) {
            deployments(first: $first, after: $after, orderBy: {field: CREATED_AT, direction: DESC}) {
              pageInfo { hasNextPage endCursor }
              nodes {
                databaseId commitOid environment createdAt ref { name }
                statuses(first: 100) { nodes { state createdAt logUrl environmentUrl } }
              }
            }
          }
        }
        """;

    /// <summary>The parents of up to 100 commits, one aliased <c>object(oid:)</c> each (shas checked to be hex, so safe as literals).</summary>
    public static string ParentsQuery(IReadOnlyList<string> shas)
    {
        if (shas.Count is 0 or > 100 || shas.Any(sha => sha.Length is < 7 or > 64 || !sha.All(char.IsAsciiHexDigit)))
        {
            throw new ArgumentException("1 to 100 commit shas (hex) are needed.", nameof(shas));
        }
        var objects = string.Join("\n    ", shas.Select((sha, i) =>
            $"c{i.ToString(CultureInfo.InvariantCulture)}: object(oid: \"{sha}\") {{ ... on Commit {{ oid parents(first: 100) {{ nodes {{ oid }} }} }} }}"));
        return $$"""
            query($owner: String!, $name: String!) {
              {{RateLimit}}
              repository(owner: $owner, name: $name) {
                {{objects}}
              }
            }
            """;
    }

    /// <summary>
    /// The <c>data</c> of an answer, and the points it cost. GitHub answers 200 with <c>errors</c> for a query it
    /// could not (fully) serve: <c>RATE_LIMITED</c> (primary limit spent) throws
    /// <see cref="GitHubGraphQlRateLimitException"/>, waited for until <c>X-RateLimit-Reset</c>; any other error
    /// throws <see cref="GitHubGraphQlException"/>, retried as a dropped connection is (a partial answer or a
    /// timeout in GitHub's resolvers usually serves whole the next time), and failing the run once retries are spent.
    /// </summary>
    public static (JsonElement Data, long Cost) Read(string body, string? resetHeader)
    {
        using var document = JsonDocument.Parse(body);
        var root = document.RootElement;
        if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Array && errors.GetArrayLength() > 0)
        {
            var types = errors.EnumerateArray().Select(e => e.TryGetProperty("type", out var t) ? t.GetString() : null).ToList();
            var messages = string.Join("; ", errors.EnumerateArray().Select(e => e.TryGetProperty("message", out var m) ? m.GetString() : "").Take(3));
            if (types.Contains("RATE_LIMITED"))
            {
                var reset = long.TryParse(resetHeader, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds)
                    ? DateTimeOffset.FromUnixTimeSeconds(seconds) : (DateTimeOffset?)null;
                throw new GitHubGraphQlRateLimitException($"GitHub GraphQL: {messages}", reset);
            }
            var partial = root.TryGetProperty("data", out var some) && some.ValueKind == JsonValueKind.Object;
            throw new GitHubGraphQlException($"GitHub GraphQL answered {(partial ? "in part" : "with no data")}: {messages}");
        }
        var data = root.GetProperty("data").Clone();
        var cost = data.TryGetProperty("rateLimit", out var limit) && limit.ValueKind == JsonValueKind.Object ? limit.GetProperty("cost").GetInt64() : 0;
        return (data, cost);
    }

    public static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static DateTimeOffset? Time(JsonElement element, string name) =>
        Text(element, name) is { } text ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal) : null;

    public static JsonElement Child(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value : default;

    /// <summary>A connection's nodes (none when it is null).</summary>
    public static IEnumerable<JsonElement> Nodes(JsonElement connection) =>
        Child(connection, "nodes") is { ValueKind: JsonValueKind.Array } nodes ? nodes.EnumerateArray().Where(n => n.ValueKind == JsonValueKind.Object) : [];

    /// <summary>The cursor after a connection's last node when it has more, else null.</summary>
    public static string? Next(JsonElement connection) =>
        Child(connection, "pageInfo") is { ValueKind: JsonValueKind.Object } info && Child(info, "hasNextPage").ValueKind == JsonValueKind.True
            ? Text(info, "endCursor") : null;

    /// <summary>An actor's login as REST spells it: GraphQL gives a bot's without the <c>[bot]</c> REST shows.</summary>
    public static (string? Login, bool IsBot) Actor(JsonElement actor)
    {
        var login = Text(actor, "login");
        var isBot = Text(actor, "__typename") == "Bot";
        return (isBot && login is not null && !login.EndsWith("[bot]", StringComparison.Ordinal) ? login + "[bot]" : login, isBot);
    }

    /// <summary>A git actor (<c>{ name email date }</c>) as Octokit's, which <see cref="GitHubRows.Commit(string, string, IEnumerable{string}, Committer?, Committer?, string?, string)"/> reads.</summary>
    public static Committer? Signature(JsonElement actor) =>
        actor.ValueKind == JsonValueKind.Object ? new Committer(Text(actor, "name"), Text(actor, "email"), Time(actor, "date") ?? default) : null;
}

/// <summary>A GraphQL answer carrying errors (a partial answer, or none): retried like a dropped connection.</summary>
internal sealed class GitHubGraphQlException(string message) : IOException(message);

/// <summary>GitHub's GraphQL rate limit is spent (<c>RATE_LIMITED</c>): the query may be sent again at <see cref="ResetAt"/>.</summary>
internal sealed class GitHubGraphQlRateLimitException(string message, DateTimeOffset? resetAt) : Exception(message)
{
    public DateTimeOffset? ResetAt { get; } = resetAt;
}
