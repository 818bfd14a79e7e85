namespace Analytics.Ingestors.Linking;

/// <summary>
/// The linking choices in configuration section "Analytics:Metrics" (beside the metric options, because they
/// change lead time): how far back a service's first production deployment may reach.
/// </summary>
public sealed class DeploymentLinkerOptions
{
    public const string Section = "Analytics:Metrics";

    /// <summary>
    /// A service's first production deployment ships only commits made this long before it finished. Without a
    /// bound, adopting the product on a years-old repository would count years of history as one deployment's
    /// changes and inflate lead time.
    /// </summary>
    public TimeSpan FirstDeploymentLookback { get; set; } = TimeSpan.FromDays(30);
}
