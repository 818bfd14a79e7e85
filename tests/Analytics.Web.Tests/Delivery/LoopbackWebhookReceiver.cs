using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Analytics.Web.Tests.Delivery;

/// <summary>
/// A chat webhook on real Kestrel at a free loopback port: POST /hooks/{name} keeps the JSON body per hook and answers
/// 200, or what <see cref="Answer"/> says for the n-th request to that hook (503 to make the sender retry).
/// </summary>
public sealed class LoopbackWebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private readonly ConcurrentDictionary<string, int> _requests = new(StringComparer.Ordinal);

    private LoopbackWebhookReceiver(WebApplication app) => _app = app;

    public ConcurrentDictionary<string, ConcurrentQueue<JsonObject>> Received { get; } = new(StringComparer.Ordinal);

    public Func<string, int, int?> Answer { get; set; } = (_, _) => null;

    public Uri BaseAddress { get; private set; } = default!;

    public int RequestsTo(string hook) => _requests.GetValueOrDefault(hook);

    public Uri Hook(string name) => new(BaseAddress, $"hooks/{name}");

    public static async Task<LoopbackWebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new LoopbackWebhookReceiver(app);
        app.MapPost("/hooks/{name}", async (string name, HttpRequest request) =>
        {
            var n = receiver._requests.AddOrUpdate(name, 1, (_, count) => count + 1);
            if (receiver.Answer(name, n) is { } status)
            {
                return Results.StatusCode(status);
            }
            if (request.ContentType?.StartsWith("application/json", StringComparison.Ordinal) != true)
            {
                return Results.StatusCode(StatusCodes.Status415UnsupportedMediaType);
            }
            var body = (JsonObject)(await JsonNode.ParseAsync(request.Body))!;
            receiver.Received.GetOrAdd(name, _ => new ConcurrentQueue<JsonObject>()).Enqueue(body);
            return Results.Ok();
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
