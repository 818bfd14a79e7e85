using System.Text.Json;
using Octokit.Internal;
using Octokit.Webhooks;
using Octokit.Webhooks.Events;

namespace Analytics.Ingestors.GitHub.Webhooks;

/// <summary>The object a delivery changes, keyed as <c>github_webhook_deliveries.object_key</c>, with its own update time.</summary>
public sealed record WebhookObject(string Key, DateTimeOffset UpdatedAt);

/// <summary>The repository a delivery is about, as the payload names it.</summary>
public sealed record WebhookRepository(string FullName, string DefaultBranch);

/// <summary>
/// One webhook delivery, read by Octokit.Webhooks (<see cref="WebhookEventProcessor"/>: the event types, their
/// actions and fields). The objects it carries (pull request, deployment, workflow run, issue, release) have the
/// REST API's shape, so <see cref="Read{T}"/> reads them into the same Octokit models the sync reads, and
/// <see cref="GitHubRows"/> maps them to rows unchanged.
/// </summary>
public sealed class GitHubWebhookDelivery
{
    private static readonly SimpleJsonSerializer RestJson = new();

    private readonly string _body;

    private GitHubWebhookDelivery(string eventName, WebhookEvent? typed, string body)
    {
        Event = eventName;
        Typed = typed;
        _body = body;
    }

    /// <summary>The X-GitHub-Event header: pull_request, push, deployment_status, …</summary>
    public string Event { get; }

    /// <summary>The event as Octokit.Webhooks reads it; null for an event type it does not know.</summary>
    public WebhookEvent? Typed { get; }

    public string? Action => Typed?.Action;

    public WebhookRepository? Repository => Typed?.Repository is { FullName.Length: > 0 } repository
        ? new WebhookRepository(repository.FullName, string.IsNullOrEmpty(repository.DefaultBranch) ? "main" : repository.DefaultBranch)
        : null;

    /// <summary>
    /// The object whose state the delivery carries, with the event's own update time of it: a delivery older than one
    /// applied to the same object is out of order and must not undo it (a pull request's <c>synchronize</c> arriving
    /// after its <c>closed</c>). Null for deliveries whose rows are read afresh (deployments' statuses, pushes).
    /// </summary>
    public WebhookObject? Changed => Typed switch
    {
        PullRequestEvent { PullRequest: { } pull } e => new WebhookObject($"pull_request:{e.Repository!.FullName}#{pull.Number}", pull.UpdatedAt),
        PullRequestReviewEvent { PullRequest: { } pull } e => new WebhookObject($"pull_request:{e.Repository!.FullName}#{pull.Number}", pull.UpdatedAt),
        IssuesEvent { Issue: { } issue } e => new WebhookObject($"issue:{e.Repository!.FullName}#{issue.Number}", issue.UpdatedAt),
        WorkflowRunEvent { WorkflowRun: { } run } => new WebhookObject($"workflow_run:{run.Id}", run.UpdatedAt),
        _ => null,
    };

    /// <summary>The payload's <paramref name="property"/> (e.g. <c>pull_request</c>) as Octokit's REST model <typeparamref name="T"/>.</summary>
    public T Read<T>(string property)
    {
        using var document = JsonDocument.Parse(_body);
        if (!document.RootElement.TryGetProperty(property, out var element) || element.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"The '{Event}' payload has no '{property}' object.");
        }
        return RestJson.Deserialize<T>(element.GetRawText());
    }

    /// <exception cref="JsonException">The body is not JSON, or not of the event's shape.</exception>
    public static GitHubWebhookDelivery Parse(WebhookHeaders headers, ReadOnlyMemory<byte> body)
    {
        var text = System.Text.Encoding.UTF8.GetString(body.Span);
        var reader = new Reader();
        var typed = reader.Read(headers, text);
        return new GitHubWebhookDelivery(headers.Event!, typed, text);
    }

    /// <summary>Octokit.Webhooks' processor, asked only to read the event (each delivery is applied by the receiver).</summary>
    private sealed class Reader : WebhookEventProcessor
    {
        public WebhookEvent? Read(WebhookHeaders headers, string body) => DeserializeWebhookEvent(headers, body);
    }
}
