using System.Security.Cryptography;
using System.Text;
using Analytics.Ingestors.GitHub.App;
using Analytics.Ingestors.Linking;
using Analytics.Ingestors.Runs;
using Analytics.Ingestors.Sources;
using Analytics.Storage.ClickHouse;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;
using Octokit.Webhooks;

namespace Analytics.Ingestors.GitHub.Webhooks;

/// <summary>What became of one webhook delivery.</summary>
public abstract record GitHubWebhookOutcome
{
    /// <summary>No configured webhook secret signs the body as the X-Hub-Signature-256 header says: nothing was read.</summary>
    public sealed record Unauthorized(string Reason) : GitHubWebhookOutcome;

    /// <summary>Signed, but not a delivery (no delivery id or event, or a body that is no such event).</summary>
    public sealed record Invalid(string Reason) : GitHubWebhookOutcome;

    /// <summary>Signed and understood, but nothing to write (an event or action the figures do not use, a repository the source does not read).</summary>
    public sealed record Ignored(string Source, string Reason) : GitHubWebhookOutcome;

    /// <summary>This delivery id was applied before (GitHub's "Redeliver", or a retry): nothing written again.</summary>
    public sealed record Duplicate(string Source, string DeliveryId) : GitHubWebhookOutcome;

    /// <summary>An older state of an object than one already applied (deliveries out of order): recorded, nothing changed.</summary>
    public sealed record Stale(string Source, string DeliveryId, string Object) : GitHubWebhookOutcome;

    /// <summary>Applied as ingest run <paramref name="RunId"/> of the source.</summary>
    public sealed record Accepted(string Source, int RunId, long Rows) : GitHubWebhookOutcome;

    /// <summary>The run failed (the store or GitHub unreachable); the message is safe to show (no secret in it).</summary>
    public sealed record Failed(string Source, int RunId, string Error) : GitHubWebhookOutcome;
}

/// <summary>
/// Receives GitHub webhook deliveries for the configured <c>github</c> sources that have a <c>WebhookSecret</c>
/// (docs/ingestion.md, "GitHub webhooks"): checks the signature, recognises a redelivery by its delivery id and an
/// out-of-order delivery by the object's own update time, and applies the rest as a run of the source through the
/// sync's own readers and row mapping (<see cref="GitHubWebhookEvents"/>), so a delivery writes exactly the rows a
/// sync of the same state writes. No HTTP here: the web app's webhook endpoint calls this.
/// </summary>
/// <remarks>
/// Deliveries are applied one at a time in this process, so a redelivery racing its original cannot slip past the
/// delivery-id check. The scheduled sync of the source stays the safety net: it repairs whatever a missed delivery
/// left out, and its rows carry the same natural keys, so the two never add a row twice.
/// </remarks>
public sealed class GitHubWebhookReceiver(
    IConfiguration configuration, IClickHouseStore store, GitHubServiceDirectory services, DeploymentLinker linker, IngestRunner runner,
    GitHubAppTokens appTokens, TimeProvider clock, ILoggerFactory loggers)
{
    /// <summary>GitHub caps a delivery's payload at 25 MB.</summary>
    public const int MaxBodyBytes = 25 * 1024 * 1024;

    public const string SignatureHeader = "X-Hub-Signature-256";

    // One query for both checks (each engine call has a fixed cost): whether this delivery id was stored, and the
    // newest update time of the object applied by an earlier delivery (none: NULL).
    private const string CheckSql = """
        SELECT
            countIf(delivery_id = {delivery:String}) AS seen,
            maxIf(object_updated_at, object_key = {object:String} AND applied) AS newest
        FROM github_webhook_deliveries
        WHERE delivery_id = {delivery:String} OR (object_key = {object:String} AND {object:String} != '')
        """;

    internal static readonly RowTable Deliveries = new("github_webhook_deliveries",
        ["delivery_id", "source", "event", "action", "object_key", "object_updated_at", "applied", "received_at"]);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ILogger _logger = loggers.CreateLogger<GitHubWebhookReceiver>();

    /// <param name="headers">The request's headers (X-GitHub-Event, X-GitHub-Delivery, X-Hub-Signature-256).</param>
    /// <param name="body">The body exactly as received: the signature is over these bytes.</param>
    public async Task<GitHubWebhookOutcome> ReceiveAsync(IDictionary<string, StringValues> headers, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var parsedHeaders = WebhookHeaders.Parse(headers);
        var signed = SignedSources(parsedHeaders.Signature256, body.Span, out var refusal);
        if (signed.Count == 0)
        {
            return new GitHubWebhookOutcome.Unauthorized(refusal);
        }
        if (string.IsNullOrWhiteSpace(parsedHeaders.Delivery) || string.IsNullOrWhiteSpace(parsedHeaders.Event))
        {
            return new GitHubWebhookOutcome.Invalid("A GitHub delivery carries the headers X-GitHub-Delivery and X-GitHub-Event; this request lacks one.");
        }
        var delivery = parsedHeaders.Delivery.Trim();

        GitHubWebhookDelivery parsed;
        try
        {
            parsed = GitHubWebhookDelivery.Parse(parsedHeaders, body);
        }
        catch (Exception error) when (error is System.Text.Json.JsonException or FormatException or NotSupportedException or InvalidOperationException)
        {
            return new GitHubWebhookOutcome.Invalid($"The body is not a GitHub '{parsedHeaders.Event}' event: {error.Message}");
        }
        if (parsed.Repository is not { } repository)
        {
            return new GitHubWebhookOutcome.Ignored(signed[0].Name, $"'{parsed.Event}' names no repository: nothing to write.");
        }
        var settings = signed.FirstOrDefault(s => Reads(s, repository.FullName));
        if (settings is null)
        {
            return new GitHubWebhookOutcome.Ignored(signed[0].Name, $"No GitHub source with this webhook secret reads {repository.FullName}.");
        }
        if (!GitHubWebhookEvents.Handles(settings, parsed))
        {
            return new GitHubWebhookOutcome.Ignored(settings.Name, $"'{parsed.Event}'{(parsed.Action is { } a ? $" ({a})" : "")} changes no figure this source keeps.");
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            using var checking = Phase("check");
            var (seen, newest) = await CheckAsync(delivery, parsed.Changed?.Key ?? "", cancellationToken);
            if (seen)
            {
                _logger.LogInformation("GitHub webhook delivery {Delivery} ({Event}) for {Source} was applied before: ignored.", delivery, parsed.Event, settings.Name);
                return new GitHubWebhookOutcome.Duplicate(settings.Name, delivery);
            }
            var stale = parsed.Changed is { } changed && newest is { } applied && changed.UpdatedAt < applied;
            checking?.Dispose();
            var record = new object?[]
            {
                delivery, settings.Name, parsed.Event, parsed.Action ?? "", parsed.Changed?.Key ?? "", parsed.Changed?.UpdatedAt.UtcDateTime, !stale, clock.GetUtcNow().UtcDateTime,
            };
            if (stale)
            {
                await store.InsertAsync(Deliveries.Name, Deliveries.Columns, [record], cancellationToken);
                _logger.LogInformation("GitHub webhook delivery {Delivery} ({Event}) for {Source} carries an older {Object} than one applied: recorded, nothing changed.",
                    delivery, parsed.Event, settings.Name, parsed.Changed!.Key);
                return new GitHubWebhookOutcome.Stale(settings.Name, delivery, parsed.Changed!.Key);
            }
            var outcome = await runner.RunAsync(new DeliverySource(settings.Name, async context =>
            {
                using var api = new GitHubApi(settings, clock, _logger, appTokens);
                return await GitHubIngestSource.GuardAsync(settings, appTokens, async () =>
                {
                    var run = new GitHubSyncRun(settings, api, new SourceRun(context, store));
                    GitHubRepositoryTarget target;
                    using (Phase("services"))
                    {
                        target = (await services.EnsureServicesAsync([(repository.FullName, repository.DefaultBranch)], cancellationToken)).Single();
                    }
                    using (Phase("apply"))
                    {
                        await new GitHubWebhookEvents(run).ApplyAsync(target, parsed, cancellationToken);
                    }
                    using (Phase("record"))
                    {
                        // The delivery is recorded with its rows, so a run that fails records nothing and a redelivery applies it.
                        await run.WriteAsync(Deliveries, [record], cancellationToken);
                    }
                    using (Phase("relink"))
                    {
                        await run.Run.RelinkAsync(linker, cancellationToken);
                    }
                    return run.Run.Result();
                }, cancellationToken);
            }), cancellationToken);
            if (!outcome.Succeeded)
            {
                return new GitHubWebhookOutcome.Failed(settings.Name, outcome.RunId, outcome.Error ?? "the run failed");
            }
            var rows = outcome.RowsPerTable.Where(pair => pair.Key != Deliveries.Name).Sum(pair => pair.Value);
            return new GitHubWebhookOutcome.Accepted(settings.Name, outcome.RunId, rows);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// The GitHub sources whose webhook secret signs <paramref name="body"/> as <paramref name="signature"/> says
    /// (sha256=HMAC-SHA256(secret, body) in hex, compared in constant time); none, with the reason, otherwise.
    /// </summary>
    private List<GitHubSourceSettings> SignedSources(string? signature, ReadOnlySpan<byte> body, out string reason)
    {
        var withSecret = WebhookSources();
        if (withSecret.Count == 0)
        {
            reason = "no GitHub source has a WebhookSecret configured";
            return [];
        }
        if (string.IsNullOrWhiteSpace(signature))
        {
            reason = $"no {SignatureHeader} header";
            return [];
        }
        var given = Encoding.ASCII.GetBytes(signature.Trim());
        var matching = new List<GitHubSourceSettings>();
        foreach (var source in withSecret)
        {
            if (CryptographicOperations.FixedTimeEquals(given, Encoding.ASCII.GetBytes(Sign(source.WebhookSecret!, body))))
            {
                matching.Add(source);
            }
        }
        reason = matching.Count == 0 ? $"the {SignatureHeader} signature matches no configured webhook secret" : "";
        return matching;
    }

    /// <summary>The X-Hub-Signature-256 value GitHub sends for <paramref name="body"/> signed with <paramref name="secret"/>.</summary>
    public static string Sign(string secret, ReadOnlySpan<byte> body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    /// <summary>The configured GitHub sources with a webhook secret, read now (configuration may be reloaded).</summary>
    private List<GitHubSourceSettings> WebhookSources() =>
        IngestSources.ReadConfigured(configuration)
            .Where(source => string.Equals(source.Kind, GitHubSourceSettings.Kind, StringComparison.OrdinalIgnoreCase))
            .Select(source => configuration.GetSection($"{IngestSources.Section}:{source.Name}"))
            .Where(section => !string.IsNullOrWhiteSpace(section["WebhookSecret"]))
            // Start-up validation has refused invalid sources already.
            .Select(GitHubSourceSettings.Parse)
            .ToList();

    /// <summary>Whether the source reads <paramref name="fullName"/>: a configured repository, or one of a configured organisation.</summary>
    private static bool Reads(GitHubSourceSettings settings, string fullName) =>
        settings.Repositories.Contains(fullName, StringComparer.OrdinalIgnoreCase)
        || settings.Organizations.Contains(fullName.Split('/')[0], StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// A span of one step of applying a delivery (<c>webhook check</c>, <c>services</c>, <c>apply</c>, <c>record</c>,
    /// <c>relink</c>), under the ingest telemetry's source: where a delivery's time goes (<c>bench webhooks</c> reads them).
    /// </summary>
    private static System.Diagnostics.Activity? Phase(string step) => IngestTelemetry.Source.StartActivity($"webhook {step}");

    /// <summary>Whether <paramref name="delivery"/> was stored before, and the newest applied update time of <paramref name="objectKey"/> ('': none asked).</summary>
    private async Task<(bool Seen, DateTimeOffset? Newest)> CheckAsync(string delivery, string objectKey, CancellationToken cancellationToken)
    {
        var row = (await store.QueryAsync<CheckRow>(CheckSql, QueryParameters.From(("delivery", delivery), ("object", objectKey)), cancellationToken)).Single();
        return (row.Seen > 0, row.Newest);
    }

    private sealed record CheckRow(ulong Seen, DateTimeOffset? Newest);

    /// <summary>A delivery as a run of its source, recorded like a scheduled one; not exclusive, so a long sync does not hold it up.</summary>
    private sealed class DeliverySource(string name, Func<IngestContext, Task<IngestResult>> run) : IIngestSource
    {
        public string Name => name;

        public string Kind => GitHubSourceSettings.Kind;

        public bool Exclusive => false;

        public Task<IngestResult> RunAsync(IngestContext context, CancellationToken cancellationToken) => run(context);
    }
}
