using System.Text;
using System.Text.RegularExpressions;

namespace Analytics.Ingestors.Git;

/// <summary>
/// Which tags are production deployments. A glob by default (<c>v*</c>: <c>*</c> any characters, <c>?</c> one),
/// or a regular expression between slashes (<c>/^v\d+\.\d+\.\d+$/</c>). Either must match the whole tag name;
/// case matters, as it does for git.
/// </summary>
public sealed class TagPattern
{
    public const string Default = "v*";

    private readonly Regex _regex;

    private TagPattern(string text, Regex regex)
    {
        Text = text;
        _regex = regex;
    }

    public string Text { get; }

    /// <exception cref="ArgumentException">Empty, or an invalid regular expression.</exception>
    public static TagPattern Parse(string pattern)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        if (pattern.Length > 2 && pattern.StartsWith('/') && pattern.EndsWith('/'))
        {
            var expression = pattern[1..^1];
            try
            {
                // Anchored here so "/v1/" cannot silently match "release-v1-broken".
                return new TagPattern(pattern, new Regex($"^(?:{expression})$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)));
            }
            catch (ArgumentException error)
            {
                throw new ArgumentException($"Tag pattern {pattern} is not a valid regular expression: {error.Message}", nameof(pattern), error);
            }
        }

        var glob = new StringBuilder("^");
        foreach (var ch in pattern)
        {
            glob.Append(ch switch
            {
                '*' => ".*",
                '?' => ".",
                _ => Regex.Escape(ch.ToString()),
            });
        }
        return new TagPattern(pattern, new Regex(glob.Append('$').ToString(), RegexOptions.CultureInvariant | RegexOptions.Singleline));
    }

    public bool IsMatch(string tagName) => _regex.IsMatch(tagName);

    public override string ToString() => Text;
}
