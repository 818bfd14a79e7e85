using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Analytics.Storage.ClickHouse;

/// <summary>Refuses a store the app could not open; each message names the setting's full path (never the connection string's value).</summary>
public sealed partial class StoreOptionsValidator : IValidateOptions<StoreOptions>
{
    public ValidateOptionsResult Validate(string? name, StoreOptions options)
    {
        var errors = new List<string>();
        if (!Enum.IsDefined(options.Transport))
        {
            errors.Add($"{StoreOptions.Section}:Transport must be Embedded or Server.");
        }
        if (string.IsNullOrEmpty(options.Database) || !PlainIdentifier().IsMatch(options.Database))
        {
            errors.Add($"{StoreOptions.Section}:Database must be a plain identifier (letters, digits and _, not starting with a digit).");
        }
        if (options.Transport == StoreTransport.Server && string.IsNullOrWhiteSpace(options.ServerConnectionString))
        {
            errors.Add($"{StoreOptions.Section}:Transport is Server but {StoreOptions.Section}:ServerConnectionString is empty (e.g. Host=clickhouse;Port=8123;Username=default).");
        }
        if (options.Transport == StoreTransport.Embedded && string.IsNullOrWhiteSpace(options.DataPath))
        {
            errors.Add($"{StoreOptions.Section}:DataPath must name a folder for the embedded engine.");
        }
        if (options.Cluster is { Length: > 0 } cluster)
        {
            if (!ClusterName().IsMatch(cluster))
            {
                errors.Add($"{StoreOptions.Section}:Cluster must be a cluster name from the servers' remote_servers (letters, digits, _ and -; was '{cluster}').");
            }
            if (options.Transport != StoreTransport.Server)
            {
                errors.Add($"{StoreOptions.Section}:Cluster needs {StoreOptions.Section}:Transport=Server: the embedded engine is one node.");
            }
        }
        if (options.ChDbLibraryPath is { Length: > 0 } library && !File.Exists(library))
        {
            errors.Add($"{StoreOptions.Section}:ChDbLibraryPath names no file (was '{library}'); leave it empty to use the per-user cache.");
        }
        if (options.EngineMemoryLimitMiB < 0 || options.EngineQueryMemoryLimitMiB < 0)
        {
            errors.Add($"{StoreOptions.Section}:EngineMemoryLimitMiB and EngineQueryMemoryLimitMiB take a number of MiB, or 0 for ClickHouse's default (were {options.EngineMemoryLimitMiB} and {options.EngineQueryMemoryLimitMiB}).");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex PlainIdentifier();

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_-]*$")]
    private static partial Regex ClusterName();
}
