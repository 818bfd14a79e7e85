using System.Globalization;
using System.Text.Json.Nodes;
using Analytics.Storage.Catalog;
using Analytics.Web.Delivery;
using Analytics.Web.Utils;
using Microsoft.Extensions.Options;

namespace Analytics.Web.Tests.Delivery;

/// <summary>
/// Each team's weekly digest, received by a real Kestrel webhook on loopback from the real host over the demo
/// organisation: the Slack and the Microsoft Teams shapes, the team's four keys for the week with the change against
/// the week before (equal to the DORA query's figures), the link to the team page; once per week and webhook; retried.
/// </summary>
[Collection(AnalyticsAppCollection.Name)]
public sealed class TeamDigestDeliveryTests(AnalyticsAppFixture app)
{
    private const string PublicUrl = "https://metrics.example.com/";

    private TeamDigests Digests(DigestSettings digest)
    {
        var options = Options.Create(new DeliveryOptions { PublicUrl = PublicUrl, MaxAttempts = 3, RetryDelay = TimeSpan.FromMilliseconds(50), Digest = digest });
        var runner = ActivatorUtilities.CreateInstance<DeliveryRunner>(app.Services, options);
        return ActivatorUtilities.CreateInstance<TeamDigests>(app.Services, runner, options);
    }

    private async Task<(string Slack, string Teams)> TwoTeamsAsync()
    {
        var teams = await app.Services.GetRequiredService<CatalogLookups>().TeamSlugsAsync();
        return (teams[0], teams[1]);
    }

    /// <summary>The week's and the week before's figures for <paramref name="team"/>, straight from the DORA query.</summary>
    private async Task<(DoraSummary Week, DoraSummary Before)> FiguresAsync(string team, DateOnly monday)
    {
        var dora = app.Services.GetRequiredService<DoraQueries>();
        var tiers = app.Services.GetRequiredService<Analytics.Web.Queries.DoraTierChoice>().For(null);
        DateTimeOffset Start(DateOnly day) => new(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var week = (await dora.SummariesAsync(new DoraRequest(Start(monday), Start(monday.AddDays(7))))).WithTiers(tiers);
        var before = (await dora.SummariesAsync(new DoraRequest(Start(monday.AddDays(-7)), Start(monday)))).WithTiers(tiers);
        return (week.Teams.Single(summary => summary.Team == team), before.Teams.Single(summary => summary.Team == team));
    }

    [Fact]
    public async Task Each_team_gets_its_keys_and_their_change_in_the_slack_or_teams_shape_once_per_week()
    {
        await using var receiver = await LoopbackWebhookReceiver.StartAsync();
        var (slackTeam, teamsTeam) = await TwoTeamsAsync();
        var hooks = (Slack: $"slack-{Guid.NewGuid():N}", Teams: $"teams-{Guid.NewGuid():N}");
        var digests = Digests(new DigestSettings
        {
            Teams =
            {
                [slackTeam] = new TeamWebhook { Url = receiver.Hook(hooks.Slack).AbsoluteUri, Format = ChatFormat.Slack },
                [teamsTeam] = new TeamWebhook { Url = receiver.Hook(hooks.Teams).AbsoluteUri, Format = ChatFormat.Teams },
            },
        });
        // A week of the demo (UTC) that no other test sends: five weeks back.
        var week = digests.WeekOf(null).AddDays(-35);
        Assert.Equal(DayOfWeek.Monday, week.DayOfWeek);

        var outcome = await digests.SendAsync(week, null, DeliveryScheduling.ScheduleTrigger, resend: false, CancellationToken.None);

        Assert.Equal((2, 0, 0), (outcome.Sent, outcome.Skipped, outcome.Failed));
        var title = $"DORA keys for the week of {week:yyyy-MM-dd}";

        // Slack: {"text": fallback, "blocks": [header, section with four fields, a button to the team page]}.
        var slack = Assert.Single(receiver.Received[hooks.Slack]);
        var (current, before) = await FiguresAsync(slackTeam, week);
        var keys = Analytics.Web.Queries.MonthlyKey.Compare(current, before);
        Assert.StartsWith($"{slackTeam}: {title}", slack["text"]!.GetValue<string>(), StringComparison.Ordinal);
        var blocks = slack["blocks"]!.AsArray();
        Assert.Equal(["header", "section", "actions"], blocks.Select(block => block!["type"]!.GetValue<string>()));
        Assert.Equal("plain_text", blocks[0]!["text"]!["type"]!.GetValue<string>());
        var fields = blocks[1]!["fields"]!.AsArray().Select(field => field!["text"]!.GetValue<string>()).ToList();
        Assert.Equal(keys.Select(key => $"*{key.Name}*\n{TeamDigest.Line(key)}"), fields);
        Assert.Contains($"{Figures.Optional(current.DeploymentFrequency.DeploymentsPerDay)} ({Figures.Change(current.DeploymentFrequency.DeploymentsPerDay - before.DeploymentFrequency.DeploymentsPerDay)},",
            fields[0], StringComparison.Ordinal);
        var button = blocks[2]!["elements"]![0]!;
        Assert.Equal("button", button["type"]!.GetValue<string>());
        Assert.Equal($"{PublicUrl}teams/{slackTeam}", button["url"]!.GetValue<string>());

        // Microsoft Teams: a message with one Adaptive Card: title, the four keys as facts, an Action.OpenUrl.
        var teams = Assert.Single(receiver.Received[hooks.Teams]);
        (current, before) = await FiguresAsync(teamsTeam, week);
        keys = Analytics.Web.Queries.MonthlyKey.Compare(current, before);
        Assert.Equal("message", teams["type"]!.GetValue<string>());
        var attachment = teams["attachments"]!.AsArray().Single()!;
        Assert.Equal("application/vnd.microsoft.card.adaptive", attachment["contentType"]!.GetValue<string>());
        var card = attachment["content"]!;
        Assert.Equal("AdaptiveCard", card["type"]!.GetValue<string>());
        Assert.Equal("http://adaptivecards.io/schemas/adaptive-card.json", card["$schema"]!.GetValue<string>());
        Assert.Equal($"{teamsTeam}: {title}", card["body"]![0]!["text"]!.GetValue<string>());
        var facts = card["body"]![1]!;
        Assert.Equal("FactSet", facts["type"]!.GetValue<string>());
        Assert.Equal(keys.Select(key => (key.Name, TeamDigest.Line(key))),
            facts["facts"]!.AsArray().Select(fact => (fact!["title"]!.GetValue<string>(), fact["value"]!.GetValue<string>())));
        var open = card["actions"]![0]!;
        Assert.Equal(("Action.OpenUrl", $"{PublicUrl}teams/{teamsTeam}"), (open["type"]!.GetValue<string>(), open["url"]!.GetValue<string>()));

        // The same week again (a new instance, as after a restart): nothing is posted twice.
        var again = await Digests(new DigestSettings
        {
            Teams =
            {
                [slackTeam] = new TeamWebhook { Url = receiver.Hook(hooks.Slack).AbsoluteUri, Format = ChatFormat.Slack },
                [teamsTeam] = new TeamWebhook { Url = receiver.Hook(hooks.Teams).AbsoluteUri, Format = ChatFormat.Teams },
            },
        }).SendAsync(week, null, DeliveryScheduling.ScheduleTrigger, resend: false, CancellationToken.None);
        Assert.Equal((0, 2, 0), (again.Sent, again.Skipped, again.Failed));
        Assert.Equal(1, receiver.RequestsTo(hooks.Slack));
        Assert.Equal(1, receiver.RequestsTo(hooks.Teams));
    }

    [Fact]
    public async Task One_url_for_all_posts_each_team_its_own_digest_and_an_unavailable_webhook_is_retried_with_backoff()
    {
        await using var receiver = await LoopbackWebhookReceiver.StartAsync();
        var hook = $"all-{Guid.NewGuid():N}";
        receiver.Answer = (_, n) => n <= 2 ? 503 : null; // the first two requests find the chat service down
        var digests = Digests(new DigestSettings { Url = receiver.Hook(hook).AbsoluteUri, Format = ChatFormat.Slack });
        var week = digests.WeekOf(null).AddDays(-42);

        var outcome = await digests.SendAsync(week, null, DeliveryScheduling.CommandTrigger, resend: false, CancellationToken.None);

        var teams = await app.Services.GetRequiredService<CatalogLookups>().TeamSlugsAsync();
        Assert.Equal((teams.Count, 0), (outcome.Sent, outcome.Failed));
        Assert.Equal(teams.Order(), receiver.Received[hook].Select(body => body["text"]!.GetValue<string>().Split(':')[0]).Order());
        Assert.Equal(teams.Count + 2, receiver.RequestsTo(hook));
        var run = (await app.Services.GetRequiredService<DeliveryLog>().RecentRunsAsync(100))
            .Single(run => run.Kind == TeamDigests.Kind && run.Period == week.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Assert.Equal(((ulong)teams.Count, (ulong)teams.Count + 2, 0ul), (run.Sent, run.Attempts, run.Failed));
    }

    [Fact]
    public async Task A_webhook_that_refuses_the_message_is_not_retried_and_the_url_never_reaches_the_record()
    {
        await using var receiver = await LoopbackWebhookReceiver.StartAsync();
        var (team, _) = await TwoTeamsAsync();
        var hook = $"gone-{Guid.NewGuid():N}";
        receiver.Answer = (_, _) => 404;
        var url = receiver.Hook(hook).AbsoluteUri;
        var digests = Digests(new DigestSettings { Teams = { [team] = new TeamWebhook { Url = url } } });
        var week = digests.WeekOf(null).AddDays(-49);

        var outcome = await digests.SendAsync(week, team, DeliveryScheduling.CommandTrigger, resend: false, CancellationToken.None);

        Assert.Equal((0, 1), (outcome.Sent, outcome.Failed));
        Assert.Equal(1, receiver.RequestsTo(hook));
        Assert.Contains("404", Assert.Single(outcome.Errors), StringComparison.Ordinal);
        var run = (await app.Services.GetRequiredService<DeliveryLog>().RecentRunsAsync(100))
            .Single(run => run.Kind == TeamDigests.Kind && run.Period == week.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Assert.Equal(1ul, run.Failed);
        Assert.DoesNotContain(hook, run.Errors, StringComparison.Ordinal);
        Assert.DoesNotContain(app.Log.Entries.Select(entry => entry.Message), line => line.Contains(hook, StringComparison.Ordinal));
    }
}
