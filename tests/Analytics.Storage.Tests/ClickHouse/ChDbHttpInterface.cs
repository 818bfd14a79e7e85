using System.Collections.Concurrent;
using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using System.Web;
using Analytics.Storage.ClickHouse.Embedded;

namespace Analytics.Storage.Tests.ClickHouse;

/// <summary>
/// ClickHouse's HTTP interface (query in the URL or body, <c>param_*</c> bindings, <c>database</c>,
/// <c>default_format</c>, exception code header) answered by the real embedded engine. No ClickHouse
/// server can run on these machines, so this is how the server transport's own code — connection string,
/// parameter formatting, RowBinary decoding, bulk insert, error mapping — runs against a real engine in CI.
/// It is not a server: what it does not cover (auth, sessions, clusters, compression negotiation) is listed in docs/operations.md.
/// </summary>
public sealed partial class ChDbHttpInterface : HttpMessageHandler
{
    private readonly ConcurrentDictionary<string, Task<ChDbStore>> _sessions = new();

    public List<string> ReceivedQueries { get; } = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri!.AbsolutePath.EndsWith("/ping", StringComparison.Ordinal))
        {
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("Ok.\n") };
        }
        var query = HttpUtility.ParseQueryString(request.RequestUri.Query);
        var body = request.Content is null ? [] : await ReadBodyAsync(request.Content, cancellationToken);
        var sqlInUrl = query["query"];
        var sql = sqlInUrl ?? Encoding.UTF8.GetString(body);
        lock (ReceivedQueries)
        {
            ReceivedQueries.Add(sql);
        }
        var store = await _sessions.GetOrAdd(query["database"] ?? "default", database => ChDbStore.OpenAsync(EmbeddedEngine.DataPath, database));
        try
        {
            var insert = InsertWithFormat().Match(sql);
            if (sqlInUrl is not null && insert.Success)
            {
                await store.InsertRawAsync(insert.Groups["statement"].Value + SettingsClause(query), insert.Groups["format"].Value, body, cancellationToken);
                return Respond([], "TabSeparated");
            }
            var parameters = query.AllKeys
                .Where(key => key is not null && key.StartsWith("param_", StringComparison.Ordinal))
                .Select(key => (key!["param_".Length..], query[key]!))
                .ToList();
            var format = query["default_format"] ?? "TabSeparated";
            // A server applies max_execution_time from the URL; the embedded engine takes it as a connection setting.
            var timeout = double.TryParse(query["max_execution_time"], System.Globalization.CultureInfo.InvariantCulture, out var seconds) && seconds > 0
                ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
            return Respond(await store.QueryRawAsync(sql, format, parameters, cancellationToken, timeout), format);
        }
        catch (ClickHouseException error)
        {
            var response = new HttpResponseMessage(HttpStatusCode.InternalServerError)
            {
                Content = new StringContent($"Code: {error.Code}. DB::Exception: {error.EngineMessage}"),
            };
            response.Headers.Add("X-ClickHouse-Exception-Code", error.Code.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return response;
        }
    }

    private static HttpResponseMessage Respond(byte[] output, string format)
    {
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent(output) };
        response.Headers.Add("X-ClickHouse-Format", format);
        response.Headers.Add("X-ClickHouse-Summary", """{"read_rows":"0","read_bytes":"0","written_rows":"0","written_bytes":"0","total_rows_to_read":"0"}""");
        return response;
    }

    private static async Task<byte[]> ReadBodyAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var bytes = await content.ReadAsByteArrayAsync(cancellationToken);
        if (!content.Headers.ContentEncoding.Contains("gzip"))
        {
            return bytes;
        }
        using var gzip = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
        using var plain = new MemoryStream();
        await gzip.CopyToAsync(plain, cancellationToken);
        return plain.ToArray();
    }

    /// <summary>The URL's other parameters are settings, as a server reads them (e.g. max_partitions_per_insert_block).</summary>
    private static string SettingsClause(System.Collections.Specialized.NameValueCollection query)
    {
        string[] notSettings = ["query", "database", "default_format", "query_id", "enable_http_compression"];
        var settings = query.AllKeys
            .Where(key => key is not null && !notSettings.Contains(key) && !key.StartsWith("param_", StringComparison.Ordinal))
            .Select(key => long.TryParse(query[key], out _) ? $"{key} = {query[key]}" : $"{key} = '{query[key]!.Replace("'", "\\'", StringComparison.Ordinal)}'")
            .ToList();
        return settings.Count == 0 ? "" : " SETTINGS " + string.Join(", ", settings);
    }

    [GeneratedRegex(@"^(?<statement>INSERT\s.*?)\s+FORMAT\s+(?<format>\w+)\s*$", RegexOptions.Singleline | RegexOptions.IgnoreCase)]
    private static partial Regex InsertWithFormat();

    protected override void Dispose(bool disposing)
    {
        foreach (var session in _sessions.Values)
        {
            session.Result.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        base.Dispose(disposing);
    }
}
