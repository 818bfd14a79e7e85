using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Analytics.Storage.ClickHouse.Embedded;

/// <summary>
/// Finds, and on first use fetches, libchdb.so. The library is 541 MiB, so it lives once in a cache
/// outside the repository and every build output, and the P/Invoke resolver loads it from there.
/// It comes from the pinned npm package through the ordinary npm client; the tarball's checksum is verified.
/// </summary>
public static class ChDbLibrary
{
    public const string PackageName = "@chdb/lib-linux-x64-gnu";
    public const string PackageVersion = "26.7.3-stable.1";
    private const string TarballSha256 = "c0d32b129e988f2b9a9a31c9141aecf5e1e2453f9a079efc4d36ab8e3f92b2ad";
    private const string LibraryFileName = "libchdb.so";

    private static readonly Lock Gate = new();
    private static string? _loadedPath;

    /// <summary>CHDB_LIBRARY_PATH if set, else ~/.cache/analytics/chdb/&lt;version&gt;/libchdb.so (XDG_CACHE_HOME honoured).</summary>
    public static string DefaultPath
    {
        get
        {
            var explicitPath = Environment.GetEnvironmentVariable("CHDB_LIBRARY_PATH");
            if (!string.IsNullOrWhiteSpace(explicitPath))
            {
                return explicitPath;
            }
            var cacheRoot = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
            if (string.IsNullOrWhiteSpace(cacheRoot))
            {
                cacheRoot = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            }
            return Path.Combine(cacheRoot, "analytics", "chdb", PackageVersion, LibraryFileName);
        }
    }

    /// <summary>Makes sure the library exists (fetching it if needed) and routes <c>chdb</c> P/Invokes to it.</summary>
    public static string EnsureLoaded(string? libraryPath = null, Action<string>? log = null)
    {
        lock (Gate)
        {
            if (_loadedPath is not null)
            {
                return _loadedPath;
            }
            var path = libraryPath ?? DefaultPath;
            if (!File.Exists(path))
            {
                try
                {
                    Fetch(path, log ?? (_ => { }));
                }
                catch (Exception error) when (error is InvalidOperationException or IOException or UnauthorizedAccessException)
                {
                    throw new StoreUnavailableException(
                        $"The embedded ClickHouse engine (chDB) is not at {path} and could not be fetched: {error.Message} Run `analytics setup` where npm reaches its registry, or set Analytics:Store:ChDbLibraryPath to a libchdb.so.", error);
                }
            }
            IntPtr handle;
            try
            {
                handle = NativeLibrary.Load(path);
            }
            catch (Exception error) when (error is DllNotFoundException or BadImageFormatException)
            {
                throw new StoreUnavailableException(
                    $"{path} is not a loadable chDB library ({error.GetType().Name}). Delete it and run `analytics setup`, or set Analytics:Store:ChDbLibraryPath to a libchdb.so.", error);
            }
            NativeLibrary.SetDllImportResolver(typeof(ChDbLibrary).Assembly, (name, _, _) =>
                name == ChDbNative.LibraryName ? handle : IntPtr.Zero);
            _loadedPath = path;
            return path;
        }
    }

    private static void Fetch(string libraryPath, Action<string> log)
    {
        var directory = Path.GetDirectoryName(libraryPath)!;
        Directory.CreateDirectory(directory);
        var staging = Path.Combine(directory, "download-" + Environment.ProcessId);
        Directory.CreateDirectory(staging);
        try
        {
            log($"Fetching {PackageName}@{PackageVersion} (≈170 MiB, once) into {directory} …");
            RunNpmPack(staging);
            var tarball = Directory.GetFiles(staging, "*.tgz").SingleOrDefault()
                ?? throw new InvalidOperationException($"npm pack produced no tarball in {staging}.");
            VerifyChecksum(tarball);
            ExtractLibrary(tarball, libraryPath);
            log($"chDB library ready at {libraryPath}.");
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }

    private static void RunNpmPack(string workingDirectory)
    {
        var start = new ProcessStartInfo("npm", ["pack", $"{PackageName}@{PackageVersion}", "--silent"])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)
            ?? throw new InvalidOperationException("Could not start npm; install Node.js and npm, or set CHDB_LIBRARY_PATH to an existing libchdb.so.");
        var stderr = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"npm pack {PackageName}@{PackageVersion} failed ({process.ExitCode}): {stderr.Result.Trim()}");
        }
    }

    private static void VerifyChecksum(string tarball)
    {
        using var stream = File.OpenRead(tarball);
        var actual = Convert.ToHexStringLower(SHA256.HashData(stream));
        if (actual != TarballSha256)
        {
            throw new InvalidOperationException($"{Path.GetFileName(tarball)} has SHA-256 {actual}, expected {TarballSha256}; refusing to load it.");
        }
    }

    private static void ExtractLibrary(string tarball, string libraryPath)
    {
        using var gzip = new GZipStream(File.OpenRead(tarball), CompressionMode.Decompress);
        using var reader = new TarReader(gzip);
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.Name.EndsWith("/" + LibraryFileName, StringComparison.Ordinal))
            {
                var temporary = libraryPath + ".partial";
                entry.ExtractToFile(temporary, overwrite: true);
                File.Move(temporary, libraryPath, overwrite: true);
                return;
            }
        }
        throw new InvalidOperationException($"{Path.GetFileName(tarball)} holds no {LibraryFileName}.");
    }

    /// <summary>The engine version reported by the loaded library.</summary>
    public static string EngineVersion
    {
        get
        {
            EnsureLoaded();
            return Marshal.PtrToStringUTF8(ChDbNative.Version()) ?? "unknown";
        }
    }
}
