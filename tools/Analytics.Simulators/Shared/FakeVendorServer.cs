using System.Text.Json.Nodes;
using Analytics.Simulators.GitHub;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Analytics.Simulators.Shared;

/// <summary>An answer of a simulated vendor: status, JSON body and headers.</summary>
public sealed record VendorAnswer(int Status, string Body, Dictionary<string, string> Headers)
{
    public static VendorAnswer Json(int status, JsonNode body) => new(status, body.ToJsonString(), new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase));
}

/// <summary>
/// What the simulated PagerDuty and Jira share: Kestrel on a loopback port (<see cref="LoopbackServer"/>), faults
/// served instead of the real answer (a <see cref="FaultQueue"/> of <see cref="FakeFault"/>: 5xx, 403, 404, 429, a body
/// cut short, a slow answer), as the GitHub and GitLab simulators serve theirs, every request recorded, and a
/// rate limit of <see cref="RateLimit"/> requests per <see cref="RateLimitWindow"/> counted on the given clock (a test's
/// fake clock, so a client that waits as told finds the window reset). Each vendor adds its routes, its credentials
/// check and its own rate-limit headers and error bodies.
/// </summary>
public abstract class FakeVendorServer : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly FaultQueue _faults = new();
    private readonly List<ServedRequest> _served = [];
    private WebApplication? _app;
    private int _remaining;
    private DateTimeOffset _resetAt = DateTimeOffset.MinValue;

    protected FakeVendorServer(TimeProvider clock) => Clock = clock;

    protected TimeProvider Clock { get; }

    /// <summary>The server's address, e.g. http://127.0.0.1:41234/.</summary>
    public string BaseUrl => _app!.Urls.Single() + "/";

    public int RateLimit { get; set; } = 1000;

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

    /// <summary>The headers of the requests served, in order (names lower-cased), to check what a client sent.</summary>
    public List<Dictionary<string, string>> RequestHeaders { get; } = [];

    public void Fail(FakeFault fault) => _faults.Add(fault);

    public void ClearServed()
    {
        lock (_gate)
        {
            _served.Clear();
            RequestHeaders.Clear();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
        GC.SuppressFinalize(this);
    }

    protected async Task StartAsync()
    {
        _app = await LoopbackServer.StartAsync(_ => HandleAsync);
    }

    /// <summary>Whether the request carries the credentials this server was started with.</summary>
    protected abstract bool IsAuthorised(HttpRequest request);

    protected abstract VendorAnswer Unauthorised();

    /// <summary>The answer once the window's requests are spent; <paramref name="resetIn"/> = time until the window resets.</summary>
    protected abstract VendorAnswer RateLimited(TimeSpan resetIn);

    /// <summary>The vendor's rate-limit headers on every answer.</summary>
    protected abstract void AddRateLimitHeaders(Dictionary<string, string> headers, int limit, int remaining, TimeSpan resetIn);

    protected abstract VendorAnswer Route(HttpRequest request);

    private async Task HandleAsync(HttpContext http)
    {
        var request = http.Request;
        var pathAndQuery = request.Path + request.QueryString;
        lock (_gate)
        {
            RequestHeaders.Add(request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()));
        }
        var fault = _faults.Take(pathAndQuery);
        if (fault is not null)
        {
            if (fault.Delay > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(fault.Delay, http.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    Record(new ServedRequest(pathAndQuery, FakeGitHubServer.ClientClosedRequest, false, 0));
                    return;
                }
            }
            await AnswerAsync(http, new VendorAnswer(fault.Status, fault.Body, new Dictionary<string, string>(fault.Headers) { ["Content-Type"] = fault.ContentType }), pathAndQuery, 0);
            return;
        }

        VendorAnswer answer;
        var cost = 0;
        lock (_gate)
        {
            var now = Clock.GetUtcNow();
            if (now >= _resetAt)
            {
                (_remaining, _resetAt) = (RateLimit, now + RateLimitWindow);
            }
            if (!IsAuthorised(request))
            {
                answer = Unauthorised();
            }
            else if (_remaining <= 0)
            {
                answer = RateLimited(_resetAt - now);
            }
            else
            {
                answer = Route(request);
                cost = 1;
                _remaining--;
            }
            AddRateLimitHeaders(answer.Headers, RateLimit, _remaining, _resetAt - now);
        }
        await AnswerAsync(http, answer, pathAndQuery, cost);
    }

    private async Task AnswerAsync(HttpContext http, VendorAnswer answer, string pathAndQuery, int cost)
    {
        Record(new ServedRequest(pathAndQuery, answer.Status, false, cost));
        http.Response.StatusCode = answer.Status;
        http.Response.ContentType = "application/json; charset=utf-8";
        foreach (var (name, value) in answer.Headers)
        {
            http.Response.Headers[name] = value;
        }
        await http.Response.WriteAsync(answer.Body);
    }

    private void Record(ServedRequest served)
    {
        lock (_gate)
        {
            _served.Add(served);
        }
    }
}
