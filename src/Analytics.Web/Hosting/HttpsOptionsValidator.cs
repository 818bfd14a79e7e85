using System.Net;
using Microsoft.Extensions.Options;

namespace Analytics.Web.Hosting;

/// <summary>Every proxy address and network must parse; the message names the entry.</summary>
public sealed class HttpsOptionsValidator : IValidateOptions<HttpsOptions>
{
    public ValidateOptionsResult Validate(string? name, HttpsOptions options)
    {
        var errors = new List<string>();
        if (options.HstsMaxAge < TimeSpan.Zero)
        {
            errors.Add($"{HttpsOptions.Section}:HstsMaxAge must be 00:00:00 (no header) or more, e.g. 365.00:00:00.");
        }
        errors.AddRange(options.KnownProxies.Select((proxy, i) => (proxy, i)).Where(entry => !IPAddress.TryParse(entry.proxy, out _))
            .Select(entry => $"{HttpsOptions.Section}:KnownProxies:{entry.i} is not an IP address (was '{entry.proxy}'), e.g. 10.0.0.5."));
        errors.AddRange(options.KnownNetworks.Select((network, i) => (network, i)).Where(entry => !System.Net.IPNetwork.TryParse(entry.network, out _))
            .Select(entry => $"{HttpsOptions.Section}:KnownNetworks:{entry.i} is not a network in CIDR notation (was '{entry.network}'), e.g. 10.0.0.0/8."));
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
