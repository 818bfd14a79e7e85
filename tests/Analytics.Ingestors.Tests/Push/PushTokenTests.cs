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
    public void Only_the_exact_token_of_a_source_authenticates_it()
    {
        var tokens = new PushTokens(Options.Create(new PushOptions
        {
            Sources =
            {
                ["ci"] = new PushSourceOptions { Token = "ci-token-0123456789abcdef0123456789" },
                ["pager"] = new PushSourceOptions { Token = "pager-token-0123456789abcdef012345" },
            },
        }));

        Assert.Equal("ci", tokens.Authenticate("Bearer ci-token-0123456789abcdef0123456789"));
        Assert.Equal("pager", tokens.Authenticate("bearer pager-token-0123456789abcdef012345"));
        Assert.Null(tokens.Authenticate("Bearer ci-token-0123456789abcdef012345678"));
        Assert.Null(tokens.Authenticate("Basic ci-token-0123456789abcdef0123456789"));
        Assert.Null(tokens.Authenticate(null));
    }
}
