using Analytics.Web.Cli;
using Analytics.Web.Hosting;
using Analytics.Web.Queries;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Analytics.Web.Tests.Hosting;

/// <summary>The benchmark year of the tiers as configured (Analytics:Metrics:TierYear) and as the CLI takes it (--tiers).</summary>
public sealed class TierYearSettingTests
{
    [Theory]
    [InlineData("2021", 2021)]
    [InlineData("2024", 2024)]
    [InlineData(null, 2023)]
    public void A_configured_year_with_a_table_is_the_year_pages_use_unless_the_url_names_another(string? setting, int expected)
    {
        using var services = Services(setting);
        var choice = services.GetRequiredService<DoraTierChoice>();

        Assert.Equal(expected, choice.Configured.Year);
        Assert.Equal(expected, choice.For(null).Year);
        Assert.Equal(expected, choice.For("1999").Year);
        Assert.Equal(2021, choice.For("2021").Year);
    }

    [Fact]
    public void A_configured_year_without_a_table_stops_the_start_naming_the_setting_and_the_years()
    {
        using var services = Services("2022");

        var error = Assert.Throws<OptionsValidationException>(services.ValidateOptions);
        Assert.Contains("Analytics:Metrics:TierYear must be a DORA benchmark year with a tier table (2021, 2023, 2024).", error.Message);
    }

    [Theory]
    [InlineData("dora --tiers 2024", true)]
    [InlineData("dora --tiers 2021 --format csv", true)]
    [InlineData("dora --tiers 2019", false)]
    public void The_cli_takes_the_years_there_are_tables_for(string arguments, bool valid)
    {
        var result = AnalyticsCommandLine.Create().Parse(arguments);

        Assert.Equal(valid, result.Errors.Count == 0);
        if (!valid)
        {
            Assert.Contains(result.Errors, error => error.Message.Contains("2019") && DoraTierTables.Years.All(year => error.Message.Contains(year.ToString())));
        }
    }

    private static ServiceProvider Services(string? tierYear)
    {
        var settings = new Dictionary<string, string?> { ["Analytics:Store:DataPath"] = Path.GetTempPath() };
        if (tierYear is not null)
        {
            settings["Analytics:Metrics:TierYear"] = tierYear;
        }
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddLogging();
        services.AddAnalyticsServices(configuration);
        return services.BuildServiceProvider();
    }
}
