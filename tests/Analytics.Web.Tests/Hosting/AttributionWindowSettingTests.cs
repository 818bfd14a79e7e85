using Analytics.Web.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Analytics.Web.Tests.Hosting;

/// <summary>Analytics:Metrics:IncidentAttributionWindow is taken to the millisecond; what cannot be honoured stops the start.</summary>
public sealed class AttributionWindowSettingTests
{
    [Theory]
    [InlineData("7.00:00:00", 604_800_000UL)]
    [InlineData("2.19:30:00", 243_000_000UL)]
    [InlineData("00:30:00", 1_800_000UL)]
    [InlineData("00:00:00.250", 250UL)]
    public void A_window_of_whole_milliseconds_reaches_the_sql_exactly(string setting, ulong milliseconds)
    {
        using var services = Services(setting);

        Assert.Equal(milliseconds, services.GetRequiredService<IOptions<Analytics.Core.Dora.MetricOptions>>().Value.IncidentAttributionWindowMilliseconds);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("-01:00:00")]
    [InlineData("00:00:00.0005")]
    public void A_window_that_cannot_be_honoured_stops_the_start_stating_the_rule(string setting)
    {
        using var services = Services(setting);

        var error = Assert.Throws<OptionsValidationException>(services.ValidateOptions);
        Assert.Contains("Analytics:Metrics:IncidentAttributionWindow must be positive and a whole number of milliseconds", error.Message);
    }

    private static ServiceProvider Services(string window)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Analytics:Store:DataPath"] = Path.GetTempPath(),
            ["Analytics:Metrics:IncidentAttributionWindow"] = window,
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddAnalyticsServices(configuration);
        return services.BuildServiceProvider();
    }
}
