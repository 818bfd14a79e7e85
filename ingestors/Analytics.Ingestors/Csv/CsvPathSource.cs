using Analytics.Ingestors.Runs;

namespace Analytics.Ingestors.Csv;

/// <summary>
/// A one-off import of a file or folder (<c>analytics ingest csv</c>), run as an ingest run of the source
/// <see cref="Name"/> so it is recorded like a scheduled one. Unlike <see cref="CsvFolderSource"/> it keeps no
/// cursors: the files are always read (importing them again is harmless).
/// </summary>
public sealed class CsvPathSource(
    string name, string path, CsvKind? kind, bool skipInvalid, CsvImporter importer, IProgress<CsvImportProgress>? progress = null) : IIngestSource
{
    public string Name { get; } = name;

    public string Kind => CsvFolderSource.SourceKind;

    /// <summary>The last run's report, for the caller to show; null before the first run or if it failed early.</summary>
    public CsvImportReport? Report { get; private set; }

    public async Task<IngestResult> RunAsync(IngestContext context, CancellationToken cancellationToken)
    {
        Report = await importer.ImportAsync(path, kind, Name, skipInvalid, progress, cancellationToken);
        var problems = Report.Files.Where(f => f.HasErrors && f.RejectedPath is null).SelectMany(f => f.Errors).Select(e => e.ToString()).ToList();
        return new IngestResult(Report.RowsPerTable, problems);
    }
}
