using Analytics.Core.Dora;

namespace Analytics.Storage.Metrics;

public static class DoraResultTiers
{
    /// <summary>Every summary of the result tiered by one benchmark year's table; the figures are unchanged.</summary>
    public static DoraResult WithTiers(this DoraResult result, DoraTierTable table) =>
        result with { Organisation = table.Apply(result.Organisation), Teams = result.Teams.Select(table.Apply).ToList() };
}
