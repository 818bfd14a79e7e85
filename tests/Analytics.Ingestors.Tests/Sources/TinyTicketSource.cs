using System.Net;
using System.Text.Json;
using Analytics.Ingestors.Sources;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;

namespace Analytics.Ingestors.Tests.Sources;

/// <summary>
/// The smallest source built on the skeleton, as a new vendor's would be: one resource (a help desk's tickets, newest
/// first, paged by offset), a cursor with the newest id read and the first page's ETag, rows written page by page,
/// requests retried by <see cref="SourceResilience"/> with the vendor's <see cref="TinyRules"/>.
/// </summary>
internal sealed class TinyTicketSource(TinyTicketServer server, IClickHouseStore store, TimeProvider clock) : IIngestSource
{
    public static readonly RowTable Tickets = new("tickets", ["id"]);

    public string Name => "tickets";

    public string Kind => "tiny";

    /// <summary>Requests the last run sent, and how many of them were answered 304.</summary>
    public (long Requests, long NotModified) LastRun { get; private set; }

    public async Task<IngestResult> RunAsync(IngestContext context, CancellationToken cancellationToken)
    {
        var run = new SourceRun(context, store);
        // The server outlives the run (it is the test's), so the handlers are not disposed with the client.
        var handler = new ConditionalRequestHandler("Tiny", NullLogger.Instance) { InnerHandler = server };
        using var client = new HttpClient(handler, disposeHandler: false);
        var pipeline = SourceResilience.Create(new RetrySettings(Name, MaxRetries: 2, MaxRateLimitWait: TimeSpan.FromMinutes(5)), new TinyRules(), clock, NullLogger.Instance);
        try
        {
            await new TicketReader(run, client, pipeline).ReadAsync("desk", cancellationToken);
            return run.Result();
        }
        finally
        {
            LastRun = (handler.Requests, handler.NotModified);
        }
    }

    /// <summary>A queue's tickets, newest (highest id) first, down to the newest the cursor says was read.</summary>
    private sealed class TicketReader(SourceRun run, HttpClient client, ResiliencePipeline pipeline) : IResourceReader<string>
    {
        public async Task ReadAsync(string queue, CancellationToken cancellationToken)
        {
            var resource = $"{queue}:tickets";
            var cursor = await run.Cursors.ReadAsync<TicketCursor>(resource, cancellationToken);
            var readBefore = cursor.State?.Newest ?? 0;
            int? newest = null;
            var pages = Pager.PagesAsync(
                new Uri($"https://tiny.test/{queue}/tickets?limit={TinyTicketServer.PageSize}"), cursor.ETag,
                new OffsetPaging("offset", TinyTicketServer.PageSize), FetchAsync, cancellationToken);
            var read = await Pager.ReadAsync(pages, async page =>
            {
                if (page.IsFirst)
                {
                    newest = page.Items.FirstOrDefault();
                }
                var fresh = page.Items.TakeWhile(id => id > readBefore).ToList();
                await run.Rows.WriteAsync(Tickets, fresh.Select(id => new object?[] { id }), cancellationToken);
                return fresh.Count == page.Items.Count;
            });
            if (!read.NotModified)
            {
                run.Cursors.Advance(resource, new TicketCursor(newest ?? readBefore), read.ETag);
            }
        }

        private Task<SourcePage<int>> FetchAsync(Uri url, string? etag, CancellationToken cancellationToken) =>
            pipeline.ExecuteAsync(async token =>
            {
                ConditionalRequestHandler.IfNoneMatch = etag;
                using var response = await client.GetAsync(url, token);
                if (response.StatusCode == HttpStatusCode.NotModified)
                {
                    return new SourcePage<int>(url, [], etag, NotModified: true);
                }
                if (!response.IsSuccessStatusCode)
                {
                    throw new TinyApiException((int)response.StatusCode, response.Headers.RetryAfter?.Delta is { } delta ? ((int)delta.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture) : null);
                }
                var body = JsonSerializer.Deserialize<TicketPage>(await response.Content.ReadAsStringAsync(token), JsonSerializerOptions.Web)!;
                return new SourcePage<int>(url, body.Ids, response.Headers.ETag?.ToString()) { More = body.More };
            }, cancellationToken).AsTask();
    }

    private sealed record TicketCursor(int Newest);

    private sealed record TicketPage(List<int> Ids, bool More);
}

/// <summary>An error answer of the tiny vendor, with its status and Retry-After.</summary>
internal sealed class TinyApiException(int status, string? retryAfter) : Exception($"HTTP {status}")
{
    public int Status { get; } = status;

    public string? RetryAfter { get; } = retryAfter;
}

/// <summary>The tiny vendor's rate limit: 429, for Retry-After seconds or half a minute.</summary>
internal sealed class TinyRules : RateLimitRules
{
    public override string Vendor => "Tiny";

    public override TimeSpan? RateLimitWait(Exception error, DateTimeOffset now) =>
        error is TinyApiException { Status: 429 } limit ? RetryAfter(limit.RetryAfter) ?? TimeSpan.FromSeconds(30) : null;

    public override int? StatusOf(Exception error) => error is TinyApiException api ? api.Status : base.StatusOf(error);
}

/// <summary>
/// The tiny vendor: a queue's tickets (ids, newest first) in pages of <see cref="PageSize"/> by <c>offset</c>, each
/// page with an ETag that changes when the tickets do; a conditional request whose ETag still matches is answered
/// 304. What it was asked and answered goes to <see cref="Events"/>, beside the store's inserts.
/// </summary>
internal sealed class TinyTicketServer(List<string> events) : HttpMessageHandler
{
    public const int PageSize = 2;

    public List<int> Tickets { get; } = [];

    /// <summary>The offset answered 404 (a page that fails), or null.</summary>
    public int? FailAtOffset { get; set; }

    /// <summary>Answers given before any page: (status, Retry-After seconds).</summary>
    public Queue<(int Status, int? RetryAfter)> Faults { get; } = new();

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var offset = int.Parse(System.Web.HttpUtility.ParseQueryString(request.RequestUri!.Query)["offset"] ?? "0", System.Globalization.CultureInfo.InvariantCulture);
        var etag = $"\"v{string.Join('-', Tickets)}-{offset}\"";
        var conditional = request.Headers.TryGetValues("If-None-Match", out var sent);
        var response = Answer(offset, etag, conditional && string.Join(',', sent!) == etag);
        events.Add($"GET {offset}{(conditional ? " conditional" : "")} → {(int)response.StatusCode}");
        return Task.FromResult(response);
    }

    private HttpResponseMessage Answer(int offset, string etag, bool notModified)
    {
        if (Faults.TryDequeue(out var fault))
        {
            var error = new HttpResponseMessage((HttpStatusCode)fault.Status);
            if (fault.RetryAfter is { } seconds)
            {
                error.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(seconds));
            }
            return error;
        }
        if (offset == FailAtOffset)
        {
            return new HttpResponseMessage(HttpStatusCode.NotFound);
        }
        if (notModified)
        {
            return new HttpResponseMessage(HttpStatusCode.NotModified);
        }
        var newestFirst = Tickets.OrderDescending().ToList();
        var body = new { ids = newestFirst.Skip(offset).Take(PageSize), more = offset + PageSize < newestFirst.Count };
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(JsonSerializer.Serialize(body)) };
        response.Headers.ETag = new System.Net.Http.Headers.EntityTagHeaderValue(etag);
        return response;
    }
}

/// <summary>A store that only records what it was asked to insert (into the same events as the server's requests).</summary>
internal sealed class RecordingStore(List<string> events) : IClickHouseStore
{
    public string Database => "recording";

    public string Transport => "none";

    public Task ExecuteAsync(string sql, QueryParameters? parameters = null, CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task<IReadOnlyList<TRow>> QueryAsync<TRow>(string sql, QueryParameters? parameters = null, CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<TRow>>([]);

    public Task<long> InsertAsync(string table, IReadOnlyList<string> columns, IEnumerable<object?[]> rows, CancellationToken cancellationToken = default)
    {
        var list = rows.ToList();
        events.Add($"INSERT {table} {string.Join(',', list.Select(row => row[0]))}");
        return Task.FromResult((long)list.Count);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
