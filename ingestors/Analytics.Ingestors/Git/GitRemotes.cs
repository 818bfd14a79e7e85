namespace Analytics.Ingestors.Git;

/// <summary>Repository names ("owner/name", the catalog's form) from git remote URLs.</summary>
public static class GitRemotes
{
    /// <summary>
    /// "acme/shop" from https://github.com/acme/shop.git, git@github.com:acme/shop.git or
    /// ssh://git@host/acme/shop; nested groups stay ("group/sub/project"). Null for a local path or a URL
    /// without an owner.
    /// </summary>
    public static string? RepositoryName(string? remoteUrl)
    {
        if (string.IsNullOrWhiteSpace(remoteUrl))
        {
            return null;
        }
        var url = remoteUrl.Trim();
        string path;
        if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" or "ssh" or "git")
        {
            path = uri.AbsolutePath;
        }
        else if (url.IndexOf(':') is var colon and > 1 && !url.Contains("://", StringComparison.Ordinal) && !url[..colon].Contains('/'))
        {
            // scp-like syntax, user@host:owner/name; the length check keeps Windows drives ("C:\repo") out.
            path = url[(colon + 1)..];
        }
        else
        {
            return null;
        }

        path = path.Trim('/');
        if (path.EndsWith(".git", StringComparison.OrdinalIgnoreCase))
        {
            path = path[..^4];
        }
        return path.Contains('/') ? path : null;
    }
}
