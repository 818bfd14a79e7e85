using Analytics.Simulators.GitHub;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Analytics.Simulators.Shared;

/// <summary>
/// What every vendor simulator runs on (GitHub, GitLab, and PagerDuty and Jira through <see cref="FakeVendorServer"/>):
/// Kestrel on a free loopback port, every request answered by one handler.
/// </summary>
internal static class LoopbackServer
{
    /// <param name="handler">Given the built application, the simulator that answers its requests.</param>
    public static async Task<WebApplication> StartAsync(Func<WebApplication, RequestDelegate> handler)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Run(handler(app));
        await app.StartAsync();
        return app;
    }
}

/// <summary>The faults a simulator serves instead of its real answers: the first that matches a request, as many times as it says.</summary>
public sealed class FaultQueue
{
    private readonly List<FakeFault> _faults = [];

    public void Add(FakeFault fault)
    {
        lock (_faults)
        {
            _faults.Add(fault);
        }
    }

    /// <summary>The fault to serve for <paramref name="pathAndQuery"/> (one of its times used up), or null.</summary>
    public FakeFault? Take(string pathAndQuery)
    {
        lock (_faults)
        {
            var fault = _faults.FirstOrDefault(f => f.Times > 0 && f.Matches(pathAndQuery));
            if (fault is not null)
            {
                fault.Times--;
            }
            return fault;
        }
    }
}
