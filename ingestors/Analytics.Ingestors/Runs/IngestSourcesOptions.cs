namespace Analytics.Ingestors.Runs;

/// <summary>
/// Configuration section "Analytics:Sources": the sources, by name. Every source has a <see cref="SourceOptions.Kind"/>
/// and may have a <see cref="SourceOptions.Cron"/>; its other settings are its kind's (a <see cref="SourceKindSettings.SettingsType"/>
/// such as <c>GitHubSourceSettings</c>). Checked by <see cref="IngestSourcesOptionsValidator"/>.
/// </summary>
public sealed class IngestSourcesOptions : Dictionary<string, SourceOptions>
{
    public const string Section = "Analytics:Sources";
}

/// <summary>What every configured source has, whatever its kind.</summary>
public sealed class SourceOptions
{
    /// <summary>The kind of source: <c>csv</c>, <c>git</c> or <c>github</c> (the kinds registered in the app).</summary>
    public string Kind { get; set; } = "";

    /// <summary>Quartz cron expression (seconds first, UTC); none = run on demand only (<c>ingest run</c>, "run now").</summary>
    public string? Cron { get; set; }
}
