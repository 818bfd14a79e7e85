using Analytics.Ingestors.Sources;
using Analytics.Ingestors.Tests.Git;
using Analytics.Ingestors.Tests.GitHub;
using Microsoft.Extensions.Logging.Abstractions;

namespace Analytics.Ingestors.Tests.Sources;

/// <summary>
/// The source skeleton on its own, through <see cref="TinyTicketSource"/> run by the real <see cref="IngestRunner"/>
/// over a real catalog: paging, cursors saved only on success, conditional requests, retries and row batches.
/// </summary>
public sealed class SourceSkeletonTests : IAsyncLifetime
{
    private readonly List<string> _events = [];
    private readonly FakeClock _clock = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
    private TestCatalog _catalog = null!;
    private TinyTicketServer _server = null!;
    private TinyTicketSource _source = null!;

    public async Task InitializeAsync()
    {
        _catalog = await TestCatalog.CreateAsync();
        _server = new TinyTicketServer(_events);
        _source = new TinyTicketSource(_server, new RecordingStore(_events), _clock);
    }

    public async Task DisposeAsync() => await _catalog.DisposeAsync();

    [Fact]
    public async Task A_run_reads_every_page_storing_each_before_asking_for_the_next_and_a_later_run_stops_at_what_it_read()
    {
        _server.Tickets.AddRange([1, 2, 3, 4, 5]);

        var first = await RunAsync();

        Assert.True(first.Succeeded, first.Error);
        Assert.Equal(["GET 0 → 200", "INSERT tickets 5,4", "GET 2 → 200", "INSERT tickets 3,2", "GET 4 → 200", "INSERT tickets 1"], _events);
        Assert.Equal(5, first.RowsPerTable["tickets"]);

        _events.Clear();
        _server.Tickets.AddRange([6, 7]);
        var second = await RunAsync();

        // The first page changed (its ETag with it); the second holds only tickets read before, so the reader stops there.
        Assert.True(second.Succeeded, second.Error);
        Assert.Equal(["GET 0 conditional → 200", "INSERT tickets 7,6", "GET 2 → 200"], _events);
        Assert.Equal(2, second.RowsPerTable["tickets"]);
        Assert.Equal("{\"newest\":7}", (await SavedCursorAsync())?.Value);
    }

    [Fact]
    public async Task An_unchanged_list_is_answered_304_on_its_first_page_so_the_run_writes_nothing_and_keeps_its_cursor()
    {
        _server.Tickets.AddRange([1, 2, 3]);
        Assert.True((await RunAsync()).Succeeded);
        var saved = await SavedCursorAsync();
        _events.Clear();

        var again = await RunAsync();

        Assert.True(again.Succeeded, again.Error);
        Assert.Equal(["GET 0 conditional → 304"], _events);
        Assert.Equal((1L, 1L), _source.LastRun);
        Assert.Empty(again.RowsPerTable);
        Assert.Equal((saved?.Value, saved?.ETag), ((await SavedCursorAsync())?.Value, (await SavedCursorAsync())?.ETag));
        Assert.NotNull(saved?.ETag);
    }

    [Fact]
    public async Task A_failed_run_keeps_the_rows_it_stored_but_saves_no_cursor_so_the_next_run_reads_the_same_pages_again()
    {
        _server.Tickets.AddRange([1, 2, 3, 4, 5]);
        _server.FailAtOffset = 2;

        var failed = await RunAsync();

        Assert.False(failed.Succeeded);
        Assert.Equal(["GET 0 → 200", "INSERT tickets 5,4", "GET 2 → 404"], _events);
        Assert.Null(await SavedCursorAsync());

        _events.Clear();
        _server.FailAtOffset = null;
        var retried = await RunAsync();

        // No ETag was saved, so the first page is asked for unconditionally, and every page again.
        Assert.True(retried.Succeeded, retried.Error);
        Assert.Equal(["GET 0 → 200", "INSERT tickets 5,4", "GET 2 → 200", "INSERT tickets 3,2", "GET 4 → 200", "INSERT tickets 1"], _events);
        Assert.Equal("{\"newest\":5}", (await SavedCursorAsync())?.Value);
    }

    [Fact]
    public async Task A_rate_limit_waits_as_long_as_the_vendor_asks_and_a_server_error_is_retried_with_backoff()
    {
        _server.Tickets.AddRange([1]);
        _server.Faults.Enqueue((503, null));
        _server.Faults.Enqueue((429, 7));

        var outcome = await RunAsync();

        Assert.True(outcome.Succeeded, outcome.Error);
        Assert.Equal(["GET 0 → 503", "GET 0 → 429", "GET 0 → 200", "INSERT tickets 1"], _events);
        Assert.Equal(3, _source.LastRun.Requests);
        Assert.Contains(TimeSpan.FromSeconds(7), _clock.Waits);
        Assert.Equal(2, _clock.Waits.Count);
    }

    [Fact]
    public void Offset_paging_moves_the_offset_past_each_page_and_stops_at_a_short_page_or_when_the_vendor_says_no_more()
    {
        var paging = new OffsetPaging("startAt", 2);
        var first = new Uri("https://tiny.test/search?jql=project%3DOPS&maxResults=2");

        Assert.Equal("https://tiny.test/search?jql=project%3DOPS&maxResults=2&startAt=2", paging.Next(new SourcePage<int>(first, [1, 2], null))?.ToString());
        Assert.Equal("https://tiny.test/search?jql=project%3DOPS&maxResults=2&startAt=4",
            paging.Next(new SourcePage<int>(new Uri($"{first}&startAt=2"), [3, 4], null))?.ToString());
        Assert.Null(paging.Next(new SourcePage<int>(first, [1], null)));
        Assert.Null(paging.Next(new SourcePage<int>(first, [1, 2], null) { More = false }));
        Assert.NotNull(paging.Next(new SourcePage<int>(first, [1], null) { More = true }));
        Assert.Null(paging.Next(new SourcePage<int>(first, [], null) { More = true }));
    }

    [Fact]
    public void Cursor_paging_asks_for_the_token_the_vendor_gave_and_link_paging_for_its_link()
    {
        var first = new Uri("https://backstage.test/api/catalog/entities/by-query?limit=2");
        var page = new SourcePage<int>(first, [1, 2], null) { NextCursor = "eyJv+Zn0=", NextLink = new Uri("https://gitlab.test/api/v4/projects?page=2") };

        Assert.Equal("https://backstage.test/api/catalog/entities/by-query?limit=2&cursor=eyJv%2BZn0%3D", new CursorPaging("cursor").Next(page)?.ToString());
        Assert.Null(new CursorPaging("cursor").Next(page with { NextCursor = null }));
        Assert.Equal(page.NextLink, LinkPaging.Instance.Next(page));
    }

    [Fact]
    public async Task A_row_batch_writes_its_tables_in_the_order_given_and_counts_rows_per_table_only_for_tables_written()
    {
        var rows = new RowWriter(new RecordingStore(_events));
        var parents = new RowTable("parents", ["id"]);
        var children = new RowTable("children", ["id"]);
        var empty = new RowTable("empty", ["id"]);
        var batch = new RowBatch(parents, children, empty);
        batch.Add(children, ["c1"]);
        batch.Add(parents, ["p1"]);
        batch.AddRange(children, [["c2"], ["c3"]]);

        var written = await rows.WriteAsync(batch, CancellationToken.None);

        Assert.Equal(["INSERT parents p1", "INSERT children c1,c2,c3"], _events);
        Assert.Equal((1L, 3L, 0L), (written["parents"], written["children"], written["empty"]));
        Assert.Equal(["children", "parents"], rows.RowsPerTable.Keys.Order());
        Assert.Throws<ArgumentException>(() => batch.Add(new RowTable("other", ["id"]), ["x"]));
    }

    private Task<IngestRunOutcome> RunAsync() =>
        new IngestRunner(_catalog.Get<IngestRunLog>(), _catalog.Get<IngestCursors>(), new NoRefresh(), NullLogger<IngestRunner>.Instance).RunAsync(_source);

    private Task<SourceCursor?> SavedCursorAsync() => _catalog.Get<IngestCursors>().GetCursorAsync(_source.Name, "desk:tickets");

    private sealed class NoRefresh : IDerivedTables
    {
        public Task RefreshStaleAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;
    }
}
