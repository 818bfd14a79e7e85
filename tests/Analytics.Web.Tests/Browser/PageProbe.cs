using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace Analytics.Web.Tests.Browser;

/// <summary>Everything a page reported that a person would call broken: console errors, CSP violations, script errors, failed requests.</summary>
public sealed class PageProbe
{
    private readonly ConcurrentQueue<string> _consoleErrors = new();
    private readonly ConcurrentQueue<string> _pageErrors = new();
    private readonly ConcurrentQueue<string> _failedRequests = new();
    private readonly ConcurrentQueue<(string Url, int Status)> _responses = new();

    public PageProbe(IPage page)
    {
        page.Console += (_, message) =>
        {
            // A Content-Security-Policy violation is a problem whatever level the browser reports it at.
            if (message.Type == "error" || message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                _consoleErrors.Enqueue($"{message.Text} ({message.Location})");
            }
        };
        page.PageError += (_, error) => _pageErrors.Enqueue(error);
        page.RequestFailed += (_, request) => _failedRequests.Enqueue($"{request.Method} {request.Url}: {request.Failure}");
        page.Response += (_, response) => _responses.Enqueue((response.Url, response.Status));
    }

    public IReadOnlyList<(string Url, int Status)> Responses => [.. _responses];

    public IReadOnlyList<string> Problems =>
    [
        .. _consoleErrors.Select(text => "console error: " + text),
        .. _pageErrors.Select(text => "page error: " + text),
        .. _failedRequests.Select(text => "request failed: " + text),
        .. _responses.Where(response => response.Status >= 400).Select(response => $"HTTP {response.Status}: {response.Url}"),
    ];
}
