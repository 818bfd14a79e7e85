using System.Text;
using Analytics.Ingestors.Csv;
using Analytics.Ingestors.Push;
using Analytics.Ingestors.Tests.Runs;
using Analytics.Testing;

namespace Analytics.Ingestors.Tests.Interchange;

/// <summary>
/// The interchange format (docs/interchange/): commits, pull requests and reviews by CSV and by push, checked and
/// reported like every CSV format, idempotent, and linked to deployments after the import so that the DORA lead time
/// and the pull requests' deploy phase work from these files alone.
/// </summary>
public sealed class InterchangeImportTests : IAsyncLifetime
{
    private const string Token = "ci-token-7d1e0a5b3c9f48e2a6b4c8d0e2f4a6b8";
    private IngestTestHost _host = null!;

    public async Task InitializeAsync() => _host = await IngestTestHost.CreateAsync(
        new Dictionary<string, string?> { ["Analytics:Push:Sources:bitbucket:Token"] = Token });

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private Task<CsvImportReport> ImportAsync(string path, CsvKind? kind = null) =>
        _host.Get<CsvImporter>().ImportAsync(path, kind, "interchange-test", skipInvalid: false);

    private Task<PushOutcome> PushAsync(PushedEvents events, string json) =>
        _host.Get<PushReceiver>().ReceiveAsync("Bearer " + Token, new MemoryStream(Encoding.UTF8.GetBytes(json)), events, CancellationToken.None);

    private sealed record Shipment(string Sha, string DeploymentId, string Link, DateTimeOffset DeployedAt, DateTimeOffset AuthoredAt);

    private sealed record AttributedPull(uint Number, DateTimeOffset? FirstCommitAt, DateTimeOffset? DeployedAt, string Team, uint Reviews);

    private static DateTimeOffset At(string text) => DateTimeOffset.Parse(text, System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task The_samples_give_lead_times_and_pull_request_phases_from_the_files_alone_and_importing_them_again_changes_nothing()
    {
        var first = await ImportAsync(RepositoryFiles.SamplesCsv);

        Assert.False(first.HasErrors, string.Join(Environment.NewLine, first.Errors));
        Assert.Equal(5, first.RowsPerTable["commits"]);
        Assert.Equal(2, first.RowsPerTable["pull_requests"]);
        Assert.Equal(3, first.RowsPerTable["pull_request_reviews"]);
        Assert.Equal(1, await _host.CountAsync("pull_request_commits FINAL"));
        // Linked by ancestry after the import: the merged change with the deployment of its merge commit, the two
        // commits after it with the hotfix deployment (gh-run-9002 failed; 9004 is staging).
        var shipments = await _host.EngineStore.QueryAsync<Shipment>(
            "SELECT sha, deployment_id, link, deployed_at, authored_at FROM commit_shipments ORDER BY sha");
        Assert.Contains(new Shipment("5e6f7a8", "gh-run-9001", "exact", At("2026-04-14T09:20:31Z"), At("2026-04-14T07:50:00Z")), shipments);
        Assert.Contains(new Shipment("3f1c2a9", "gh-run-9001", "exact", At("2026-04-14T09:20:31Z"), At("2026-04-14T09:00:00Z")), shipments);
        Assert.Contains(new Shipment("7b2d0e4", "gh-run-9003", "exact", At("2026-04-15T15:36:40Z"), At("2026-04-15T11:30:00Z")), shipments);
        Assert.Contains(new Shipment("c94e11f", "gh-run-9003", "exact", At("2026-04-15T15:36:40Z"), At("2026-04-15T15:00:00Z")), shipments);
        Assert.True(first.RowsPerTable["deployment_commits"] >= 4);

        // #41: first commit from its listed commit's author time (07:50), deployed with its merge commit, picked up by
        // Bo's request for changes (the bot's comment never counts); #42 states its first commit and is open.
        var pulls = await _host.EngineStore.QueryAsync<AttributedPull>(
            "SELECT number, first_commit_at, deployed_at, team, toUInt32(length(reviews)) AS reviews FROM attributed_pull_requests ORDER BY number");
        Assert.Equal(
            [new AttributedPull(41, At("2026-04-14T07:50:00Z"), At("2026-04-14T09:20:31Z"), "payments", 2), new AttributedPull(42, At("2026-04-15T15:40:00Z"), null, "payments", 0)],
            pulls);

        var snapshot = await SnapshotAsync();
        var second = await ImportAsync(RepositoryFiles.SamplesCsv);
        Assert.False(second.HasErrors, string.Join(Environment.NewLine, second.Errors));
        Assert.Equal(snapshot, await SnapshotAsync());
    }

    private async Task<List<long>> SnapshotAsync() =>
    [
        await _host.CountAsync("commits FINAL"), await _host.CountAsync("pull_requests FINAL"), await _host.CountAsync("pull_request_commits FINAL"),
        await _host.CountAsync("pull_request_reviews FINAL"), await _host.CountAsync("deployment_commits FINAL"), await _host.CountAsync("commit_shipments"),
    ];

    [Fact]
    public async Task Every_bad_field_is_named_with_its_file_line_and_reason_and_a_file_with_one_imports_nothing()
    {
        var commits = _host.WriteFile("in/commits.csv", """
            repository,sha,parents,authored_at,committed_at
            acme/shop,a1b2c3d,,2026-04-14T09:00:00Z,
            shop,a1b2c3e,,2026-04-14T09:00:00Z,
            acme/shop,xyz,,2026-04-14T09:00:00Z,
            acme/shop,b1b2c3d,a1b2c3d;not-a-sha,2026-04-14 09:00,
            acme/shop,c1b2c3d,c1b2c3d,2026-04-14T09:00:00Z,2026-04-14
            """);
        var pulls = _host.WriteFile("in/pull-requests.csv", """
            repository,number,author,opened_at,merged_at,closed_at,merge_sha,author_is_bot
            acme/shop,seven,ana,2026-04-14T09:00:00Z,,,,
            acme/shop,8,ana,2026-04-14T09:00:00Z,2026-04-14T10:00:00Z,,,
            acme/shop,9,ana,2026-04-14T09:00:00Z,,2026-04-14T08:00:00Z,a1b2c3d,maybe
            acme/shop,10,,2026-04-14T09:00:00Z,,,,
            """);
        var reviews = _host.WriteFile("in/reviews.csv", $"""
            repository,number,review_id,reviewer,state,submitted_at
            acme/shop,8,r1,ben,lgtm,2026-04-14T09:30:00Z
            acme/shop,8,r2,ben,approved,{DateTime.UtcNow.AddDays(2):yyyy-MM-ddTHH:mm:ssZ}
            acme/shop,8,r1,ben,approved,2026-04-14T09:40:00Z
            """);

        var report = await ImportAsync(Path.Combine(_host.Folder, "in"));

        var errors = report.Errors.Select(e => (Path.GetFileName(e.File), e.Line, e.Column, e.Reason)).ToList();
        void Has(string file, int line, string column, string reason) =>
            Assert.True(errors.Any(e => e.Item1 == file && e.Line == line && e.Column == column && e.Reason.Contains(reason, StringComparison.Ordinal)),
                $"no error {file}, line {line}, column {column}: …{reason}… in:{Environment.NewLine}{string.Join(Environment.NewLine, report.Errors)}");
        Has("commits.csv", 3, "repository", "'shop' is not owner/name");
        Has("commits.csv", 4, "sha", "'xyz' is not a commit sha (7 to 64 hex digits)");
        Has("commits.csv", 5, "parents", "'not-a-sha' is not a commit sha");
        Has("commits.csv", 5, "authored_at", "has no UTC offset");
        Has("commits.csv", 6, "parents", "a commit cannot be its own parent");
        Has("commits.csv", 6, "committed_at", "is a date without a time");
        Has("pull-requests.csv", 2, "number", "'seven' is not a whole number");
        Has("pull-requests.csv", 3, "merge_sha", "is required when merged_at is set");
        Has("pull-requests.csv", 4, "closed_at", "is before opened_at");
        Has("pull-requests.csv", 4, "merge_sha", "merged_at is empty");
        Has("pull-requests.csv", 4, "author_is_bot", "'maybe' is not true or false");
        Has("pull-requests.csv", 5, "author", "is required and empty");
        Has("reviews.csv", 2, "state", "'lgtm' is not one of: approved, changes_requested, commented, dismissed");
        Has("reviews.csv", 3, "submitted_at", "is in the future");
        Has("reviews.csv", 4, "review_id", "review acme/shop#8/r1 is duplicated: it already appears in");
        Assert.Equal(15, errors.Count);
        Assert.All(report.Files, f => Assert.Equal(0, f.RowsImported));
        Assert.Equal(0, await _host.CountAsync("commits"));
        Assert.Equal(0, await _host.CountAsync("pull_requests"));
        Assert.Equal(0, await _host.CountAsync("pull_request_reviews"));
    }

    [Fact]
    public async Task A_missing_column_is_named_with_the_format_s_columns()
    {
        var path = _host.WriteFile("reviews.csv", "repository,number,reviewer,state,submitted_at\nacme/shop,8,ben,approved,2026-04-14T09:30:00Z\n");

        var error = Assert.Single((await ImportAsync(path)).Errors);

        Assert.Null(error.Line);
        Assert.StartsWith("missing required column review_id (the columns are: repository,number,review_id,reviewer,[reviewer_is_bot],state,submitted_at", error.Reason);
    }

    [Fact]
    public async Task A_commit_sent_again_on_another_day_is_refused_since_it_would_be_stored_twice()
    {
        Assert.False((await ImportAsync(_host.WriteFile("a/commits.csv", "repository,sha,authored_at\nacme/shop,a1b2c3d,2026-04-14T09:00:00Z\n"))).HasErrors);

        var error = Assert.Single((await ImportAsync(_host.WriteFile("b/commits.csv", "repository,sha,authored_at\nacme/shop,a1b2c3d,2026-04-15T09:00:00Z\n"))).Errors);

        Assert.Equal((2, "committed_at"), (error.Line, error.Column));
        Assert.Contains("is already stored with committed_at on 2026-04-14 (UTC)", error.Reason);
        Assert.Equal(1, await _host.CountAsync("commits FINAL"));
    }

    [Fact]
    public async Task Pushed_commits_pull_requests_and_reviews_are_stored_and_linked_and_a_bad_one_is_refused_by_field()
    {
        var samples = Path.Combine(RepositoryPaths.Root, "samples", "interchange");
        Assert.False((await ImportAsync(RepositoryFiles.SamplesCsv, CsvKind.Catalog)).HasErrors);
        foreach (var events in new[] { PushedEvents.Deployments, PushedEvents.Commits, PushedEvents.PullRequests, PushedEvents.Reviews })
        {
            var outcome = await PushAsync(events, await File.ReadAllTextAsync(Path.Combine(samples, $"{events.Kind}.json")));
            Assert.IsType<PushOutcome.Accepted>(outcome);
        }

        Assert.Equal(5, await _host.CountAsync("commits FINAL"));
        Assert.Equal(1, await _host.CountAsync("pull_requests FINAL", "number = 41 AND labels = ['feature', 'payments'] AND first_commit_at = toDateTime64('2026-04-14 07:50:00', 3, 'UTC')"));
        Assert.Equal(1, await _host.CountAsync("pull_request_commits FINAL"));
        var shipped = await _host.EngineStore.QueryAsync<Shipment>(
            "SELECT sha, deployment_id, link, deployed_at, authored_at FROM commit_shipments WHERE sha = '5e6f7a8'");
        Assert.Equal(new Shipment("5e6f7a8", "gh-run-9001", "exact", At("2026-04-14T09:20:31Z"), At("2026-04-14T07:50:00Z")), Assert.Single(shipped));

        var refused = Assert.IsType<PushOutcome.Invalid>(await PushAsync(PushedEvents.PullRequests,
            """[{"repository":"acme/payments-api","number":43,"author":"annlee","opened_at":"2026-04-16T08:00:00Z"},{"repository":"acme/payments-api","number":44,"author":"annlee","opened_at":"2026-04-16T08:00:00Z","merged_at":"2026-04-16T09:00:00Z","commits":["abc1234",7]}]"""));
        Assert.Equal(["[1].commits", "[1].merge_sha"], refused.Errors.Keys.Order());
        Assert.Equal(2, await _host.CountAsync("pull_requests FINAL"));
    }
}
