using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using OpenTelemetry.Metrics;

namespace Analytics.Web.Tests.Hardening;

/// <summary>
/// What the app's OpenTelemetry set-up sends, as an in-memory exporter receives it: a span and metric points for an
/// ingest run (a push) and for the requests (API and page) with the ClickHouse calls behind them, named by SQL file;
/// and the run's structured log fields, with no token anywhere.
/// </summary>
[Collection(HardenedAppCollection.Name)]
public sealed class TelemetryTests(HardenedAppFixture app)
{
    private const string Deployment =
        """{"deployment_id":"otel-1","service":"payments-api","environment":"production","status":"success","started_at":"2026-04-14T09:00:00Z","finished_at":"2026-04-14T09:10:00Z"}""";

    [Fact]
    public async Task An_ingest_run_and_a_page_load_produce_spans_metric_points_and_structured_logs()
    {
        var mark = app.Log.Mark;
        using var push = app.Request(HttpMethod.Post, "api/push/deployments", "192.0.2.70");
        push.Headers.Authorization = new AuthenticationHeaderValue("Bearer", HardenedAppFixture.PushToken);
        push.Content = new StringContent(Deployment, Encoding.UTF8, "application/json");
        using var pushed = await app.Http.SendAsync(push);
        using var pageRequest = app.Request(HttpMethod.Get, "", "192.0.2.70");
        using var page = await app.Http.SendAsync(pageRequest);
        Assert.Equal(HttpStatusCode.OK, pushed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);

        // A request's span ends after its response has gone: wait for both requests' spans.
        var spans = await SpansAsync(spans =>
            spans.Any(span => span.Source.Name == "Microsoft.AspNetCore" && Equals(span.GetTagItem("url.path"), "/api/push/deployments"))
            && spans.Any(span => span.Source.Name == "Microsoft.AspNetCore" && Equals(span.GetTagItem("url.path"), "/")));
        app.Services.GetRequiredService<MeterProvider>().ForceFlush();
        // The push's run: its one deployment, and the links of its service's deployments written again after it.
        var runId = JsonDocument.Parse(await pushed.Content.ReadAsStringAsync()).RootElement.GetProperty("runId").GetInt32();
        // Other collections' hosts in this process number their runs too: this app's run is the one whose trace wrote to its database.
        var database = app.Services.GetRequiredService<Analytics.Storage.ClickHouse.IClickHouseStore>().Database;
        var ours = spans.Where(span => span.Source.Name == "Analytics.ClickHouse" && Equals(span.GetTagItem("db.namespace"), database)).Select(span => span.TraceId).ToHashSet();
        var run = Assert.Single(spans, span => span.Source.Name == "Analytics.Ingest" && Equals(span.GetTagItem("analytics.run_id"), runId) && ours.Contains(span.TraceId));
        Assert.Equal("ingest ci", run.DisplayName);
        var rows = Assert.IsType<long>(run.GetTagItem("analytics.rows"));
        Assert.True(rows >= 1, $"the push's run recorded {rows} rows");
        Assert.Equal("ci", run.GetTagItem("analytics.source"));
        Assert.Contains(spans, span => span.Source.Name == "Microsoft.AspNetCore" && Equals(span.GetTagItem("url.path"), "/api/push/deployments"));
        Assert.Contains(spans, span => span.Source.Name == "Microsoft.AspNetCore" && Equals(span.GetTagItem("url.path"), "/"));
        Assert.Contains(spans, span => span.Source.Name == "Analytics.ClickHouse" && Equals(span.GetTagItem("analytics.query"), "insert") && span.ParentSpanId != default);
        // Queries are named by their SQL file, never by their text.
        var queryNames = spans.Where(span => span.Source.Name == "Analytics.ClickHouse").Select(span => (string)span.GetTagItem("analytics.query")!).ToHashSet();
        Assert.Contains("dora/deployment_frequency", queryNames);
        Assert.DoesNotContain(queryNames, name => name.Contains(' ', StringComparison.Ordinal));

        MetricSnapshot[] metrics = [.. app.Metrics.ToArray().OfType<MetricSnapshot>()];
        Assert.Contains(Points(metrics, "analytics.ingest.run.duration"), point => Tag(point, "analytics.source") == "ci" && point.GetHistogramCount() >= 1);
        Assert.Contains(Points(metrics, "analytics.ingest.rows"), point => Tag(point, "analytics.source") == "ci" && point.GetSumLong() >= 1);
        Assert.Contains(Points(metrics, "analytics.clickhouse.query.duration"), point => Tag(point, "analytics.query") == "dora/deployment_frequency");
        Assert.Contains(Points(metrics, "http.server.request.duration"), point => Tag(point, "http.route") is { } route && route.Contains("push", StringComparison.Ordinal));

        var entries = app.Log.Since(mark);
        var succeeded = Assert.Single(entries, entry => entry.Message.StartsWith("Ingest run ", StringComparison.Ordinal) && entry.Message.Contains(" of ci succeeded", StringComparison.Ordinal));
        Assert.Equal("ci", succeeded.Fields["Source"]);
        Assert.Equal(rows, succeeded.Fields["Rows"]);
        Assert.Equal(runId, succeeded.Fields["RunId"]);
        Assert.DoesNotContain(entries, entry => entry.Message.Contains(HardenedAppFixture.PushToken, StringComparison.Ordinal)
            || entry.Fields.Values.Any(value => value?.ToString()?.Contains(HardenedAppFixture.PushToken, StringComparison.Ordinal) == true));
    }

    /// <summary>The spans exported so far, once <paramref name="complete"/> holds for them (or after 30 s).</summary>
    private async Task<Activity[]> SpansAsync(Func<Activity[], bool> complete)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        Activity[] spans = [.. app.Spans.ToArray().OfType<Activity>()];
        while (!complete(spans) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            spans = [.. app.Spans.ToArray().OfType<Activity>()];
        }
        return spans;
    }

    private static List<MetricPoint> Points(IEnumerable<MetricSnapshot> metrics, string name) =>
        [.. metrics.Where(metric => metric.Name == name).SelectMany(metric => metric.MetricPoints)];

    private static string? Tag(MetricPoint point, string key)
    {
        foreach (var tag in point.Tags)
        {
            if (tag.Key == key)
            {
                return tag.Value?.ToString();
            }
        }
        return null;
    }
}
