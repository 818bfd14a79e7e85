namespace Analytics.Web.Api;

/// <summary>Configuration section "Analytics:Api": what one API request may ask for. Checked by <see cref="ApiOptionsValidator"/>.</summary>
public sealed class ApiOptions
{
    public const string Section = "Analytics:Api";

    /// <summary>The longest period (<c>from</c>–<c>to</c>, or <c>days</c>) a request may ask for; longer is a 400.</summary>
    public TimeSpan MaxPeriod { get; set; } = TimeSpan.FromDays(1096);

    /// <summary>How long one ClickHouse query of an API request may run (max_execution_time); longer is a 503.</summary>
    public TimeSpan QueryTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The largest body a push request may send, in bytes; larger is a 413.</summary>
    public long MaxPushBodySize { get; set; } = 5 * 1024 * 1024;

    /// <summary>The largest body any other API request may send, in bytes (they read none); larger is a 413.</summary>
    public long MaxRequestBodySize { get; set; } = 16 * 1024;
}
