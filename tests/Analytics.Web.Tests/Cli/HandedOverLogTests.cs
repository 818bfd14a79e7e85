using System.Net.Http.Headers;
using System.Text;
using System.Text.RegularExpressions;
using Analytics.Testing;

namespace Analytics.Web.Tests.Cli;

/// <summary>
/// The real executable twice: a command handed to the serving app gets the app's log lines that the command itself
/// produces on its standard error, from the level it asked for (<c>--log-level</c>), and not the lines of what else the
/// app does meanwhile (pushes arriving over HTTP, each an ingest run logging the same messages).
/// </summary>
public sealed class HandedOverLogTests
{
    private const string PushSource = "ci-pushes";
    private const string PushToken = "push-token-0123456789abcdef0123456789";

    [Fact]
    public async Task A_handed_over_ingest_streams_its_own_log_lines_at_the_level_asked_for_and_no_other_requests()
    {
        var root = Directory.CreateTempSubdirectory("analytics-handed-over-log-").FullName;
        using var repository = LongHistory.Create();
        try
        {
            await using var app = await AnalyticsProcess.ServeAsync(root, new Dictionary<string, string> { [$"Analytics__Push__Sources__{PushSource}__Token"] = PushToken });
            using var http = new HttpClient { BaseAddress = app.Url };
            string[] ingest = ["ingest", "git", repository.Path, "--service", LongHistory.Service, "--repository", LongHistory.RepositoryName, "--tag-pattern", "v*"];

            // Pushes keep arriving while the command runs: the app logs their runs in the same words as the command's.
            var command = AnalyticsProcess.RunAsync(root, [.. ingest, "--log-level", "Information"]);
            var pushesDuring = 0;
            while (!command.IsCompleted)
            {
                await PushAsync(http, $"d-{pushesDuring}");
                pushesDuring++;
                await Task.WhenAny(command, Task.Delay(100));
            }
            var verbose = await command;

            Assert.True(verbose.ExitCode == 0, verbose.ToString());
            Assert.Contains("run by the app serving this store", verbose.StandardError, StringComparison.Ordinal);
            var lines = verbose.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.Contains(lines, line => Regex.IsMatch(line, @"^info: Ingest run \d+ of git \(git\) started\.$"));
            Assert.Contains(lines, line => Regex.IsMatch(line, @"^info: Ingest run \d+ of git succeeded: \d+ rows\.$"));
            // The app did log the pushes' runs meanwhile, and the command's caller got none of them.
            Assert.True(pushesDuring > 0);
            Assert.Contains($"of {PushSource}", app.Log, StringComparison.Ordinal);
            Assert.DoesNotContain(PushSource, verbose.StandardError, StringComparison.Ordinal);
            // Nor the channel's own lines, which are the app operator's.
            Assert.DoesNotContain("for a CLI", verbose.StandardError, StringComparison.Ordinal);

            // The default level (warnings and up): the same run's information lines stay in the app's log.
            var quiet = await AnalyticsProcess.RunAsync(root, ingest);
            Assert.True(quiet.ExitCode == 0, quiet.ToString());
            Assert.DoesNotContain("info:", quiet.StandardError, StringComparison.Ordinal);
            Assert.Equal(2, Regex.Matches(app.Log, @"Ingest run \d+ of git succeeded").Count);
            Assert.False(app.HasExited);
        }
        finally
        {
            TempFolders.Delete(root);
        }
    }

    private static async Task PushAsync(HttpClient http, string deploymentId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/push/deployments")
        {
            Content = new StringContent(
                $$"""{"deployment_id":"{{deploymentId}}","service":"{{LongHistory.Service}}","environment":"production","status":"success","started_at":"2026-04-14T09:00:00Z","finished_at":"2026-04-14T09:10:00Z"}""",
                Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", PushToken);
        using var response = await http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }
}
