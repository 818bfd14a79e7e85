using Analytics.Ingestors.Git;

namespace Analytics.Ingestors.Tests.Git;

public sealed class GitPatternAndRemoteTests
{
    [Theory]
    [InlineData("v*", "v1.2.3", true)]
    [InlineData("v*", "release-v1", false)]   // a glob matches the whole name
    [InlineData("v?.?", "v1.2", true)]
    [InlineData("v?.?", "v1.22", false)]
    [InlineData("V*", "v1.0", false)]         // case matters, as in git
    [InlineData("release/*", "release/2025.03", true)]
    [InlineData("v1.0", "v1x0", false)]       // dots are literal
    [InlineData(@"/v\d+\.\d+\.\d+/", "v1.2.3", true)]
    [InlineData(@"/v\d+\.\d+\.\d+/", "v1.2.3-rc1", false)] // anchored
    [InlineData("/prod-(eu|us)-.*/", "prod-eu-42", true)]
    public void Tag_patterns_match_whole_tag_names(string pattern, string tag, bool matches) =>
        Assert.Equal(matches, TagPattern.Parse(pattern).IsMatch(tag));

    [Fact]
    public void An_invalid_regular_expression_is_refused_with_the_pattern_in_the_message()
    {
        var error = Assert.Throws<ArgumentException>(() => TagPattern.Parse("/v(/"));
        Assert.Contains("/v(/", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://github.com/acme/shop.git", "acme/shop")]
    [InlineData("https://github.com/acme/shop", "acme/shop")]
    [InlineData("git@github.com:acme/shop.git", "acme/shop")]
    [InlineData("ssh://git@gitlab.example.com:2222/platform/tools/shop.git", "platform/tools/shop")]
    [InlineData("/srv/git/shop.git", null)]
    [InlineData("file:///srv/git/shop.git", null)]
    [InlineData("C:\\repos\\shop", null)]
    [InlineData("https://example.com/shop.git", null)]
    public void Repository_names_come_from_forge_remote_urls(string url, string? expected) =>
        Assert.Equal(expected, GitRemotes.RepositoryName(url));
}
