using Analytics.Web.Cli;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Analytics.Web.Tests.Hosting;

/// <summary>JSON console logs are one setting away (docs/operations.md, Logs): the dashboard's host has the formatter and takes the setting.</summary>
public sealed class JsonLogTests
{
    [Fact]
    public async Task Logging_Console_FormatterName_json_selects_the_json_formatter()
    {
        await using var app = AnalyticsCommandLine.ServeBuilder(["--urls", "http://127.0.0.1:0"], [new("Logging:Console:FormatterName", "json")]).Build();

        Assert.Equal(ConsoleFormatterNames.Json, app.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName);
        Assert.Contains(app.Services.GetServices<ConsoleFormatter>(), formatter => formatter.Name == ConsoleFormatterNames.Json);
    }
}
