using System.CommandLine;
using System.CommandLine.Parsing;
using System.Runtime.InteropServices;
using System.Text.Json;
using Analytics.Storage.ClickHouse;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.Extensions.Options;
using Spectre.Console;

namespace Analytics.Web.Cli.HandOver;

/// <summary>
/// In the serving app: takes CLI commands for the store the app holds open (<see cref="CommandChannel"/>) and runs
/// them in-process with the app's services, streaming their output back. A server of its own on the Unix socket only:
/// it is never on the app's TCP listener nor among its endpoints. A caller must be this user (the folder is 0700, the
/// socket 0600, and the kernel's peer credentials are checked) and present this start's token.
/// </summary>
internal sealed partial class CommandChannelServer(
    IServiceProvider services, IOptions<StoreOptions> storeOptions, IHostApplicationLifetime lifetime, ILogger<CommandChannelServer> logger) : IHostedService
{
    // Commands that only make sense in a process of their own (a restore replaces the store the app has open): never handed over.
    private static readonly HashSet<string> OwnProcessCommands = ["serve", "setup", "users", "restore"];

    // sockaddr_un holds 108 bytes with the terminating zero.
    private const int MaximumSocketPathBytes = 107;

    private CommandChannel? _channel;
    private WebApplication? _server;
    private string _token = "";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (CommandChannel.For(storeOptions.Value) is not { } channel || OperatingSystem.IsWindows())
        {
            return;
        }
        if (System.Text.Encoding.UTF8.GetByteCount(channel.SocketPath) > MaximumSocketPathBytes)
        {
            logger.LogWarning("No command channel: the socket path {Path} is longer than a Unix socket allows; CLI commands cannot run while the app does.", channel.SocketPath);
            return;
        }
        // The app has the store open (the initializer ran before), so a socket or token still there is a dead start's.
        Directory.CreateDirectory(channel.Folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.SetUnixFileMode(channel.Folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.Delete(channel.SocketPath);
        _token = channel.WriteNewToken();
        CommandConsoleRouting.Install();

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.ListenUnixSocket(channel.SocketPath));
        var server = builder.Build();
        server.Run(HandleAsync);
        await server.StartAsync(cancellationToken);
        File.SetUnixFileMode(channel.SocketPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        (_channel, _server) = (channel, server);
        logger.LogInformation("CLI commands for this store are taken on {Socket}.", channel.SocketPath);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is null || _channel is null)
        {
            return;
        }
        await _server.StopAsync(cancellationToken);
        await _server.DisposeAsync();
        File.Delete(_channel.SocketPath);
        File.Delete(_channel.TokenPath);
    }

    private async Task HandleAsync(HttpContext http)
    {
        if (!HttpMethods.IsPost(http.Request.Method) || http.Request.Path != "/commands")
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }
        var bearer = http.Request.Headers.Authorization.ToString() is { } header && header.StartsWith("Bearer ", StringComparison.Ordinal) ? header[7..] : null;
        if (!PeerIsThisUser(http) || !CommandChannel.TokenMatches(bearer, _token))
        {
            logger.LogWarning("Refused a command on the command channel: wrong user or token.");
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }
        CommandRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync<CommandRequest>(http.Request.Body, JsonSerializerOptions.Web, http.RequestAborted);
        }
        catch (JsonException)
        {
            request = null;
        }
        var parsed = request is { Arguments.Count: > 0 } ? AnalyticsCommandLine.Create().Parse([.. request.Arguments]) : null;
        if (parsed is null || !Path.IsPathFullyQualified(request!.WorkingDirectory) || TopCommand(parsed) is not { } top || OwnProcessCommands.Contains(top))
        {
            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        http.Response.ContentType = "application/octet-stream";
        // Headers now, so the caller knows at once that the app runs the command.
        await http.Response.Body.FlushAsync(http.RequestAborted);
        using var command = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
        var frames = new FrameStream(http.Response.Body, http.RequestAborted);
        var context = new CommandContext(services, request.WorkingDirectory, ConsoleFor(request.Terminal, frames.Output), frames.Output, frames.Error, CommandLog.Level(parsed));
        LogCommand(logger, top);
        var exitCode = await CommandContext.RunAsync(context, () => CommandFailures.RunAsync(
            () => parsed.InvokeAsync(new()
            {
                Output = frames.Output,
                Error = frames.Error,
                EnableDefaultExceptionHandler = false,
                // The app's own Ctrl+C and SIGTERM handling stays the host's; the caller's arrives as a closed connection.
                ProcessTerminationTimeout = null,
            }, command.Token),
            frames.Error,
            failure =>
            {
                logger.LogError(failure, "A command run for the CLI failed.");
                return "the running app's log";
            }));
        LogCommandEnded(logger, top, exitCode);
        await frames.CompleteAsync(exitCode);
    }

    /// <summary>The subcommand of the root the arguments name (<c>ingest</c> for <c>ingest git</c>); null for the root itself (<c>serve</c>).</summary>
    private static string? TopCommand(ParseResult parsed)
    {
        string? name = null;
        for (var result = parsed.CommandResult; result.Parent is CommandResult parent; result = parent)
        {
            name = result.Command.Name;
        }
        return name;
    }

    /// <summary>The caller's console: what its terminal shows, written into the answer.</summary>
    private static IAnsiConsole ConsoleFor(TerminalProfile terminal, TextWriter output)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = terminal.Ansi ? AnsiSupport.Yes : AnsiSupport.No,
            ColorSystem = Enum.TryParse<ColorSystemSupport>(terminal.ColorSystem, out var colours) ? colours : ColorSystemSupport.NoColors,
            Interactive = terminal.Interactive ? InteractionSupport.Yes : InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = Math.Clamp(terminal.Width, 20, 1000);
        console.Profile.Capabilities.Unicode = terminal.Unicode;
        return console;
    }

    /// <summary>The connecting process runs as this process's user (Linux: SO_PEERCRED); elsewhere the folder's permissions and the token decide.</summary>
    private static bool PeerIsThisUser(HttpContext http)
    {
        if (!OperatingSystem.IsLinux())
        {
            return true;
        }
        if (http.Features.Get<IConnectionSocketFeature>()?.Socket is not { } socket)
        {
            return false;
        }
        // struct ucred { pid_t pid; uid_t uid; gid_t gid; }
        Span<byte> credentials = stackalloc byte[12];
        socket.GetRawSocketOption(SolSocket, SoPeerCred, credentials);
        return MemoryMarshal.Read<uint>(credentials[4..]) == GetEffectiveUserId();
    }

    private const int SolSocket = 1;
    private const int SoPeerCred = 17;

    [DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint GetEffectiveUserId();

    [LoggerMessage(Level = LogLevel.Information, Message = "Running '{Command}' for a CLI on this machine.")]
    private static partial void LogCommand(ILogger logger, string command);

    [LoggerMessage(Level = LogLevel.Information, Message = "'{Command}' for a CLI ended with exit code {ExitCode}.")]
    private static partial void LogCommandEnded(ILogger logger, string command, int exitCode);
}
