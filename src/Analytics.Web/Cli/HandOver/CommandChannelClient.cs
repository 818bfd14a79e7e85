using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Analytics.Storage.ClickHouse;
using Spectre.Console;

namespace Analytics.Web.Cli.HandOver;

/// <summary>
/// In a CLI process: hands the command to the app running on the same store, when one answers on its
/// <see cref="CommandChannel"/>, and copies what the command writes to this terminal as it comes. Ctrl+C closes the
/// connection, which cancels the command in the app.
/// </summary>
internal static class CommandChannelClient
{
    /// <summary>The command's exit code, or null when no app answers (no socket, or a dead start's).</summary>
    public static async Task<int?> TryRunAsync(CommandChannel channel, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        if (!File.Exists(channel.SocketPath))
        {
            return null;
        }
        string token;
        try
        {
            token = await File.ReadAllTextAsync(channel.TokenPath, cancellationToken);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        using var http = new HttpClient(new SocketsHttpHandler
        {
            ConnectCallback = async (_, token) =>
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(channel.SocketPath), token);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        })
        { Timeout = Timeout.InfiniteTimeSpan };
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://analytics/commands")
        {
            Content = JsonContent.Create(new CommandRequest(arguments, Environment.CurrentDirectory, Terminal()), options: JsonSerializerOptions.Web),
        };
        request.Headers.Authorization = new("Bearer", token.Trim());
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException error) when (error.InnerException is SocketException)
        {
            return null; // Nobody listens: the app that made the socket is gone.
        }
        using (response)
        {
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new StoreUnavailableException(
                    $"The app running on this store refused the command ({(int)response.StatusCode} {response.ReasonPhrase}) on {channel.SocketPath}; stop it to run the command on its own, or restart it.");
            }
            Console.Error.WriteLine("(run by the app serving this store, with its settings)");
            await using var frames = await response.Content.ReadAsStreamAsync(cancellationToken);
            await using var output = Console.OpenStandardOutput();
            await using var error = Console.OpenStandardError();
            try
            {
                return await CommandFrames.CopyAsync(frames, output, error, cancellationToken)
                    ?? throw new EndOfStreamException();
            }
            catch (Exception lost) when (lost is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
            {
                throw new StoreUnavailableException("The app serving this store stopped before the command finished; see its log, then run the command again.", lost);
            }
        }
    }

    private static TerminalProfile Terminal()
    {
        var profile = AnsiConsole.Profile;
        return new(profile.Capabilities.Ansi, profile.Capabilities.ColorSystem.ToString(), profile.Capabilities.Interactive, profile.Capabilities.Unicode, profile.Width);
    }
}
