using Microsoft.Extensions.DependencyInjection;

namespace Analytics.Storage.Metrics;

public static class MetricsServiceCollectionExtensions
{
    /// <summary>The metric query layer: DORA figures, the rows behind them, and PR cycle time.</summary>
    public static IServiceCollection AddDoraMetrics(this IServiceCollection services) =>
        services.AddSingleton<DoraQueries>().AddSingleton<DoraDrillDown>().AddSingleton<PullRequestQueries>();
}
