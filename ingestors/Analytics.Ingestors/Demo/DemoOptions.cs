namespace Analytics.Ingestors.Demo;

/// <summary>Configuration section "Analytics:Demo": the demo organisation loaded into an empty store. Checked by <see cref="DemoOptionsValidator"/>.</summary>
public sealed class DemoOptions
{
    public const string Section = "Analytics:Demo";

    /// <summary>
    /// Whether the dashboard loads the demo organisation when it starts on an empty store: true loads it in any
    /// environment, false never; unset (the default), only in the Development environment (what <c>dotnet run</c>
    /// sets), never in production, where an empty store means a first start or a lost volume.
    /// </summary>
    public bool? LoadWhenEmpty { get; set; }

    /// <summary>tiny, s, l or xl (see <see cref="DemoScale.Names"/>).</summary>
    public string Scale { get; set; } = "S";

    public int Seed { get; set; } = 42;
}
