using Analytics.Ingestors.Jira;
using Microsoft.Extensions.Configuration;

namespace Analytics.Ingestors.Tests.Jira;

public sealed class JiraSettingsTests
{
    private static IConfigurationSection Section(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.ToDictionary(s => $"Analytics:Sources:desk:{s.Key}", s => (string?)s.Value)).Build()
            .GetSection("Analytics:Sources:desk");

    [Fact]
    public void Every_problem_is_named_by_its_setting()
    {
        var problems = JiraSourceSettings.Validate(Section(("Kind", "jira"), ("IncidentProjects", "OPS"), ("RequestProjects", "HELP"), ("Flavour", "server")));

        Assert.Equal(
        [
            "Analytics:Sources:desk:Flavour must be one of cloud, datacenter (was 'server').",
            "Analytics:Sources:desk:Email must be the Atlassian account's email for Jira Cloud (basic auth with an API token).",
            "Analytics:Sources:desk:BaseUrl must be the service's https address.",
            "Analytics:Sources:desk:Token must hold a Jira Cloud API token: set it with user-secrets or the environment variable Analytics__Sources__desk__Token (it is never logged).",
            "Analytics:Sources:desk:Services must map components, labels or project keys to catalog services, e.g. Services:payments = payments-api.",
            "Analytics:Sources:desk:RequestTeams:HELP must name the team whose requests project HELP holds.",
        ], problems);
    }

    [Fact]
    public void Data_Center_needs_no_email_and_a_request_type_name_becomes_a_kind_slug()
    {
        var settings = JiraSourceSettings.Parse(Section(
            ("BaseUrl", "https://jira.acme.test/jira"), ("Flavour", "datacenter"), ("Token", "pat"), ("RequestProjects", "HELP"), ("RequestTeams:HELP", "platform")));

        Assert.Equal((JiraSourceSettings.DataCenter, new Uri("https://jira.acme.test/jira/")), (settings.Flavour, settings.BaseUrl));
        Assert.False(settings.ReadsIncidents);
        Assert.Equal("get-it-help", JiraRows.Slug(" Get IT help! "));
        Assert.Equal("2026-04-14T10:02:00.000+00:00", JiraRows.Time("2026-04-14T10:02:00.000+0000"));
    }
}
