using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Analytics.Testing;

namespace Analytics.Web.Tests.Cli;

/// <summary>
/// The README's flow with the real executable twice: the app serving a store, and CLI commands in a second process on
/// the same store, handed to the app over its command channel (a Unix socket only this user may use, with a token per
/// start) and answered with the command's own output and exit code.
/// </summary>
public sealed class ServingCliTests(ServingCliTests.Serving serving) : IClassFixture<ServingCliTests.Serving>
{
    // Within the API's longest period (Analytics:Api:MaxPeriod), inside the repository's history.
    private const string From = "2023-07-01";
    private const string To = "2026-07-01";

    /// <summary>One app serving a fresh store, and a generated repository, for the class.</summary>
    public sealed class Serving : IAsyncLifetime
    {
        public string Root { get; } = Directory.CreateTempSubdirectory("analytics-serving-cli-").FullName;

        public LongHistory Repository { get; } = LongHistory.Create();

        public AnalyticsProcess.ServingApp App { get; private set; } = null!;

        public string ChannelFolder => Path.Combine(Root, "analytics", "clickhouse.commands");

        public async Task InitializeAsync() => App = await AnalyticsProcess.ServeAsync(Root);

        public async Task DisposeAsync()
        {
            await App.DisposeAsync();
            Repository.Dispose();
            TempFolders.Delete(Root);
        }
    }

    [Fact]
    public async Task Commands_in_a_second_process_are_run_by_the_serving_app_and_its_API_shows_what_they_ingested()
    {
        var ingest = await AnalyticsProcess.RunAsync(serving.Root,
            ["ingest", "git", serving.Repository.Path, "--service", LongHistory.Service, "--repository", LongHistory.RepositoryName, "--tag-pattern", "v*"]);
        Assert.True(ingest.ExitCode == 0, ingest.ToString());
        Assert.Contains("run by the app serving this store", ingest.StandardError, StringComparison.Ordinal);
        // The command's own table, streamed back: every monthly tag is a deployment.
        Assert.Matches($@"deployments\s*│\s*{serving.Repository.Tags}\s", ingest.StandardOutput);
        Assert.DoesNotContain("Cannot lock", ingest.StandardError, StringComparison.Ordinal);

        var dora = await AnalyticsProcess.RunAsync(serving.Root, ["dora", "--from", From, "--to", To, "--format", "json"]);
        Assert.True(dora.ExitCode == 0, dora.ToString());
        var cliDeployments = OrganisationDeployments(dora.StandardOutput);
        Assert.Equal(36, cliDeployments); // one tag a month

        using var http = new HttpClient { BaseAddress = serving.App.Url };
        var api = await http.GetStringAsync($"/api/dora?from={From}&to={To}");
        Assert.Equal(cliDeployments, OrganisationDeployments(api));
        Assert.False(serving.App.HasExited);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task The_channel_refuses_a_caller_without_this_starts_token_and_is_not_on_the_TCP_listener()
    {
        var socket = Path.Combine(serving.ChannelFolder, "socket");
        var token = await File.ReadAllTextAsync(Path.Combine(serving.ChannelFolder, "token"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(serving.ChannelFolder));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(socket));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(serving.ChannelFolder, "token")));

        using var channel = OverSocket(socket);
        foreach (var bearer in new[] { null, "not-the-token", token + "x" })
        {
            using var request = CommandRequest("http://analytics/commands", bearer);
            using var refused = await channel.SendAsync(request);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }
        // With the token, the channel answers; the app's TCP listener has no such endpoint.
        using (var accepted = await channel.SendAsync(CommandRequest("http://analytics/commands", token)))
        {
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }
        using var tcp = new HttpClient { BaseAddress = serving.App.Url };
        using var overTcp = await tcp.SendAsync(CommandRequest(new Uri(serving.App.Url, "/commands").ToString(), token));
        Assert.NotEqual(HttpStatusCode.OK, overTcp.StatusCode);
    }

    [Fact]
    public async Task A_second_dashboard_on_the_same_store_says_in_one_line_which_process_holds_it()
    {
        var second = await AnalyticsProcess.RunAsync(serving.Root, ["--urls", "http://127.0.0.1:0"]);
        Assert.Equal(5, second.ExitCode);
        AssertOneLine(second.StandardError, $"open in another process (pid {serving.App.ProcessId})");
    }

    [Fact]
    public async Task Without_a_running_app_a_command_runs_on_its_own_even_beside_a_dead_apps_socket()
    {
        var root = Directory.CreateTempSubdirectory("analytics-no-app-").FullName;
        try
        {
            // A socket file nobody listens on, as a killed app leaves it.
            var folder = Directory.CreateDirectory(Path.Combine(root, "analytics", "clickhouse.commands")).FullName;
            using (var dead = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
            {
                dead.Bind(new UnixDomainSocketEndPoint(Path.Combine(folder, "socket")));
            }
            await File.WriteAllTextAsync(Path.Combine(folder, "token"), "a dead start's token");

            var dora = await AnalyticsProcess.RunAsync(root, ["dora", "--from", From, "--to", To, "--format", "json"]);
            Assert.True(dora.ExitCode == 0, dora.ToString());
            Assert.Equal(0, OrganisationDeployments(dora.StandardOutput));
            Assert.DoesNotContain("run by the app", dora.StandardError, StringComparison.Ordinal);
            Assert.DoesNotContain("Demo data", dora.StandardError, StringComparison.Ordinal);
        }
        finally
        {
            TempFolders.Delete(root);
        }
    }

    private static HttpRequestMessage CommandRequest(string url, string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = JsonContent.Create(new
            {
                arguments = new[] { "runs", "--take", "1" },
                workingDirectory = Path.GetTempPath(),
                terminal = new { ansi = false, colorSystem = "NoColors", interactive = false, unicode = true, width = 100 },
            }),
        };
        if (token is not null)
        {
            request.Headers.Authorization = new("Bearer", token);
        }
        return request;
    }

    private static HttpClient OverSocket(string socketPath) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (_, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        },
    });

    internal static int OrganisationDeployments(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.GetProperty("organisation").GetProperty("deploymentFrequency").GetProperty("deployments").GetInt32();
    }

    /// <summary>Standard error is one line holding <paramref name="expected"/>, and no stack trace.</summary>
    internal static void AssertOneLine(string standardError, string expected)
    {
        var lines = standardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length == 1, $"Expected one line, got:\n{standardError}");
        Assert.Contains(expected, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", standardError, StringComparison.Ordinal);
    }
}

/// <summary>Deletes the tests' temporary folders; one left behind is harmless.</summary>
internal static class TempFolders
{
    public static void Delete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
