namespace Analytics.Ingestors.Demo;

/// <summary>Configuration section "Analytics:Demo": the demo organisation loaded into an empty store. Checked by <see cref="DemoOptionsValidator"/>.</summary>
public sealed class DemoOptions
{
    public const string Section = "Analytics:Demo";

    public bool LoadWhenEmpty { get; set; } = true;

    /// <summary>tiny, s or l (see DemoScale).</summary>
    public string Scale { get; set; } = "S";

    public int Seed { get; set; } = 42;
}
