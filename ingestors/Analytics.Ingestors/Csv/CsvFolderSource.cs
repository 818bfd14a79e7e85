using System.Security.Cryptography;
using Analytics.Ingestors.Runs;
using Analytics.Ingestors.Sources;
using Microsoft.Extensions.Configuration;

namespace Analytics.Ingestors.Csv;

/// <summary>
/// A folder of CSV files imported on a schedule (<c>Analytics:Sources:&lt;name&gt;:Kind = csv</c>). Incremental:
/// each file's content hash is its cursor, so an unchanged file is not read again; a new or changed file is
/// imported (changed rows replace the old ones by natural id). A failed run saves no cursor, so the next run
/// retries every file it did not finish.
/// </summary>
public sealed class CsvFolderSource(string name, string folder, bool skipInvalid, CsvImporter importer) : IIngestSource
{
    public const string SourceKind = "csv";

    public string Name { get; } = name;

    public string Kind => SourceKind;

    public string Folder { get; } = folder;

    public async Task<IngestResult> RunAsync(IngestContext context, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(Folder))
        {
            throw new DirectoryNotFoundException($"The CSV folder '{Folder}' of source '{Name}' does not exist.");
        }
        var (files, unrecognised) = CsvImporter.Plan(Folder, kind: null);
        var cursors = new SourceCursors(context);

        var changed = new List<(CsvPlannedFile File, string Hash)>();
        foreach (var file in files)
        {
            var hash = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(file.Path, cancellationToken)));
            if (await cursors.ReadTextAsync(CursorOf(file), cancellationToken) != hash)
            {
                changed.Add((file, hash));
            }
        }

        var report = await importer.ImportAsync(changed.Select(c => c.File).ToList(), Name, skipInvalid, progress: null, cancellationToken);
        foreach (var (file, hash) in changed)
        {
            // With --skip-invalid semantics a file with refused rows is done (they are in its .rejected.csv);
            // otherwise it imported nothing and must be read again once fixed.
            if (skipInvalid || !report.Files.Single(f => f.Path == file.Path).HasErrors)
            {
                cursors.AdvanceText(CursorOf(file), hash);
            }
        }
        var problems = unrecognised.Concat(report.Files).Where(f => f.HasErrors && !(skipInvalid && f.RejectedPath is not null))
            .SelectMany(f => f.Errors).Select(e => e.ToString()).ToList();
        return new IngestResult(report.RowsPerTable, problems);
    }

    private static string CursorOf(CsvPlannedFile file) => $"file:{Path.GetFileName(file.Path)}";
}

/// <summary>Builds <see cref="CsvFolderSource"/>s from their <see cref="CsvSourceSettings"/>.</summary>
public sealed class CsvFolderSourceFactory(CsvImporter importer) : IIngestSourceFactory
{
    public string Kind => CsvFolderSource.SourceKind;

    public IEnumerable<string> Validate(string name, IConfigurationSection settings) => CsvSourceSettings.Validate(settings);

    public IIngestSource Create(string name, IConfigurationSection settings)
    {
        var parsed = CsvSourceSettings.Parse(settings);
        return new CsvFolderSource(name, parsed.Path, parsed.SkipInvalid, importer);
    }
}
