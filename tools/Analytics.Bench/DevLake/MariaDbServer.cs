using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using MySqlConnector;

namespace Analytics.Bench.DevLake;

/// <summary>
/// The MariaDB the DevLake side runs on: a server given by connection string, or one started here from Debian's
/// mariadb-server package (mariadb-install-db, mariadbd) with a data directory of its own under the temp folder, on
/// loopback, stopped and removed afterwards. Sessions are UTC, as Grafana's FROM_UNIXTIME expansion assumes.
/// </summary>
public sealed class MariaDbServer : IAsyncDisposable
{
    private readonly Process? _process;
    private readonly string? _directory;

    private MariaDbServer(string connectionString, Process? process, string? directory)
    {
        ConnectionString = connectionString;
        _process = process;
        _directory = directory;
    }

    public string ConnectionString { get; }

    public string? Version { get; private set; }

    /// <summary>Uses <paramref name="connectionString"/> when given (its database is created if missing), else starts a server.</summary>
    public static async Task<MariaDbServer> StartAsync(string? connectionString, IProgress<string> progress, CancellationToken cancellationToken)
    {
        MariaDbServer server;
        if (connectionString is not null)
        {
            // A connection string without a database gets the bench's own, created if missing.
            var given = new MySqlConnectionStringBuilder(connectionString);
            given.Database = given.Database is { Length: > 0 } database ? database : "devlake";
            server = new MariaDbServer(given.ConnectionString, null, null);
        }
        else
        {
            var directory = Path.Combine(Path.GetTempPath(), $"analytics-bench-mariadb-{Environment.ProcessId}");
            Directory.CreateDirectory(directory);
            var data = Path.Combine(directory, "data");
            progress.Report($"initialising a MariaDB data directory in {data}…");
            await RunAsync("mariadb-install-db", ["--no-defaults", "--user=root", $"--datadir={data}", "--auth-root-authentication-method=normal", "--skip-test-db"], cancellationToken);
            var port = FreePort();
            var process = Process.Start(new ProcessStartInfo("mariadbd")
            {
                ArgumentList =
                {
                    "--no-defaults", "--user=root", $"--datadir={data}", $"--socket={Path.Combine(directory, "mysqld.sock")}",
                    $"--port={port.ToString(CultureInfo.InvariantCulture)}", "--bind-address=127.0.0.1", $"--pid-file={Path.Combine(directory, "mysqld.pid")}",
                    "--default-time-zone=+00:00", "--innodb-buffer-pool-size=1G", "--skip-log-bin",
                },
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            }) ?? throw new InvalidOperationException("mariadbd did not start (is Debian's mariadb-server installed? apt-get install -y mariadb-server).");
            process.ErrorDataReceived += (_, _) => { };
            process.OutputDataReceived += (_, _) => { };
            process.BeginErrorReadLine();
            process.BeginOutputReadLine();
            server = new MariaDbServer($"Server=127.0.0.1;Port={port.ToString(CultureInfo.InvariantCulture)};User ID=root;Database=devlake;Pooling=true;Default Command Timeout=0", process, directory);
            progress.Report($"MariaDB started on 127.0.0.1:{port} (pid {process.Id})");
        }
        await server.WaitUntilReadyAsync(cancellationToken);
        return server;
    }

    /// <summary>An open connection to the bench's database, session time zone UTC.</summary>
    public async Task<MySqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new MySqlConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new MySqlCommand("SET time_zone = '+00:00'", connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        var builder = new MySqlConnectionStringBuilder(ConnectionString);
        var database = builder.Database;
        builder.Database = "";
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await using var connection = new MySqlConnection(builder.ConnectionString);
                await connection.OpenAsync(cancellationToken);
                await using var create = new MySqlCommand($"CREATE DATABASE IF NOT EXISTS `{database}`", connection);
                await create.ExecuteNonQueryAsync(cancellationToken);
                Version = connection.ServerVersion;
                return;
            }
            catch (MySqlException) when (attempt < 60 && _process is { HasExited: false })
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string file, string[] arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} exited with {process.ExitCode}: {await error}{await output}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is null)
        {
            return;
        }
        if (!_process.HasExited)
        {
            // SIGTERM: mariadbd shuts down cleanly.
            Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)])?.WaitForExit();
            if (!_process.WaitForExit(TimeSpan.FromSeconds(60)))
            {
                _process.Kill();
            }
        }
        _process.Dispose();
        if (_directory is not null && Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
        await Task.CompletedTask;
    }
}
