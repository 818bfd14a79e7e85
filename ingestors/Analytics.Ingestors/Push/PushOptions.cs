namespace Analytics.Ingestors.Push;

/// <summary>Configuration section "Analytics:Push": one bearer token per pushing source. Checked by <see cref="PushOptionsValidator"/>.</summary>
public sealed class PushOptions
{
    public const string Section = "Analytics:Push";

    /// <summary>At least this long, so a token cannot be guessed; e.g. <c>openssl rand -hex 32</c>.</summary>
    public const int MinimumTokenLength = 32;

    /// <summary>By source name, e.g. Sources:github-actions:Token. Tokens come from user-secrets or the environment.</summary>
    public Dictionary<string, PushSourceOptions> Sources { get; set; } = new(StringComparer.Ordinal);
}

public sealed class PushSourceOptions
{
    /// <summary>The bearer token; only its SHA-256 is kept once the app has started. Never logged.</summary>
    public string? Token { get; set; }
}
