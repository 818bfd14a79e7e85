using System.Buffers.Binary;
using System.Security.Cryptography;
using Analytics.Storage.ClickHouse;

namespace Analytics.Web.Cli.HandOver;

/// <summary>
/// Where a running app takes CLI commands for its embedded store: a Unix domain socket and the token of the app's
/// current start, in a folder beside the store that only its user may enter (docs/operations.md#commands-while-the-app-runs).
/// Only the embedded store needs it: a ClickHouse server takes several processes, so commands open it themselves.
/// </summary>
internal sealed record CommandChannel(string Folder)
{
    public string SocketPath => Path.Combine(Folder, "socket");

    public string TokenPath => Path.Combine(Folder, "token");

    /// <summary>The channel of the store <paramref name="options"/> describe, or null for a server store.</summary>
    public static CommandChannel? For(StoreOptions options) =>
        options.Transport == StoreTransport.Embedded ? new(Path.GetFullPath(options.DataPath) + ".commands") : null;

    /// <summary>A new random token for this start, written where only this user can read it.</summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public string WriteNewToken()
    {
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        File.Delete(TokenPath);
        using var file = new FileStream(TokenPath, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        });
        using var writer = new StreamWriter(file);
        writer.Write(token);
        return token;
    }

    /// <summary>Whether <paramref name="given"/> is the current token (compared in constant time).</summary>
    public static bool TokenMatches(string? given, string token) =>
        given is not null && CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(given), System.Text.Encoding.UTF8.GetBytes(token));
}

/// <summary>What a CLI sends: its arguments, working directory and what its terminal can show.</summary>
internal sealed record CommandRequest(IReadOnlyList<string> Arguments, string WorkingDirectory, TerminalProfile Terminal);

/// <summary>The caller's terminal as Spectre.Console detected it, so the app renders for it (colours, width, live progress).</summary>
internal sealed record TerminalProfile(bool Ansi, string ColorSystem, bool Interactive, bool Unicode, int Width);

/// <summary>
/// The answer's body: frames of one kind byte, a 4-byte big-endian length and the payload — standard output or
/// standard error text (UTF-8) as the command writes it, then one exit frame holding the exit code.
/// </summary>
internal static class CommandFrames
{
    public const byte Output = 1;
    public const byte Error = 2;
    public const byte Exit = 3;

    public static async Task WriteAsync(Stream stream, byte kind, ReadOnlyMemory<byte> payload, CancellationToken cancellationToken)
    {
        var header = new byte[5];
        header[0] = kind;
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(1), payload.Length);
        await stream.WriteAsync(header, cancellationToken);
        await stream.WriteAsync(payload, cancellationToken);
    }

    public static byte[] ExitPayload(int exitCode)
    {
        var payload = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(payload, exitCode);
        return payload;
    }

    /// <summary>Copies output and error frames to <paramref name="output"/> and <paramref name="error"/> as they come; returns the exit code, or null when the stream ended without one.</summary>
    public static async Task<int?> CopyAsync(Stream frames, Stream output, Stream error, CancellationToken cancellationToken)
    {
        var header = new byte[5];
        while (await ReadExactlyOrEndAsync(frames, header, cancellationToken))
        {
            var payload = new byte[BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(1))];
            await frames.ReadExactlyAsync(payload, cancellationToken);
            switch (header[0])
            {
                case Exit:
                    return BinaryPrimitives.ReadInt32BigEndian(payload);
                case Error:
                    await error.WriteAsync(payload, cancellationToken);
                    await error.FlushAsync(cancellationToken);
                    break;
                default:
                    await output.WriteAsync(payload, cancellationToken);
                    await output.FlushAsync(cancellationToken);
                    break;
            }
        }
        return null;
    }

    private static async Task<bool> ReadExactlyOrEndAsync(Stream stream, byte[] buffer, CancellationToken cancellationToken)
    {
        var read = await stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
        if (read == 0)
        {
            return false;
        }
        if (read < buffer.Length)
        {
            throw new EndOfStreamException();
        }
        return true;
    }
}
