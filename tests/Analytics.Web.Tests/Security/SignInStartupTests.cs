using Analytics.Web.Cli;
using Analytics.Web.Hosting;
using Analytics.Web.Security;
using Microsoft.AspNetCore.Builder;

namespace Analytics.Web.Tests.Security;

/// <summary>Outside development the app needs a sign-in mode, or an explicit Open; in development it defaults to Open.</summary>
public sealed class SignInStartupTests
{
    private static Dictionary<string, string?> Settings(string? mode) => new()
    {
        ["Analytics:Store:DataPath"] = AnalyticsAppFixture.DataPath,
        ["Analytics:Store:Database"] = $"startup_{Guid.NewGuid():N}",
        ["ConnectionStrings:Catalog"] = $"Data Source={Path.Combine(Path.GetTempPath(), $"analytics-startup-{Guid.NewGuid():N}.db")}",
        ["Analytics:Demo:LoadWhenEmpty"] = "false",
        ["Analytics:Auth:Mode"] = mode,
    };

    [Fact]
    public async Task Production_without_a_mode_refuses_to_start_with_one_line_naming_the_setting()
    {
        await using var app = AnalyticsCommandLine.ServeBuilder(["--environment", "Production", "--urls", "http://127.0.0.1:0"], Settings(null)).Build();

        var error = Assert.ThrowsAny<Exception>(() => app.Services.ValidateOptions());

        Assert.StartsWith("Analytics:Auth:Mode is not set", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [InlineData("Production", "Open", AuthMode.Open)]
    [InlineData("Production", "Local", AuthMode.Local)]
    [InlineData("Development", null, AuthMode.Open)]
    public async Task A_mode_given_or_development_starts(string environment, string? mode, AuthMode expected)
    {
        await using var app = AnalyticsCommandLine.ServeBuilder(["--environment", environment, "--urls", "http://127.0.0.1:0"], Settings(mode)).Build();

        app.Services.ValidateOptions();

        Assert.Equal(expected, app.Services.GetRequiredService<AnalyticsAuthentication>().Mode);
    }
}
