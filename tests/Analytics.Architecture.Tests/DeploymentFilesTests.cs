using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Analytics.Architecture.Tests;

/// <summary>
/// docker-compose.yml, the Dockerfile and the Grafana provisioning, read as files: no Docker engine runs on the
/// development machines, so this is what is checked of the server set-up (docs/operations.md, "Docker Compose").
/// </summary>
public sealed partial class DeploymentFilesTests
{
    private static readonly YamlMappingNode Services = (YamlMappingNode)LoadYaml("docker-compose.yml")["services"];
    private static readonly string[] DockerfileLines = File.ReadAllLines(Path.Combine(Repository.Root, "Dockerfile"));

    [Fact]
    public void ClickHouse_is_not_published_beyond_the_compose_network()
    {
        Assert.False(Service("clickhouse").Children.ContainsKey("ports"), "clickhouse has `ports:`; reach it inside the compose network, or publish to 127.0.0.1 only");
    }

    [Fact]
    public void Every_service_has_a_restart_policy_and_every_long_running_one_a_healthcheck()
    {
        foreach (var (name, service) in AllServices())
        {
            var restart = Scalar(service, "restart");
            Assert.True(restart is "unless-stopped" or "always" or "on-failure", $"{name}: restart is '{restart}'");
            if (restart == "on-failure")
            {
                continue; // a one-shot job: it exits when done, others wait for service_completed_successfully
            }
            var healthcheck = service.Children.TryGetValue("healthcheck", out var node) ? (YamlMappingNode)node : null;
            Assert.True(healthcheck?.Children.ContainsKey("test") == true, $"{name} runs for good but has no healthcheck test");
        }
    }

    [Fact]
    public void The_app_waits_for_a_healthy_ClickHouse()
    {
        var dependsOn = Assert.IsType<YamlMappingNode>(Service("analytics")["depends_on"]);
        Assert.Equal("service_healthy", Scalar((YamlMappingNode)dependsOn["clickhouse"], "condition"));
    }

    [Fact]
    public void No_password_is_written_in_the_compose_file_and_a_missing_one_stops_the_start()
    {
        var checkedValues = 0;
        foreach (var (name, service) in AllServices())
        {
            if (!service.Children.TryGetValue("environment", out var environment))
            {
                continue;
            }
            foreach (var (key, value) in ((YamlMappingNode)environment).Children.Select(pair => (((YamlScalarNode)pair.Key).Value!, ((YamlScalarNode)pair.Value).Value ?? "")))
            {
                if (key.Contains("PASSWORD", StringComparison.Ordinal))
                {
                    Assert.Matches(RequiredVariable(), value);
                    checkedValues++;
                }
                foreach (Match password in PasswordInConnectionString().Matches(value))
                {
                    Assert.True(RequiredVariable().IsMatch(password.Groups[1].Value), $"{name}.{key}: password '{password.Groups[1].Value}' is not a required ${{VARIABLE:?…}}");
                    checkedValues++;
                }
            }
        }
        Assert.True(checkedValues >= 3, $"only {checkedValues} password values found");
    }

    [Fact]
    public void A_read_only_user_gets_the_reader_role_after_the_apps_migrations()
    {
        var (name, grants) = AllServices().Single(service => BindMounts(service.Service).Any(mount => mount.Source == "deploy/clickhouse/readers.sql"));
        Assert.Equal("service_healthy", Scalar((YamlMappingNode)((YamlMappingNode)grants["depends_on"])["analytics"], "condition"));
        var script = BindMounts(grants).Single(mount => mount.Source.EndsWith(".sh", StringComparison.Ordinal)).Source;
        var text = File.ReadAllText(Path.Combine(Repository.Root, script));
        Assert.Contains("GRANT analytics_reader TO reader", text, StringComparison.Ordinal);
        Assert.Contains("SET DEFAULT ROLE analytics_reader TO reader", text, StringComparison.Ordinal);
        Assert.Contains("readonly = 1", text, StringComparison.Ordinal);
        Assert.Equal("${CLICKHOUSE_READER_PASSWORD:?set CLICKHOUSE_READER_PASSWORD}", Scalar((YamlMappingNode)grants["environment"], "CLICKHOUSE_READER_PASSWORD"));
        Assert.NotEqual("grafana", name);
    }

    [Fact]
    public void Grafana_runs_only_in_its_profile_with_the_reader()
    {
        var profiles = Assert.IsType<YamlSequenceNode>(Service("grafana")["profiles"]);
        Assert.Equal(["grafana"], profiles.Children.Select(profile => ((YamlScalarNode)profile).Value));
        foreach (var (name, service) in AllServices().Where(service => service.Name != "grafana"))
        {
            Assert.False(service.Children.ContainsKey("profiles"), $"{name} is in a profile: the default set-up would lack it");
        }
        var dataSources = LoadYaml(HostPath(Service("grafana"), "/etc/grafana/provisioning/datasources") + "/clickhouse.yml");
        var source = (YamlMappingNode)((YamlSequenceNode)dataSources["datasources"]).Children.Single();
        Assert.Equal("grafana-clickhouse-datasource", Scalar(source, "type"));
        Assert.Equal("reader", Scalar((YamlMappingNode)source["jsonData"], "username"));
        Assert.Equal("$CLICKHOUSE_READER_PASSWORD", Scalar((YamlMappingNode)source["secureJsonData"], "password"));
    }

    [Fact]
    public void Every_mounted_file_exists_in_the_repository()
    {
        var mounts = AllServices().SelectMany(service => BindMounts(service.Service)).ToList();
        Assert.Contains(mounts, mount => mount.Source == "deploy/clickhouse/readers.sql");
        foreach (var mount in mounts)
        {
            var path = Path.Combine(Repository.Root, mount.Source);
            Assert.True(File.Exists(path) || Directory.Exists(path), $"mounted {mount.Source} is not in the repository");
        }
    }

    [Fact]
    public void The_provisioned_dashboards_are_the_shipped_ones()
    {
        var grafana = Service("grafana");
        var providers = LoadYaml(HostPath(grafana, "/etc/grafana/provisioning/dashboards") + "/analytics.yml");
        var containerPath = Scalar((YamlMappingNode)((YamlMappingNode)((YamlSequenceNode)providers["providers"]).Children.Single())["options"], "path") ?? throw new Xunit.Sdk.XunitException("the dashboard provider has no path");
        var hostPath = HostPath(grafana, containerPath);
        Assert.Equal("dashboards/grafana", hostPath);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(Repository.Root, hostPath), "*.json"));
    }

    [Fact]
    public void The_app_image_runs_as_a_user_that_is_not_root()
    {
        var user = DockerfileLines.Select(line => line.Trim()).LastOrDefault(line => line.StartsWith("USER ", StringComparison.Ordinal))?[5..].Trim();
        Assert.NotNull(user);
        Assert.DoesNotContain(user, new[] { "root", "0", "0:0", "root:root" });
    }

    [Fact]
    public void The_image_copies_the_product_and_nothing_of_tests_or_tools()
    {
        var sources = DockerfileLines.Select(line => line.Trim())
            .Where(line => line.StartsWith("COPY ", StringComparison.Ordinal) && !line.Contains("--from=", StringComparison.Ordinal))
            .SelectMany(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..^1])
            .Select(source => source.TrimEnd('/'))
            .ToList();
        Assert.NotEmpty(sources);
        foreach (var source in sources)
        {
            Assert.True(source is not ("." or "*") && !source.StartsWith("tests", StringComparison.Ordinal) && !source.StartsWith("tools", StringComparison.Ordinal), $"the Dockerfile copies '{source}'");
            Assert.True(File.Exists(Path.Combine(Repository.Root, source)) || Directory.Exists(Path.Combine(Repository.Root, source)), $"the Dockerfile copies '{source}', which is not in the repository");
        }
        // Everything `dotnet publish src/Analytics.Web` builds is copied.
        foreach (var project in Repository.Project("Analytics.Web").Closure())
        {
            var relative = Path.GetRelativePath(Repository.Root, project.Directory).Replace('\\', '/');
            Assert.True(sources.Any(source => relative.StartsWith(source + "/", StringComparison.Ordinal)), $"{relative} is not copied into the build stage");
        }
        var ignored = File.ReadAllLines(Path.Combine(Repository.Root, ".dockerignore")).Select(line => line.Trim()).ToList();
        Assert.Contains("tests/", ignored);
        Assert.Contains("tools/", ignored);
    }

    private static YamlMappingNode LoadYaml(string relativePath)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Path.Combine(Repository.Root, relativePath));
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static IEnumerable<(string Name, YamlMappingNode Service)> AllServices() =>
        Services.Children.Select(pair => (((YamlScalarNode)pair.Key).Value!, (YamlMappingNode)pair.Value));

    private static YamlMappingNode Service(string name) =>
        Services.Children.TryGetValue(name, out var service) ? (YamlMappingNode)service : throw new Xunit.Sdk.XunitException($"no service '{name}' in docker-compose.yml");

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(key, out var value) ? ((YamlScalarNode)value).Value : null;

    /// <summary>Short-syntax bind mounts (<c>./host:/container[:ro]</c>), host path relative to the repository.</summary>
    private static IEnumerable<(string Source, string Target)> BindMounts(YamlMappingNode service) =>
        service.Children.TryGetValue("volumes", out var volumes)
            ? ((YamlSequenceNode)volumes).Children.Select(volume => ((YamlScalarNode)volume).Value!.Split(':'))
                .Where(parts => parts[0].StartsWith("./", StringComparison.Ordinal))
                .Select(parts => (parts[0][2..], parts[1]))
            : [];

    private static string HostPath(YamlMappingNode service, string containerPath) =>
        BindMounts(service).SingleOrDefault(mount => mount.Target == containerPath).Source
        ?? throw new Xunit.Sdk.XunitException($"nothing is mounted at {containerPath}");

    [GeneratedRegex(@"^\$\{[A-Z_]+:\?[^}]+\}$")]
    private static partial Regex RequiredVariable();

    [GeneratedRegex(@"Password=([^;]*)", RegexOptions.IgnoreCase)]
    private static partial Regex PasswordInConnectionString();
}
