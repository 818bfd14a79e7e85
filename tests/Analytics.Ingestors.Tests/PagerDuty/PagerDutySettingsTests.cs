using Analytics.Ingestors.PagerDuty;
using Microsoft.Extensions.Configuration;

namespace Analytics.Ingestors.Tests.PagerDuty;

public sealed class PagerDutySettingsTests
{
    private static IConfigurationSection Section(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.ToDictionary(s => $"Analytics:Sources:ops:{s.Key}", s => (string?)s.Value)).Build()
            .GetSection("Analytics:Sources:ops");

    [Fact]
    public void Every_problem_is_named_by_its_setting_and_the_key_is_never_shown()
    {
        var problems = PagerDutySourceSettings.Validate(Section(
            ("Kind", "pagerduty"), ("BaseUrl", "http://pagerduty.example/"), ("Services:PAY1", "Payments API"),
            ("SeverityByUrgency:high", "critical"), ("PageSize", "500")));

        Assert.Equal(
        [
            "Analytics:Sources:ops:Services:PAY1 must be a catalog service slug (lower case, digits and '-'), was 'Payments API'.",
            "Analytics:Sources:ops:SeverityByUrgency:high must be one of sev1, sev2, sev3, sev4, sev5 (was 'critical').",
            "Analytics:Sources:ops:BaseUrl must be https (was http://pagerduty.example): the credentials would travel in clear over http; only loopback addresses may use http.",
            "Analytics:Sources:ops:Token must hold a PagerDuty REST API key: set it with user-secrets or the environment variable Analytics__Sources__ops__Token (it is never logged).",
            "Analytics:Sources:ops:PageSize must be a whole number from 1 to 100.",
        ], problems);
    }

    [Fact]
    public void Defaults_map_urgency_high_to_sev2_and_low_to_sev4_and_read_change_events()
    {
        var settings = PagerDutySourceSettings.Parse(Section(("Token", "k"), ("Services:PAY1", "payments-api")));

        Assert.Equal(("sev2", "sev4", "sev3"), (settings.SeverityByUrgency["high"], settings.SeverityByUrgency["low"], settings.DefaultSeverity));
        Assert.True(settings.ChangeEvents);
        Assert.Equal(new Uri("https://api.pagerduty.com/"), settings.BaseUrl);
        Assert.Equal("payments-api", settings.Services["pay1"]);
    }
}
