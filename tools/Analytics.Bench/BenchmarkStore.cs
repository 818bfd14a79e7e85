using System.Globalization;
using System.Text.Json;
using Analytics.Ingestors.Demo;

namespace Analytics.Bench;

/// <summary>
/// A folder holding the generated organisation loaded once (<c>--store &lt;dir&gt;</c>), so that `dora` and `pages` at
/// a large scale share one load instead of each loading for 25 minutes: the engine's files and the catalog in the
/// layout the app uses (<see cref="BenchmarkHost"/>), and <see cref="MarkerFile"/> saying which organisation it holds.
/// The marker is written only once a load and its refresh have finished, so a folder with files but no marker is an
/// interrupted load and is refused rather than measured.
/// </summary>
public static class BenchmarkStore
{
    /// <summary>The database the generated organisation is loaded into, by the loader and by the app `pages` starts.</summary>
    public const string Database = "bench";

    public const string MarkerFile = "organisation.json";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <summary>
    /// What <paramref name="dataPath"/> holds: null when it is missing or empty (load into it), the organisation when its
    /// marker names <paramref name="scale"/> and <paramref name="seed"/> (reuse it).
    /// </summary>
    /// <exception cref="InvalidOperationException">It holds another scale or seed, or files without a marker.</exception>
    public static LoadedOrganisation? Find(string dataPath, DemoScale scale, int seed)
    {
        var marker = Path.Combine(dataPath, MarkerFile);
        if (File.Exists(marker))
        {
            var loaded = JsonSerializer.Deserialize<LoadedOrganisation>(File.ReadAllText(marker))
                ?? throw new InvalidOperationException($"{marker}: empty; delete the folder {dataPath} to load again.");
            if (!DemoScale.TryParse(loaded.Scale, out var loadedScale) || loadedScale != scale || loaded.Seed != seed)
            {
                throw new InvalidOperationException(
                    $"The store {dataPath} holds the organisation of scale {loaded.Scale}, seed {loaded.Seed} ({marker}), not scale {Name(scale)}, seed {seed}: " +
                    "pass that scale and seed, another --store, or delete the folder to load again.");
            }
            return loaded;
        }
        if (Directory.Exists(dataPath) && Directory.EnumerateFileSystemEntries(dataPath).Any())
        {
            throw new InvalidOperationException(
                $"The store {dataPath} is not empty but has no {MarkerFile}: a load that did not finish, or another folder. Delete it (or pass an empty or missing folder) to load again.");
        }
        return null;
    }

    /// <summary>Records that <paramref name="dataPath"/> now holds <paramref name="loaded"/> in full.</summary>
    public static void Mark(string dataPath, LoadedOrganisation loaded) =>
        File.WriteAllText(Path.Combine(dataPath, MarkerFile), JsonSerializer.Serialize(loaded, Json));

    /// <summary>
    /// Copies a store (engine folder, catalog and marker) into <paramref name="target"/>, for a benchmark that writes
    /// into what it measures. `cp -a`: the engine's folder holds symbolic links (its Atomic database's metadata and
    /// data point into store/), which a copy must keep as links; every file is copied, none hard-linked, because the
    /// engine and SQLite change some in place.
    /// </summary>
    public static void Copy(string source, string target)
    {
        Directory.CreateDirectory(target);
        using var copy = System.Diagnostics.Process.Start("cp", ["-a", Path.Combine(source, "."), target])
            ?? throw new InvalidOperationException("cp did not start.");
        copy.WaitForExit();
        if (copy.ExitCode != 0)
        {
            throw new InvalidOperationException($"Copying the store {source} to {target} failed (cp exited with {copy.ExitCode}).");
        }
    }

    /// <summary>The preset's name as `--scale` takes it.</summary>
    public static string Name(DemoScale scale) =>
        new[] { "tiny", "s", "l", "xl" }.First(name => DemoScale.Parse(name) == scale);

    /// <summary>
    /// Runs <paramref name="run"/> on <paramref name="store"/> when given (kept afterwards), else on a temporary folder
    /// of this process, removed afterwards.
    /// </summary>
    public static async Task<T> WithDataPathAsync<T>(string? store, Func<string, Task<T>> run)
    {
        if (store is not null)
        {
            return await run(Path.GetFullPath(store));
        }
        var dataPath = Path.Combine(Path.GetTempPath(), $"analytics-bench-{Environment.ProcessId}");
        try
        {
            return await run(dataPath);
        }
        finally
        {
            await DeleteAsync(dataPath);
        }
    }

    /// <summary>
    /// Removes the engine folder. The embedded engine lives as long as the process and may still be merging parts
    /// in it, so a failed attempt is retried, and a folder that will not go is reported rather than hiding the figures.
    /// </summary>
    private static async Task DeleteAsync(string dataPath)
    {
        for (var attempt = 1; Directory.Exists(dataPath); attempt++)
        {
            try
            {
                Directory.Delete(dataPath, recursive: true);
            }
            catch (IOException) when (attempt < 5)
            {
                // A part being written or removed meanwhile: try again shortly.
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
            catch (IOException error)
            {
                Spectre.Console.AnsiConsole.MarkupLineInterpolated($"[yellow]The benchmark's engine folder {dataPath} could not be removed ({error.Message}); delete it by hand.[/]");
                return;
            }
        }
    }
}

/// <summary>The organisation a benchmark store holds, and what loading it took (null where the loader did not say).</summary>
/// <param name="End">The end of its generated history; a reuse on a later day asks for the same period.</param>
public sealed record LoadedOrganisation(string Scale, int Seed, DateTimeOffset End, long? Rows, double? LoadSeconds, double? RefreshSeconds, DateTimeOffset LoadedAt)
{
    public string Describe() =>
        string.Create(CultureInfo.InvariantCulture, $"scale {Scale}, seed {Seed}, history to {End:yyyy-MM-dd}, loaded {LoadedAt:yyyy-MM-dd HH:mm} UTC");
}
