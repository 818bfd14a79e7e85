using Analytics.Ingestors.GitHub;
using Analytics.Ingestors.Tests.Runs;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Analytics.Ingestors.Tests.GitHub;

public sealed class GitHubSettingsTests
{
    private const string Secret = "ghp_SecretThatMustNotBeQuoted0123456789";

    private static IConfigurationSection Section(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.ToDictionary(v => $"Analytics:Sources:acme:{v.Key}", v => v.Value)).Build()
            .GetSection("Analytics:Sources:acme");

    [Fact]
    public void Settings_are_read_with_lists_given_either_way_and_documented_defaults()
    {
        var settings = GitHubSourceSettings.Parse(Section(new()
        {
            ["Token"] = Secret,
            ["BaseUrl"] = "https://github.acme.test",
            ["Organizations"] = "acme, platform",
            ["Repositories:0"] = "octo/tools",
            ["Since"] = "2025-01-01",
            ["Workflows:0:Workflow"] = "deploy.yml",
            ["Workflows:0:Environment"] = "production",
            ["IncidentLabels:0"] = "incident",
            ["IncidentLabels:1"] = "outage",
        }));

        Assert.Equal(("acme", new Uri("https://github.acme.test/")), (settings.Name, settings.BaseUrl));
        Assert.Equal(["acme", "platform"], settings.Organizations);
        Assert.Equal(["octo/tools"], settings.Repositories);
        Assert.Equal(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), settings.Since);
        Assert.Equal([new WorkflowDeployments("deploy.yml", "production", null)], settings.Workflows);
        Assert.Equal(["incident", "outage"], settings.IncidentLabels);
        Assert.Equal((100, true, true, true, false, "production", "sev3", 5), (settings.PageSize, settings.Commits, settings.PullRequests,
            settings.Deployments, settings.ReleasesAsDeployments, settings.ReleaseEnvironment, settings.DefaultSeverity, settings.MaxRetries));
        Assert.Equal(TimeSpan.FromMinutes(65), settings.MaxRateLimitWait);
    }

    [Fact]
    public void Every_bad_setting_is_named_and_the_token_is_never_quoted()
    {
        var problems = GitHubSourceSettings.Validate(Section(new()
        {
            ["Token"] = Secret,
            ["BaseUrl"] = $"https://x:{Secret}@github.acme.test",
            ["Repositories"] = "just-a-name",
            ["PageSize"] = "500",
            ["Workflows:0:Workflow"] = "deploy.yml",
            ["DefaultSeverity"] = "critical",
        }));

        Assert.Equal(
        [
            "Analytics:Sources:acme:BaseUrl must be an http(s) address without credentials, e.g. https://api.github.com/ or https://github.acme.test/.",
            "Analytics:Sources:acme:Repositories: 'just-a-name' is not owner/name.",
            "Analytics:Sources:acme:Workflows:0 needs Workflow (a file name such as deploy.yml, or the workflow's name) and Environment.",
            "Analytics:Sources:acme:DefaultSeverity must be one of sev1, sev2, sev3, sev4, sev5.",
            "Analytics:Sources:acme:PageSize must be a whole number from 1 to 100.",
        ], problems);
        Assert.All(problems, problem => Assert.DoesNotContain(Secret, problem));
    }

    [Theory]
    [InlineData(null, GitHubApiKind.GraphQl, "https://api.github.com/", "https://api.github.com/graphql")]
    [InlineData("GraphQL", GitHubApiKind.GraphQl, "https://github.acme.test/", "https://github.acme.test/api/graphql")]
    [InlineData("rest", GitHubApiKind.Rest, "https://github.acme.test/api/v3", "https://github.acme.test/api/graphql")]
    public void Api_is_graphql_unless_rest_is_asked_for_and_GraphQL_is_beside_the_REST_root(string? api, GitHubApiKind expected, string baseUrl, string graphQl)
    {
        var settings = GitHubSourceSettings.Parse(Section(new() { ["Token"] = Secret, ["Organizations"] = "acme", ["Api"] = api, ["BaseUrl"] = baseUrl }));

        Assert.Equal(expected, settings.Api);
        Assert.Equal(new Uri(graphQl), GitHubSourceSettings.GraphQlAddress(settings.BaseUrl));
        Assert.Equal(
            ["Analytics:Sources:acme:Api: 'soap' is neither graphql nor rest."],
            GitHubSourceSettings.Validate(Section(new() { ["Token"] = Secret, ["Organizations"] = "acme", ["Api"] = "soap" })));
    }

    [Theory]
    [InlineData("http://github.acme.test/api/v3", "Analytics:Sources:acme:BaseUrl must be https (was http://github.acme.test): the token would travel in clear over http; only loopback addresses may use http.")]
    [InlineData("http://127.0.0.1:8080/", null)]
    [InlineData("http://localhost:8080/", null)]
    [InlineData("http://[::1]:8080/", null)]
    [InlineData("https://github.acme.test/", null)]
    public void A_plain_http_address_is_refused_except_on_loopback(string baseUrl, string? expected)
    {
        var problems = GitHubSourceSettings.Validate(Section(new() { ["Token"] = Secret, ["BaseUrl"] = baseUrl, ["Organizations"] = "acme" }));

        Assert.Equal(expected is null ? [] : [expected], problems);
    }

    [Fact]
    public void Without_a_token_or_anything_to_read_the_source_says_how_to_set_them()
    {
        var problems = GitHubSourceSettings.Validate(Section(new() { ["Kind"] = "github" }));

        Assert.Equal(
        [
            "Analytics:Sources:acme:Token must hold a GitHub token (or AppId, AppPrivateKeyFile and InstallationId for a GitHub App): set it with user-secrets or the environment variable Analytics__Sources__acme__Token (it is never logged).",
            "Analytics:Sources:acme:Organizations or Analytics:Sources:acme:Repositories must name what to read.",
        ], problems);
    }

    [Fact]
    public async Task The_github_kind_is_registered_beside_csv_and_a_configured_source_is_built_from_its_settings()
    {
        await using var host = await IngestTestHost.CreateAsync(new Dictionary<string, string?>
        {
            ["Analytics:Sources:acme:Kind"] = "github",
            ["Analytics:Sources:acme:Token"] = Secret,
            ["Analytics:Sources:acme:Organizations"] = "acme",
            ["Analytics:Sources:jira:Kind"] = "jira",
        });
        var services = new ServiceCollection().AddSingleton(host.Configuration);
        host.AddServicesTo(services, host.Configuration);
        services.AddGitHubIngestion(host.Configuration);
        await using var provider = services.BuildServiceProvider();
        var sources = provider.GetRequiredService<IngestSources>();

        var problems = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<IngestSourcesOptions>>().Value).Failures;
        var source = sources.Create("acme");

        Assert.Equal(["Analytics:Sources:jira:Kind is 'jira'; it must be one of: csv, github, survey-export."], problems);
        Assert.Equal(("acme", "github"), (source.Name, source.Kind));
        Assert.IsType<GitHubIngestSource>(source);
    }
}
