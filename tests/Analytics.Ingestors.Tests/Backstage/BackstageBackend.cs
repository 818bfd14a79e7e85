using Analytics.Testing;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Analytics.Ingestors.Tests.Backstage;

/// <summary>
/// A real Backstage backend (the catalog and scaffolder plugins from npm, tests/backstage-backend) on a free loopback
/// port, with an in-memory SQLite database, a static token for the source and a guest sign-in as
/// <see cref="Requester"/> for starting scaffolder tasks. The catalog is one <c>catalog-info.yaml</c> the test writes;
/// <see cref="WriteCatalogAsync"/> rewrites it and waits until Backstage has processed it.
/// </summary>
public sealed class BackstageBackend : IAsyncDisposable
{
    /// <summary>Looks like a real token, so a leak would be found by searching for it.</summary>
    public const string Token = "bst_StaticTokenThatMustNeverBeLogged4c1e9a";

    public const string Requester = "user:default/ana";

    private readonly Process _process;
    private readonly string _folder;
    private readonly StringBuilder _output = new();

    private BackstageBackend(Process process, string folder, int port)
    {
        (_process, _folder) = (process, folder);
        BaseUrl = $"http://127.0.0.1:{port}/";
        Client = new HttpClient { BaseAddress = new Uri(BaseUrl), Timeout = TimeSpan.FromSeconds(30) };
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
    }

    public static string PackageFolder => Path.Combine(RepositoryPaths.Root, "tests", "backstage-backend");

    /// <summary>Why the backend cannot start here, or null when it can.</summary>
    public static string? Unavailable()
    {
        if (!Directory.Exists(Path.Combine(PackageFolder, "node_modules", "@backstage", "plugin-catalog-backend")))
        {
            return $"The real Backstage backend is not installed: run `npm ci` in {PackageFolder} (scripts/install-test-prerequisites.sh does).";
        }
        return FindNode() is null ? "Node.js (node) is not on the PATH, so the real Backstage backend cannot start." : null;
    }

    public string BaseUrl { get; }

    /// <summary>A client with the static token, for what the test does to Backstage (not what the source does).</summary>
    public HttpClient Client { get; }

    public string CatalogPath => Path.Combine(_folder, "catalog-info.yaml");

    public static async Task<BackstageBackend> StartAsync(string catalogYaml)
    {
        var folder = Directory.CreateTempSubdirectory("analytics-backstage-").FullName;
        var port = FreePort();
        await File.WriteAllTextAsync(Path.Combine(folder, "catalog-info.yaml"), catalogYaml);
        await File.WriteAllTextAsync(Path.Combine(folder, "app-config.yaml"), $$"""
            app:
              baseUrl: http://127.0.0.1:{{port}}
            backend:
              baseUrl: http://127.0.0.1:{{port}}
              listen: { host: 127.0.0.1, port: {{port}} }
              database: { client: better-sqlite3, connection: ':memory:' }
              auth:
                externalAccess:
                  - type: static
                    options: { token: {{Token}}, subject: analytics-tests }
            auth:
              environment: development
              providers:
                guest:
                  userEntityRef: {{Requester}}
                  dangerouslyAllowOutsideDevelopment: true
            catalog:
              rules:
                - allow: [Component, Group, User, Template, Location]
              locations:
                - type: file
                  target: {{Path.Combine(folder, "catalog-info.yaml")}}
            """);
        var start = new ProcessStartInfo(FindNode()!, ["backend.js", "--config", Path.Combine(folder, "app-config.yaml")])
        {
            WorkingDirectory = PackageFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["NODE_ENV"] = "development";
        var process = Process.Start(start)!;
        var backend = new BackstageBackend(process, folder, port);
        process.OutputDataReceived += (_, line) => backend.Log(line.Data);
        process.ErrorDataReceived += (_, line) => backend.Log(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await backend.WaitAsync(async () => (await backend.Client.GetAsync("api/catalog/entities/by-query?limit=1")).StatusCode == HttpStatusCode.OK, "the catalog to answer");
        }
        catch
        {
            await backend.DisposeAsync();
            throw;
        }
        return backend;
    }

    /// <summary>The entities' references, as Backstage lists them now.</summary>
    public async Task<IReadOnlyList<string>> EntitiesAsync()
    {
        using var document = JsonDocument.Parse(await Client.GetStringAsync("api/catalog/entities/by-query?limit=1000&fields=kind,metadata"));
        return document.RootElement.GetProperty("items").EnumerateArray()
            .Select(e => $"{e.GetProperty("kind").GetString()}:{e.GetProperty("metadata").GetProperty("name").GetString()}".ToLowerInvariant())
            .Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Waits until Backstage lists <paramref name="expected"/> (kind:name, lower case) among its entities.</summary>
    public Task WaitForEntitiesAsync(params string[] expected) =>
        WaitAsync(async () => expected.All((await EntitiesAsync()).Contains), $"the entities {string.Join(", ", expected)}");

    /// <summary>Rewrites the catalog file and asks Backstage to read it again; waits until <paramref name="processed"/> holds.</summary>
    public async Task WriteCatalogAsync(string catalogYaml, Func<Task<bool>> processed)
    {
        await File.WriteAllTextAsync(CatalogPath, catalogYaml);
        await WaitAsync(async () =>
        {
            // Refreshing the location re-reads the file; refreshing each entity re-processes what it emitted.
            foreach (var entity in await EntitiesAsync())
            {
                var (kind, name) = (entity[..entity.IndexOf(':')], entity[(entity.IndexOf(':') + 1)..]);
                await Client.PostAsJsonAsync("api/catalog/refresh", new { entityRef = $"{kind}:default/{name}" });
            }
            return await processed();
        }, "Backstage to process the changed catalog file");
    }

    /// <summary>Starts a scaffolder task of <paramref name="template"/> as <see cref="Requester"/> (guest sign-in); returns its id once it finished.</summary>
    public async Task<string> RunTaskAsync(string template)
    {
        using var guest = new HttpClient { BaseAddress = new Uri(BaseUrl) };
        using var refresh = new HttpRequestMessage(HttpMethod.Get, "api/auth/guest/refresh");
        refresh.Headers.Add("X-Requested-With", "XMLHttpRequest");
        using var session = JsonDocument.Parse(await (await guest.SendAsync(refresh)).EnsureSuccessStatusCode().Content.ReadAsStringAsync());
        var userToken = session.RootElement.GetProperty("backstageIdentity").GetProperty("token").GetString();
        guest.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", userToken);
        var created = await guest.PostAsJsonAsync("api/scaffolder/v2/tasks", new { templateRef = $"template:default/{template}", values = new { } });
        var body = await created.Content.ReadAsStringAsync();
        Assert.True(created.IsSuccessStatusCode, body);
        var id = JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
        await WaitAsync(async () =>
        {
            using var task = JsonDocument.Parse(await Client.GetStringAsync($"api/scaffolder/v2/tasks/{id}"));
            return task.RootElement.GetProperty("status").GetString() is "completed" or "failed" or "cancelled";
        }, $"task {id} to finish");
        return id;
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private async Task WaitAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The Backstage backend exited ({_process.ExitCode}) while waiting for {what}:\n{Output()}");
            }
            try
            {
                if (await condition())
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited 90 s for {what}. Backstage's log:\n{Output()}");
            }
            await Task.Delay(250);
        }
    }

    private void Log(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    private string Output()
    {
        lock (_output)
        {
            var text = _output.ToString();
            return text.Length > 6000 ? text[^6000..] : text;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string? FindNode() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(folder => Path.Combine(folder, "node")).FirstOrDefault(File.Exists);
}

/// <summary>A fact that needs the real Backstage backend; skipped, saying how to install it, when it cannot start here.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BackstageBackendFactAttribute : FactAttribute
{
    public BackstageBackendFactAttribute()
    {
        if (BackstageBackend.Unavailable() is { } reason)
        {
            Skip = reason;
        }
    }
}
