using Analytics.Ingestors.Push;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Analytics.Ingestors.Tests.Push;

public sealed class PushTokenTests
{
    [Fact]
    public void A_short_token_stops_start_up_naming_its_source_but_never_the_token()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Analytics:Push:Sources:jenkins:Token"] = "short-secret",
            ["Analytics:Push:Sources:github-actions:Token"] = "a-long-enough-token-0123456789abcdef",
        }).Build();
        using var services = new ServiceCollection().AddIngestion(configuration).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<PushOptions>>().Value);

        Assert.Equal("Analytics:Push:Sources:jenkins:Token must be at least 32 characters (e.g. the output of `openssl rand -hex 32`).", Assert.Single(error.Failures));
        Assert.DoesNotContain("short-secret", error.Message);
    }

    [Fact]
    public void Only_the_exact_token_of_a_source_authenticates_it_and_the_raw_tokens_leave_the_options()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Analytics:Push:Sources:ci:Token"] = "ci-token-0123456789abcdef0123456789",
            ["Analytics:Push:Sources:pager:Token"] = "pager-token-0123456789abcdef012345",
        }).Build();
        using var services = new ServiceCollection().AddIngestion(configuration).BuildServiceProvider();
        var tokens = services.GetRequiredService<PushTokens>();

        Assert.Equal("ci", tokens.Authenticate(PushTokens.BearerToken("Bearer ci-token-0123456789abcdef0123456789")!));
        Assert.Equal("pager", tokens.Authenticate(PushTokens.BearerToken("bearer pager-token-0123456789abcdef012345")!));
        Assert.Null(tokens.Authenticate("ci-token-0123456789abcdef012345678"));
        Assert.Null(PushTokens.BearerToken("Basic ci-token-0123456789abcdef0123456789"));
        Assert.Null(PushTokens.BearerToken(null));
        Assert.Null(PushTokens.BearerToken("Bearer  "));
        Assert.All(services.GetRequiredService<IOptions<PushOptions>>().Value.Sources.Values, source => Assert.Null(source.Token));
        Assert.All(services.GetRequiredService<IOptionsMonitor<PushOptions>>().CurrentValue.Sources.Values, source => Assert.Null(source.Token));
    }
}
