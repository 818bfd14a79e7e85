using System.Text.Json;
using Analytics.Ingestors.Sources;
using Octokit;
using static Analytics.Ingestors.GitHub.GitHubGraphQl;

namespace Analytics.Ingestors.GitHub;

/// <summary>
/// <see cref="GitHubPullRequestReader"/>'s rows through GitHub's GraphQL API (<see cref="GitHubApiKind.GraphQl"/>):
/// pull requests by last update, newest first, 100 a query with their labels, commits and reviews nested (3 points),
/// down to the last run's newest (the same cursor, <c>acme/shop:pulls</c>).
/// </summary>
/// <remarks>
/// GraphQL has no conditional requests, so whether anything changed is asked of REST first: the first pull request
/// by update, conditionally (<c>per_page=1</c>, the ETag kept in the cursor). 304 costs nothing, so an unchanged
/// repository costs no point, as with REST alone; only when it answers 200 are the GraphQL pages read.
/// </remarks>
internal sealed class GitHubGraphQlPullRequestReader(GitHubSyncRun run) : IResourceReader<GitHubRepositoryTarget>
{
    public async Task ReadAsync(GitHubRepositoryTarget target, CancellationToken cancellationToken)
    {
        var resource = $"{target.FullName}:pulls";
        var cursor = await run.Cursors.ReadAsync<UpdatedCursor>(resource, cancellationToken);
        var state = cursor.State;
        var api = run.Api;
        var check = await api.GetPageAsync<PullRequest>(
            api.Url($"repos/{target.FullName}/pulls?state=all&sort=updated&direction=desc&per_page=1"), cursor.ETag, cancellationToken);
        if (check.NotModified)
        {
            return;
        }
        DateTimeOffset? newest = null;
        var atNewest = new List<long>();
        string? after = null;
        var first = true;
        do
        {
            var data = await api.QueryAsync(PullRequestsQuery, Variables(target, ("first", api.PageSize), ("after", after)), cancellationToken);
            var connection = Child(Repository(data, target), "pullRequests");
            var page = Nodes(connection).ToList();
            if (first)
            {
                newest = page.Select(p => Time(p, "updatedAt")).FirstOrDefault();
                first = false;
            }
            var current = page.TakeWhile(p => run.IsNew(Time(p, "updatedAt")!.Value, state?.Updated)).ToList();
            atNewest.AddRange(current.Where(p => Time(p, "updatedAt") == newest).Select(p => (long)p.GetProperty("number").GetInt32()));
            await WriteAsync(target, current.Where(p => !UpdatedCursor.WasRead(state, Time(p, "updatedAt")!.Value, p.GetProperty("number").GetInt32())).ToList(), cancellationToken);
            after = current.Count == page.Count ? Next(connection) : null;
        }
        while (after is not null);
        run.Cursors.Advance(resource, UpdatedCursor.Advanced(state, newest, atNewest), check.ETag);
    }

    /// <summary>The repository of an answer; a repository GitHub does not show (gone, or no access) fails the run, as REST's 404 does.</summary>
    internal static JsonElement Repository(JsonElement data, GitHubRepositoryTarget target) =>
        Child(data, "repository") is { ValueKind: JsonValueKind.Object } repository
            ? repository
            : throw new GitHubIngestException($"GitHub GraphQL: repository {target.FullName} was not found.");

    internal static Dictionary<string, object?> Variables(GitHubRepositoryTarget target, params (string Name, object? Value)[] more)
    {
        var parts = target.FullName.Split('/', 2);
        var variables = new Dictionary<string, object?> { ["owner"] = parts[0], ["name"] = parts[1] };
        foreach (var (name, value) in more)
        {
            variables[name] = value;
        }
        return variables;
    }

    /// <summary>The rows of one page's pull requests: each with its commits (and those commits' parents) and reviews.</summary>
    private async Task WriteAsync(GitHubRepositoryTarget target, IReadOnlyList<JsonElement> pulls, CancellationToken cancellationToken)
    {
        var read = new List<(JsonElement Pull, List<JsonElement> Commits, List<JsonElement> Reviews, List<JsonElement> Labels)>();
        foreach (var pull in pulls)
        {
            var number = pull.GetProperty("number").GetInt32();
            read.Add((
                pull,
                (await AllAsync(target, number, pull, "commits", CommitFields, cancellationToken)).Select(c => Child(c, "commit")).ToList(),
                await AllAsync(target, number, pull, "reviews", ReviewFields, cancellationToken),
                await AllAsync(target, number, pull, "labels", "name", cancellationToken)));
        }
        // Parents only for commits not already written from the branch's history by this run (which had them).
        var unknown = read.SelectMany(p => p.Commits).Select(c => Text(c, "oid")!).Where(sha => !run.CommitRead(target, sha)).Distinct(StringComparer.Ordinal).ToList();
        var parents = await GitHubGraphQlCommits.ParentsAsync(run, target, unknown, cancellationToken);

        var batch = new RowBatch(GitHubTables.PullRequests, GitHubTables.PullRequestCommits, GitHubTables.Commits, GitHubTables.Reviews);
        foreach (var (pull, commits, reviews, labels) in read)
        {
            var number = pull.GetProperty("number").GetInt32();
            var (login, isBot) = Actor(Child(pull, "author"));
            var createdAt = Time(pull, "createdAt")!.Value;
            var facts = new PullRequestFacts(
                number, Text(pull, "title"), login, isBot, Text(pull, "baseRefName"), Text(pull, "headRefName"), createdAt,
                Time(pull, "mergedAt"), Time(pull, "closedAt"), Text(Child(pull, "mergeCommit"), "oid"), Text(pull, "url"),
                labels.Select(l => Text(l, "name") ?? "").ToList());
            var commitTimes = commits.Select(c => Time(Child(c, "author"), "date") ?? Time(Child(c, "committer"), "date") ?? createdAt);
            var reviewFacts = reviews.Select(r =>
            {
                var (reviewer, reviewerIsBot) = Actor(Child(r, "author"));
                return new ReviewFacts(Child(r, "databaseId").GetInt64(), reviewer, reviewerIsBot, Text(r, "state") ?? "", Time(r, "submittedAt"));
            });
            batch.Add(GitHubTables.PullRequests, GitHubRows.PullRequest(target.Repository, facts, commitTimes, reviewFacts, run.Source));
            batch.AddRange(GitHubTables.PullRequestCommits, commits.Select(c => new object?[] { target.Repository, (uint)number, Text(c, "oid") }));
            batch.AddRange(GitHubTables.Commits, commits.Where(c => parents.ContainsKey(Text(c, "oid")!)).Select(c => GitHubRows.Commit(
                target.Repository, Text(c, "oid")!, parents[Text(c, "oid")!], Signature(Child(c, "author")), Signature(Child(c, "committer")), Text(c, "message"), run.Source)));
            batch.AddRange(GitHubTables.Reviews, GitHubRows.Reviews(target.Repository, number, reviewFacts, run.Source));
        }
        var written = await run.Run.Rows.WriteAsync(batch, cancellationToken);
        if (written[GitHubTables.Commits.Name] > 0)
        {
            run.ServicesToLink.Add(target.Service);
        }
    }

    /// <summary>Every node of a pull request's nested connection: the page that came with it, then the rest (1 point a page).</summary>
    private async Task<List<JsonElement>> AllAsync(
        GitHubRepositoryTarget target, int number, JsonElement pull, string connectionName, string fields, CancellationToken cancellationToken)
    {
        var connection = Child(pull, connectionName);
        var nodes = Nodes(connection).ToList();
        for (var after = Next(connection); after is not null; after = Next(connection))
        {
            var data = await run.Api.QueryAsync(
                PullRequestConnectionQuery(connectionName, fields), Variables(target, ("number", number), ("after", after)), cancellationToken);
            connection = Child(Child(Repository(data, target), "pullRequest"), connectionName);
            nodes.AddRange(Nodes(connection));
        }
        return nodes;
    }
}

/// <summary>Commits' parents through GraphQL, 100 commits a query (1 point).</summary>
internal static class GitHubGraphQlCommits
{
    public static async Task<Dictionary<string, string[]>> ParentsAsync(
        GitHubSyncRun run, GitHubRepositoryTarget target, IReadOnlyList<string> shas, CancellationToken cancellationToken)
    {
        var parents = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var chunk in shas.Chunk(100))
        {
            var data = await run.Api.QueryAsync(ParentsQuery(chunk), GitHubGraphQlPullRequestReader.Variables(target), cancellationToken);
            var repository = GitHubGraphQlPullRequestReader.Repository(data, target);
            for (var i = 0; i < chunk.Length; i++)
            {
                var commit = Child(repository, $"c{i}");
                // A commit GitHub no longer has (force-pushed away) is left out, as REST's pull request commits would be.
                if (Text(commit, "oid") is { } sha)
                {
                    parents[sha] = Nodes(Child(commit, "parents")).Select(p => Text(p, "oid")!).ToArray();
                }
            }
        }
        return parents;
    }
}
