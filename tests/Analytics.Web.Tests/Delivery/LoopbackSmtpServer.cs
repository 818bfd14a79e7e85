using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MimeKit;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace Analytics.Web.Tests.Delivery;

/// <summary>
/// A real SMTP server (the SmtpServer package) on a free loopback port: it receives what MailKit sends over TCP and keeps
/// each message as MimeKit parses it. <see cref="Answer"/> decides the reply to each message's DATA (451 or 550 to
/// make the sender retry or give up).
/// </summary>
public sealed class LoopbackSmtpServer : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _running;

    /// <param name="credentials">A user and password the server requires before it takes mail (plain text on loopback); none = no sign-in.</param>
    public LoopbackSmtpServer((string User, string Password)? credentials = null)
    {
        Port = FreePort();
        var options = new SmtpServerOptionsBuilder()
            .ServerName("localhost")
            .Endpoint(endpoint => endpoint.Endpoint(new IPEndPoint(IPAddress.Loopback, Port))
                .AuthenticationRequired(credentials is not null).AllowUnsecureAuthentication(credentials is not null))
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(this));
        if (credentials is { } required)
        {
            services.Add(new Authenticator(this, required.User, required.Password));
        }
        _running = new SmtpServer.SmtpServer(options, services).StartAsync(_stop.Token);
    }

    public int Port { get; }

    /// <summary>The messages accepted, in order.</summary>
    public ConcurrentQueue<MimeMessage> Messages { get; } = new();

    /// <summary>How many DATA commands arrived, accepted or not.</summary>
    public int Attempts => _attempts;

    private int _attempts;

    /// <summary>The reply to the n-th message (1-based); null accepts it.</summary>
    public Func<int, MimeMessage, SmtpResponse?> Answer { get; set; } = (_, _) => null;

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _running;
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }

    /// <summary>The users that signed in, and whether their password was right.</summary>
    public ConcurrentQueue<(string User, bool Accepted)> SignIns { get; } = new();

    private sealed class Authenticator(LoopbackSmtpServer server, string user, string password) : SmtpServer.Authentication.UserAuthenticator
    {
        public override Task<bool> AuthenticateAsync(ISessionContext context, string givenUser, string givenPassword, CancellationToken cancellationToken)
        {
            var accepted = givenUser == user && givenPassword == password;
            server.SignIns.Enqueue((givenUser, accepted));
            return Task.FromResult(accepted);
        }
    }

    private sealed class Store(LoopbackSmtpServer server) : MessageStore
    {
        public override Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            var message = MimeMessage.Load(new MemoryStream(buffer.ToArray()), cancellationToken);
            var attempt = Interlocked.Increment(ref server._attempts);
            if (server.Answer(attempt, message) is { } refusal)
            {
                return Task.FromResult(refusal);
            }
            server.Messages.Enqueue(message);
            return Task.FromResult(SmtpResponse.Ok);
        }
    }
}
