using System.Globalization;
using System.Text;
using System.Text.Json;
using Analytics.Testing;

namespace Analytics.Web.Tests.Cli;

/// <summary>
/// <c>analytics backup</c> and <c>analytics restore</c> as a person runs them: the real executable, a real git
/// repository ingested into a store of its own (embedded ClickHouse and SQLite under a temp XDG_DATA_HOME).
/// </summary>
public sealed class BackupRestoreTests : IDisposable
{

    private readonly LongHistory _repository = LongHistory.Create();

    private readonly string _root = Directory.CreateTempSubdirectory("analytics-backup-").FullName;

    private string DataRoot => Path.Combine(_root, "data");

    public void Dispose()
    {
        _repository.Dispose();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }

    [Fact]
    public async Task A_restore_brings_back_the_backups_figures_and_refuses_a_catalog_whose_cursors_are_ahead_of_its_events()
    {
        await SucceedsAsync("ingest", "git", _repository.Path, "--service", LongHistory.Service, "--repository", LongHistory.RepositoryName, "--tag-pattern", "v*");
        var atBackup = await DoraAsync();
        var first = Path.Combine(_root, "first");
        await SucceedsAsync("backup", first);
        using (var manifest = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(first, "manifest.json"))))
        {
            var rows = manifest.RootElement.GetProperty("rowsPerTable");
            Assert.True(rows.GetProperty("deployments").GetUInt64() >= (ulong)_repository.Tags, manifest.RootElement.ToString());
            Assert.True(manifest.RootElement.GetProperty("schemaVersion").GetInt32() > 0);
            Assert.StartsWith("2", manifest.RootElement.GetProperty("catalogMigration").GetString());
            Assert.False(rows.TryGetProperty("lock__derived_refresh", out _), "A held lock is no state to restore.");
        }

        // Change the data: a new release, ingested; its cursors move past it.
        AppendRelease(_repository, new DateTimeOffset(2026, 11, 10, 9, 0, 0, TimeSpan.Zero), "v9.0.0");
        await SucceedsAsync("ingest", "git", _repository.Path, "--service", LongHistory.Service, "--repository", LongHistory.RepositoryName, "--tag-pattern", "v*");
        var afterChange = await DoraAsync();
        Assert.NotEqual(atBackup, afterChange);
        var second = Path.Combine(_root, "second");
        await SucceedsAsync("backup", second);

        // The first backup's events with the second's catalog: its cursors are past the new release's rows.
        var mixed = Path.Combine(_root, "mixed");
        CopyFolder(first, mixed);
        File.Copy(Path.Combine(second, "catalog.db"), Path.Combine(mixed, "catalog.db"), overwrite: true);
        var refused = await RunAsync("restore", mixed);
        Assert.True(refused.ExitCode == 5, refused.Output);
        Assert.Contains("Refusing to restore: the catalog's cursors for source", refused.Output);
        Assert.Contains("are ahead of the store's events", refused.Output);
        Assert.DoesNotContain("   at ", refused.Output);
        Assert.Equal(afterChange, await DoraAsync());

        await SucceedsAsync("restore", first);
        Assert.Equal(atBackup, await DoraAsync());

        // Nothing was skipped: the restored cursors are behind the new release, so the next ingest reads it again.
        await SucceedsAsync("ingest", "git", _repository.Path, "--service", LongHistory.Service, "--repository", LongHistory.RepositoryName, "--tag-pattern", "v*");
        Assert.Equal(afterChange, await DoraAsync());
    }

    [Fact]
    public async Task Backup_and_restore_refuse_in_one_line_what_they_cannot_use()
    {
        var missing = await RunAsync("restore", Path.Combine(_root, "nowhere"));
        Assert.True(missing.ExitCode == 5, missing.Output);
        Assert.Contains("holds no finished backup", missing.Output);
        Assert.DoesNotContain("   at ", missing.Output);

        var occupied = Path.Combine(_root, "occupied");
        Directory.CreateDirectory(occupied);
        await File.WriteAllTextAsync(Path.Combine(occupied, "notes.txt"), "keep");
        var notEmpty = await RunAsync("backup", occupied);
        Assert.True(notEmpty.ExitCode == 5, notEmpty.Output);
        Assert.Contains("is not empty", notEmpty.Output);
    }

    /// <summary>One more commit on main, dated <paramref name="when"/>, tagged <paramref name="tag"/> (a release).</summary>
    private static void AppendRelease(LongHistory repository, DateTimeOffset when, string tag)
    {
        var seconds = when.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        const string message = "Release after the backup";
        var stream = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"commit refs/heads/main\nauthor Ana Lima <ana@acme.test> {seconds} +0000\ncommitter Ana Lima <ana@acme.test> {seconds} +0000\n")
            .Append(CultureInfo.InvariantCulture, $"data {message.Length}\n{message}\nfrom refs/heads/main^0\n")
            .Append(CultureInfo.InvariantCulture, $"M 644 inline changes/after-backup.txt\ndata {message.Length}\n{message}\n\n")
            .Append(CultureInfo.InvariantCulture, $"reset refs/tags/{tag}\nfrom refs/heads/main\n\n")
            .ToString();
        GitProcess.Run(repository.Path, stream, "fast-import", "--quiet");
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private async Task<string> DoraAsync()
    {
        var dora = await SucceedsAsync("dora", "--from", "2011-01-01", "--to", "2026-12-01", "--format", "json");
        Assert.Contains("\"deployments\"", dora, StringComparison.OrdinalIgnoreCase);
        return dora;
    }

    private async Task<string> SucceedsAsync(params string[] arguments)
    {
        var result = await RunAsync(arguments);
        Assert.True(result.ExitCode == 0, $"analytics {string.Join(' ', arguments)} failed ({result.ExitCode}): {result.Output}");
        return result.StandardOutput;
    }

    private sealed record ProcessResult(int ExitCode, string StandardOutput, string Output);

    private async Task<ProcessResult> RunAsync(params string[] arguments)
    {
        var result = await AnalyticsProcess.RunAsync(DataRoot, arguments);
        // Spectre wraps lines at the width it assumes for redirected output: compare with whitespace runs as one space.
        return new ProcessResult(result.ExitCode, result.StandardOutput,
            System.Text.RegularExpressions.Regex.Replace(result.StandardOutput + result.StandardError, @"\s+", " "));
    }
}
