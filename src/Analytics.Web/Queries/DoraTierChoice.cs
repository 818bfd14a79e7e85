using Analytics.Core.Dora;
using Microsoft.Extensions.Options;

namespace Analytics.Web.Queries;

/// <summary>Which benchmark year's tiers a page, API call or command shows: the one it asks for (?tiers=, --tiers), else the configured one.</summary>
public sealed class DoraTierChoice(IOptions<MetricOptions> options)
{
    public DoraTierTable For(string? written) => DoraTierTables.Choose(written, options.Value.TierYear);

    public DoraTierTable Configured => DoraTierTables.Get(options.Value.TierYear);
}
