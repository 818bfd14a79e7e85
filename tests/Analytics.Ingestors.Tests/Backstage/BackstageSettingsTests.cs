using Analytics.Ingestors.Backstage;
using Microsoft.Extensions.Configuration;

namespace Analytics.Ingestors.Tests.Backstage;

public sealed class BackstageSettingsTests
{
    private const string Secret = "bst_SecretThatMustNotBeQuoted0123456789";

    private static IConfigurationSection Section(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.ToDictionary(v => $"Analytics:Sources:portal:{v.Key}", v => v.Value)).Build()
            .GetSection("Analytics:Sources:portal");

    [Fact]
    public void Settings_are_read_with_their_documented_defaults()
    {
        var settings = BackstageSourceSettings.Parse(Section(new() { ["Token"] = Secret, ["BaseUrl"] = "https://backstage.acme.test", ["HistoryStart"] = "2025-01-01" }));

        Assert.Equal(("portal", new Uri("https://backstage.acme.test/")), (settings.Name, settings.BaseUrl));
        Assert.Equal(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), settings.HistoryStart);
        Assert.Equal((500, true, "golden-path", "backstage.io/template-version", 5), (settings.PageSize, settings.Scaffolder, settings.GoldenPathTag, settings.TemplateVersionAnnotation, settings.MaxRetries));
        Assert.Equal((TimeSpan.FromSeconds(100), TimeSpan.FromMinutes(10)), (settings.RequestTimeout, settings.MaxRateLimitWait));
        Assert.Null(BackstageSourceSettings.Parse(Section(new() { ["Token"] = Secret, ["BaseUrl"] = "http://127.0.0.1:7007" })).HistoryStart);
    }

    [Fact]
    public void Each_wrong_setting_is_named_and_the_token_never_quoted()
    {
        var problems = BackstageSourceSettings.Validate(Section(new()
        {
            ["BaseUrl"] = "http://backstage.acme.test",
            ["HistoryStart"] = "last spring",
            ["PageSize"] = "0",
            ["Scaffolder"] = "sometimes",
        }));

        Assert.Equal(5, problems.Count);
        Assert.Contains(problems, p => p.StartsWith("Analytics:Sources:portal:Token must hold a Backstage static token", StringComparison.Ordinal) && p.Contains("Analytics__Sources__portal__Token", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.StartsWith("Analytics:Sources:portal:BaseUrl must be https (was http://backstage.acme.test)", StringComparison.Ordinal));
        Assert.Contains("Analytics:Sources:portal:HistoryStart must be a date (2025-01-01) or a time with an offset.", problems);
        Assert.Contains("Analytics:Sources:portal:PageSize must be a whole number from 1 to 10000.", problems);
        Assert.Contains("Analytics:Sources:portal:Scaffolder must be true or false.", problems);

        var withToken = BackstageSourceSettings.Validate(Section(new() { ["Token"] = Secret, ["BaseUrl"] = "ftp://" + Secret }));
        Assert.DoesNotContain(withToken, p => p.Contains(Secret, StringComparison.Ordinal));
        Assert.Single(withToken);
    }
}
