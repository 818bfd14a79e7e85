using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace Analytics.Web.Tests.Cli;

/// <summary>
/// <c>analytics keys …</c> and <c>analytics audit verify</c> as a person runs them: the built executable in a process
/// of its own, over a catalog in a fresh temp folder (ConnectionStrings__Catalog).
/// </summary>
public sealed partial class KeyAndAuditCommandsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("analytics-keys-cli-").FullName;

    private string CatalogPath => Path.Combine(_folder, "catalog.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private async Task<(int ExitCode, string Output)> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "analytics")) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["ConnectionStrings__Catalog"] = $"Data Source={CatalogPath}";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        // Spectre wraps lines at the width it assumes for redirected output: compare with whitespace runs as one space.
        return (process.ExitCode, Whitespace().Replace(await output + await error, " "));
    }

    [Fact]
    public async Task A_key_is_printed_once_listed_by_prefix_only_revoked_and_every_step_is_in_a_verified_trail()
    {
        var (created, createOutput) = await RunAsync("keys", "create", "--source", "jenkins", "--services", "shop,api", "--kinds", "deployments", "--expires", "30d");
        Assert.True(created == 0, createOutput);
        var secret = Assert.Single(KeyLine().Matches(createOutput)).Value;
        var prefix = secret[..secret.IndexOf('.')];
        Assert.Contains($"Key {prefix} (push as jenkins (services: api, shop; kinds: deployments)), expires", createOutput);

        var (_, listed) = await RunAsync("keys", "list");
        Assert.Contains(prefix, listed);
        Assert.Contains("active", listed);
        Assert.DoesNotContain(secret, listed);

        var (revoked, revokeOutput) = await RunAsync("keys", "revoke", prefix);
        Assert.True(revoked == 0, revokeOutput);
        Assert.Contains("revoked", (await RunAsync("keys", "list")).Output);
        var (unknown, unknownOutput) = await RunAsync("keys", "revoke", "ak_nope");
        Assert.Equal(2, unknown);
        Assert.Contains("There is no key 'ak_nope'", unknownOutput);

        var (verified, verifyOutput) = await RunAsync("audit", "verify");
        Assert.True(verified == 0, verifyOutput);
        Assert.Contains("The audit trail is intact: 2 entries.", verifyOutput);
    }

    [Fact]
    public async Task A_read_key_needs_a_known_role_and_a_bad_expiry_is_refused_naming_the_option()
    {
        var (badRole, badRoleOutput) = await RunAsync("keys", "create", "--read", "--role", "owner");
        var (badExpiry, badExpiryOutput) = await RunAsync("keys", "create", "--source", "jenkins", "--expires", "3 months");
        var (read, readOutput) = await RunAsync("keys", "create", "--read", "--role", "viewer", "--expires", "never");

        Assert.Equal(2, badRole);
        Assert.Contains("A read key needs a role: viewer, team-lead, survey-analyst, admin; not 'owner'.", badRoleOutput);
        Assert.Equal(2, badExpiry);
        Assert.Contains("--expires must be a number of days such as 90d, or never; not '3 months'.", badExpiryOutput);
        Assert.True(read == 0, readOutput);
        Assert.Contains("(read as viewer), never expires", readOutput);
    }

    [Fact]
    public async Task Verify_names_the_entry_that_was_altered_in_sqlite()
    {
        await RunAsync("keys", "create", "--source", "a");
        await RunAsync("keys", "create", "--source", "b");
        await RunAsync("keys", "create", "--source", "c");
        await using (var connection = new SqliteConnection($"Data Source={CatalogPath}"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE AuditEntries SET Actor = 'someone-else' WHERE Id = 2";
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        var (exitCode, output) = await RunAsync("audit", "verify");

        Assert.Equal(4, exitCode);
        Assert.Contains("The audit trail is broken at entry 2: its content does not match its hash (it was altered).", output);
    }

    [GeneratedRegex("(?<!\\S)ak_[0-9a-f]{10}\\.[A-Za-z0-9_-]{43}(?!\\S)")]
    private static partial Regex KeyLine();

    [GeneratedRegex("\\s+")]
    private static partial Regex Whitespace();
}
