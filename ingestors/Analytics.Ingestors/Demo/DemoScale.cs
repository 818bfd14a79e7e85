using System.Diagnostics.CodeAnalysis;

namespace Analytics.Ingestors.Demo;

/// <summary>How big a demo organisation to generate, and how many months of history it has.</summary>
public sealed record DemoScale(int Teams, int Services, int Engineers, int Months)
{
    /// <summary>For fast tests: generates in well under a second.</summary>
    public static DemoScale Tiny { get; } = new(Teams: 3, Services: 6, Engineers: 12, Months: 3);

    /// <summary>The default demo: big enough for every dashboard to look alive.</summary>
    public static DemoScale S { get; } = new(Teams: 12, Services: 60, Engineers: 150, Months: 18);

    /// <summary>Benchmark size: millions of commits, streamed rather than held in memory.</summary>
    public static DemoScale L { get; } = new(Teams: 200, Services: 2_000, Engineers: 2_000, Months: 36);

    /// <summary>Ten times L in teams, services, engineers and events (about 100 M rows): what one machine still loads.</summary>
    public static DemoScale XL { get; } = new(Teams: 2_000, Services: 20_000, Engineers: 20_000, Months: 36);

    /// <summary>The preset names, for messages.</summary>
    public const string Names = "tiny, s, l or xl";

    /// <summary>The preset named "tiny", "s", "l" or "xl" (any case).</summary>
    /// <exception cref="ArgumentException">Any other name.</exception>
    public static DemoScale Parse(string name) =>
        TryParse(name, out var scale)
            ? scale
            : throw new ArgumentException($"Unknown demo scale '{name}'. Use one of: {Names}.", nameof(name));

    public static bool TryParse(string? name, [NotNullWhen(true)] out DemoScale? scale)
    {
        scale = name?.Trim().ToLowerInvariant() switch
        {
            "tiny" => Tiny,
            "s" => S,
            "l" => L,
            "xl" => XL,
            _ => null,
        };
        return scale is not null;
    }

    /// <summary>Rejects scales the generator cannot make believable (e.g. a team without two engineers).</summary>
    internal void Validate()
    {
        if (Teams < 2 || Services < Teams || Engineers < 2 * Teams || Months < 1)
        {
            throw new ArgumentException(
                $"Demo scale {this} is too small: it needs at least 2 teams, a service per team, " +
                "2 engineers per team and 1 month of history.");
        }
    }
}
