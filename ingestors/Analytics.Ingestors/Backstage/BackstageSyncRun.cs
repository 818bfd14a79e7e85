using Analytics.Ingestors.Csv;
using Analytics.Ingestors.Sources;

namespace Analytics.Ingestors.Backstage;

/// <summary>What the readers of one Backstage run share: the settings, the API, the skeleton's cursors and rows, the CSV formats' services, and the records refused.</summary>
internal sealed class BackstageSyncRun(BackstageSourceSettings settings, BackstageApi api, SourceRun run, CsvImporter importer)
{
    private readonly List<string> _problems = [];

    public BackstageSourceSettings Settings => settings;

    public BackstageApi Api => api;

    public SourceRun Run => run;

    public CsvImporter Importer => importer;

    /// <summary>As of the run's start: the time a change seen by this sync is dated.</summary>
    public CsvImportServices Services { get; } = importer.Services(settings.Name);

    /// <summary>One batch for the run, so a key given by two entities is reported as a duplicate.</summary>
    public CsvImportBatch Batch { get; } = new();

    public IReadOnlyList<string> Problems => _problems;

    /// <summary>Writes <paramref name="records"/> through <paramref name="format"/>; counts the rows and keeps the refused records' reasons.</summary>
    public async Task<long> ImportAsync(CsvFormat format, IReadOnlyList<SourceRecord> records, CancellationToken cancellationToken)
    {
        var (written, problems) = await SourceRecords.ImportAsync(format, records, Batch, Services, cancellationToken);
        if (written > 0)
        {
            run.Rows.Count(format.Target, written);
        }
        _problems.AddRange(problems);
        return written;
    }

    public void Problem(string problem) => _problems.Add(problem);
}
