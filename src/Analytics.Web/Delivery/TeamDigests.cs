using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Analytics.Core.Calendar;
using Analytics.Core.Dora;
using Analytics.Storage.Catalog;
using Analytics.Storage.Metrics;
using Analytics.Web.Queries;
using Analytics.Web.Utils;
using Microsoft.Extensions.Options;

namespace Analytics.Web.Delivery;

/// <summary>One team's week: its four keys beside the week before, and the link to its page.</summary>
public sealed record TeamDigest(string Team, DateOnly Week, IReadOnlyList<MonthlyKey> Keys, Uri TeamPage)
{
    public string Title => $"{Team}: DORA keys for the week of {Week:yyyy-MM-dd}";

    /// <summary>One key as a line: "1.43 (+0.29, better vs the week before) · High".</summary>
    public static string Line(MonthlyKey key) =>
        $"{Figures.Optional(key.Value)} ({Figures.Change(key.Change)}, {key.Trend} vs the week before) · {key.Tier?.ToString() ?? (key.N == 0 ? "no sample" : "no tier")}";
}

/// <summary>A webhook answered with an error status; 429 and 5xx are worth a retry, other 4xx are not.</summary>
public sealed class WebhookRejectedException(HttpStatusCode status)
    : Exception($"The webhook answered {(int)status} {status}.")
{
    public HttpStatusCode Status { get; } = status;
}

/// <summary>
/// Each team's weekly digest to a chat webhook (Slack or Microsoft Teams): the team's four keys for the last whole
/// week (Monday to Monday in Analytics:Metrics:TimeZone) beside the week before, and a link to the team's page. Sent at
/// most once per team, week and webhook (<see cref="DeliveryRunner"/>).
/// </summary>
public sealed class TeamDigests(
    DoraQueries dora, DoraTierChoice tiers, CatalogLookups catalog, IHttpClientFactory http, DeliveryRunner runner,
    IOptions<DeliveryOptions> options, IOptions<MetricOptions> metrics, TimeProvider clock)
{
    public const string Kind = "team-digest";

    public const string HttpClientName = "delivery";

    private readonly MonthGrid _days = new(metrics.Value.TimeZone);

    /// <summary>The Monday of the week <paramref name="written"/> (yyyy-MM-dd) falls in; else the last whole week's Monday, in the organisation's zone.</summary>
    public DateOnly WeekOf(string? written)
    {
        var day = DateOnly.TryParseExact(written, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)
            ? parsed
            : DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(clock.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById(metrics.Value.TimeZone)).DateTime).AddDays(-7);
        return day.AddDays(-(((int)day.DayOfWeek + 6) % 7));
    }

    /// <summary>Each configured team's digest for <paramref name="week"/> (a Monday); <paramref name="team"/> alone when given.</summary>
    /// <exception cref="InvalidOperationException">No webhook is configured (for that team).</exception>
    public async Task<DeliveryOutcome> SendAsync(DateOnly week, string? team, string trigger, bool resend, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var webhooks = await WebhooksAsync(settings.Digest, cancellationToken);
        if (team is not null)
        {
            webhooks = webhooks.Where(webhook => webhook.Team == team).ToList();
        }
        if (webhooks.Count == 0)
        {
            throw new InvalidOperationException(team is null
                ? $"No digest webhook: set {DeliveryOptions.Section}:Digest:Url or {DeliveryOptions.Section}:Digest:Teams:<team>:Url."
                : $"No digest webhook for team '{team}' (nor {DeliveryOptions.Section}:Digest:Url), or no such team.");
        }
        var digests = await DigestsAsync(week, webhooks.Select(webhook => webhook.Team).ToHashSet(StringComparer.Ordinal), settings.PublicUrl!, cancellationToken);
        var targets = webhooks.Where(webhook => digests.ContainsKey(webhook.Team))
            .Select(webhook => (Webhook: webhook, Target: new DeliveryTarget($"{webhook.Team}\n{webhook.Url}", $"{webhook.Team} ({webhook.Format})")))
            .ToList();
        return await runner.RunAsync(Kind, week.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), trigger, targets.Select(pair => pair.Target).ToList(),
            (target, token) =>
            {
                var webhook = targets.First(pair => pair.Target.Key == target.Key).Webhook;
                return PostAsync(webhook.Url, Payload(digests[webhook.Team], webhook.Format), token);
            },
            IsTransient, resend, cancellationToken);
    }

    /// <summary>The teams' digests for the week beginning <paramref name="week"/>, keyed by team.</summary>
    public async Task<IReadOnlyDictionary<string, TeamDigest>> DigestsAsync(DateOnly week, IReadOnlySet<string> teams, string publicUrl, CancellationToken cancellationToken)
    {
        var table = tiers.For(null);
        var current = (await dora.SummariesAsync(new DoraRequest(_days.Start(week), _days.Start(week.AddDays(7))), cancellationToken)).WithTiers(table);
        var previous = (await dora.SummariesAsync(new DoraRequest(_days.Start(week.AddDays(-7)), _days.Start(week)), cancellationToken)).WithTiers(table);
        var root = new Uri(publicUrl.TrimEnd('/') + "/");
        return current.Teams.Where(summary => teams.Contains(summary.Team))
            .Select(summary => new TeamDigest(summary.Team, week, Compare(summary, previous.Teams.FirstOrDefault(before => before.Team == summary.Team)),
                new Uri(root, DashboardUrls.TeamUrl(summary.Team))))
            .ToDictionary(digest => digest.Team, StringComparer.Ordinal);
    }

    /// <summary>A team with no row the week before has nothing to compare with: "no comparison", not a change.</summary>
    private static IReadOnlyList<MonthlyKey> Compare(DoraSummary current, DoraSummary? previous) =>
        previous is null ? MonthlyKey.Compare(current, current).Select(key => key with { Previous = null }).ToList() : MonthlyKey.Compare(current, previous);

    private sealed record Webhook(string Team, string Url, ChatFormat Format);

    /// <summary>Each team's webhook: its own entry, else the one for all (every team in the catalog).</summary>
    private async Task<List<Webhook>> WebhooksAsync(DigestSettings digest, CancellationToken cancellationToken)
    {
        var webhooks = digest.Teams.Where(pair => pair.Value.Url is { Length: > 0 })
            .Select(pair => new Webhook(pair.Key, pair.Value.Url!, pair.Value.Format ?? digest.Format)).ToList();
        if (digest.Url is { Length: > 0 } url)
        {
            webhooks.AddRange((await catalog.TeamSlugsAsync(cancellationToken)).Where(team => !digest.Teams.ContainsKey(team))
                .Select(team => new Webhook(team, url, digest.Format)));
        }
        return webhooks;
    }

    private async Task PostAsync(string url, JsonObject payload, CancellationToken cancellationToken)
    {
        using var client = http.CreateClient(HttpClientName);
        HttpResponseMessage response;
        try
        {
            response = await client.PostAsJsonAsync(url, payload, cancellationToken);
        }
        catch (TaskCanceledException timeout) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException("The webhook did not answer in time.", timeout);
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new WebhookRejectedException(response.StatusCode);
            }
        }
    }

    internal static bool IsTransient(Exception error) => error switch
    {
        WebhookRejectedException rejected => rejected.Status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || (int)rejected.Status >= 500,
        _ => error is HttpRequestException or TimeoutException,
    };

    public static JsonObject Payload(TeamDigest digest, ChatFormat format) => format == ChatFormat.Teams ? TeamsCard(digest) : Slack(digest);

    /// <summary>A Slack incoming-webhook message: <c>text</c> (the notification and fallback) and Block Kit blocks.</summary>
    public static JsonObject Slack(TeamDigest digest) => new()
    {
        ["text"] = $"{digest.Title}: " + string.Join("; ", digest.Keys.Select(key => $"{key.Name} {TeamDigest.Line(key)}")) + $". {digest.TeamPage.AbsoluteUri}",
        ["blocks"] = new JsonArray(
            new JsonObject { ["type"] = "header", ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = digest.Title } },
            new JsonObject
            {
                ["type"] = "section",
                ["fields"] = new JsonArray(digest.Keys.Select(key => (JsonNode)new JsonObject
                {
                    ["type"] = "mrkdwn",
                    ["text"] = $"*{key.Name}*\n{TeamDigest.Line(key)}",
                }).ToArray()),
            },
            new JsonObject
            {
                ["type"] = "actions",
                ["elements"] = new JsonArray(new JsonObject
                {
                    ["type"] = "button",
                    ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = "Open the team page" },
                    ["url"] = digest.TeamPage.AbsoluteUri,
                }),
            }),
    };

    /// <summary>A Microsoft Teams webhook message (Workflows): one Adaptive Card with the keys as facts and a link to the team's page.</summary>
    public static JsonObject TeamsCard(TeamDigest digest) => new()
    {
        ["type"] = "message",
        ["attachments"] = new JsonArray(new JsonObject
        {
            ["contentType"] = "application/vnd.microsoft.card.adaptive",
            ["contentUrl"] = null,
            ["content"] = new JsonObject
            {
                ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
                ["type"] = "AdaptiveCard",
                ["version"] = "1.4",
                ["body"] = new JsonArray(
                    new JsonObject { ["type"] = "TextBlock", ["size"] = "Medium", ["weight"] = "Bolder", ["wrap"] = true, ["text"] = digest.Title },
                    new JsonObject
                    {
                        ["type"] = "FactSet",
                        ["facts"] = new JsonArray(digest.Keys.Select(key => (JsonNode)new JsonObject { ["title"] = key.Name, ["value"] = TeamDigest.Line(key) }).ToArray()),
                    }),
                ["actions"] = new JsonArray(new JsonObject { ["type"] = "Action.OpenUrl", ["title"] = "Open the team page", ["url"] = digest.TeamPage.AbsoluteUri }),
            },
        }),
    };
}
