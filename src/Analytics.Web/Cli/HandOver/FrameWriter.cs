using System.Text;
using System.Threading.Channels;

namespace Analytics.Web.Cli.HandOver;

/// <summary>
/// The answer's body while a command runs: text the command writes (from any thread, synchronously, as
/// <see cref="TextWriter"/>s do) is queued as frames and a pump sends them on as they come, since Kestrel's response
/// stream takes asynchronous writes only.
/// </summary>
internal sealed class FrameStream
{
    private readonly Channel<(byte Kind, byte[] Payload)> _frames = Channel.CreateUnbounded<(byte, byte[])>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _pump;

    public FrameStream(Stream body, CancellationToken cancellationToken)
    {
        Output = new FrameWriter(this, CommandFrames.Output);
        Error = new FrameWriter(this, CommandFrames.Error);
        _pump = PumpAsync(body, cancellationToken);
    }

    public TextWriter Output { get; }

    public TextWriter Error { get; }

    /// <summary>Sends the exit frame after everything written before, and waits until it has gone (or the caller has).</summary>
    public async Task CompleteAsync(int exitCode)
    {
        Output.Flush();
        Error.Flush();
        _frames.Writer.TryWrite((CommandFrames.Exit, CommandFrames.ExitPayload(exitCode)));
        _frames.Writer.TryComplete();
        await _pump;
    }

    private void Enqueue(byte kind, byte[] payload) => _frames.Writer.TryWrite((kind, payload));

    private async Task PumpAsync(Stream body, CancellationToken cancellationToken)
    {
        try
        {
            while (await _frames.Reader.WaitToReadAsync(cancellationToken))
            {
                while (_frames.Reader.TryRead(out var frame))
                {
                    await CommandFrames.WriteAsync(body, frame.Kind, frame.Payload, cancellationToken);
                }
                await body.FlushAsync(cancellationToken);
            }
        }
        catch (Exception error) when (error is OperationCanceledException or IOException)
        {
            // The caller has gone (Ctrl+C): the command is cancelled through the same token; what it still writes is dropped.
        }
    }

    private sealed class FrameWriter(FrameStream frames, byte kind) : TextWriter
    {
        private readonly Encoder _encoder = new UTF8Encoding(false).GetEncoder();
        private readonly Lock _gate = new();

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value) => Write([value], 0, 1);

        public override void Write(string? value)
        {
            if (!string.IsNullOrEmpty(value))
            {
                Write(value.ToCharArray(), 0, value.Length);
            }
        }

        public override void Write(char[] buffer, int index, int count) => Encode(buffer.AsSpan(index, count), flush: false);

        public override void Flush() => Encode([], flush: true);

        private void Encode(ReadOnlySpan<char> text, bool flush)
        {
            // One encoder per writer keeps a surrogate pair split across two writes whole.
            lock (_gate)
            {
                var bytes = new byte[_encoder.GetByteCount(text, flush)];
                var length = _encoder.GetBytes(text, bytes, flush);
                if (length > 0)
                {
                    frames.Enqueue(kind, length == bytes.Length ? bytes : bytes[..length]);
                }
            }
        }
    }
}
