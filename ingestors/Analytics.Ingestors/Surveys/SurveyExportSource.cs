using System.Security.Cryptography;
using Analytics.Ingestors.Csv;
using Analytics.Ingestors.Runs;
using Analytics.Ingestors.Sources;
using Microsoft.Extensions.Configuration;

namespace Analytics.Ingestors.Surveys;

/// <summary>
/// A survey tool's exports read through one mapping file: a one-off file (<c>analytics ingest survey</c>, always read),
/// or, on a schedule (<c>Analytics:Sources:&lt;name&gt;:Kind = survey-export</c>), every <c>*.csv</c> and <c>*.json</c> of
/// a folder. Incremental like the csv source: each file's cursor is the hash of its content and the mapping's, so an
/// unchanged export under an unchanged mapping is not read again; an export that was refused is read again next run.
/// </summary>
public sealed class SurveyExportSource(string name, string path, string mappingPath, SurveyExportImporter importer) : IIngestSource
{
    public const string SourceKind = "survey-export";

    public string Name { get; } = name;

    public string Kind => SourceKind;

    /// <summary>The last run's report, for the caller to show; null before the first run.</summary>
    public CsvImportReport? Report { get; private set; }

    public async Task<IngestResult> RunAsync(IngestContext context, CancellationToken cancellationToken)
    {
        if (File.Exists(path))
        {
            Report = await importer.ImportAsync(path, mappingPath, Name, cancellationToken);
            return new IngestResult(Report.RowsPerTable, Report.Errors.Select(e => e.ToString()).ToList());
        }
        if (!Directory.Exists(path))
        {
            throw new DirectoryNotFoundException($"The survey export folder '{path}' of source '{Name}' does not exist.");
        }
        var (mapping, mappingErrors) = SurveyExportMapping.Load(mappingPath);
        if (mapping is null)
        {
            Report = new CsvImportReport([new CsvFileReport(mappingPath, SurveyExportImporter.Format, SurveyAnswer.Table, 0, 0, mappingErrors, null)]);
            return new IngestResult(Report.RowsPerTable, Report.Errors.Select(e => e.ToString()).ToList());
        }
        var mappingHash = SHA256.HashData(await File.ReadAllBytesAsync(mappingPath, cancellationToken));
        var cursors = new SourceCursors(context);
        var reports = new List<CsvFileReport>();
        var exports = Directory.EnumerateFiles(path)
            .Where(f => f.EndsWith(".csv", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal);
        foreach (var export in exports)
        {
            var hash = Convert.ToHexStringLower(SHA256.HashData([.. mappingHash, .. await File.ReadAllBytesAsync(export, cancellationToken)]));
            var cursor = $"file:{Path.GetFileName(export)}";
            if (await cursors.ReadTextAsync(cursor, cancellationToken) == hash)
            {
                continue;
            }
            var report = await importer.ImportAsync(export, mapping, Name, cancellationToken);
            reports.AddRange(report.Files);
            if (!report.HasErrors)
            {
                cursors.AdvanceText(cursor, hash);
            }
        }
        Report = new CsvImportReport(reports);
        return new IngestResult(Report.RowsPerTable, Report.Errors.Select(e => e.ToString()).ToList());
    }
}

/// <summary>The settings of one <c>survey-export</c> source, read from <c>Analytics:Sources:&lt;name&gt;</c>.</summary>
public sealed class SurveyExportSourceSettings
{
    public static readonly SourceKindSettings KindSettings = new(SurveyExportSource.SourceKind, typeof(SurveyExportSourceSettings), Validate);

    /// <summary>The folder whose <c>*.csv</c> and <c>*.json</c> exports are imported (or one export file).</summary>
    public required string Path { get; init; }

    /// <summary>The mapping file the exports are read through (docs/ingestion.md, "Survey tool exports").</summary>
    public required string Mapping { get; init; }

    /// <summary>Every problem with <paramref name="settings"/>, each naming its setting.</summary>
    public static IEnumerable<string> Validate(IConfigurationSection settings)
    {
        if (string.IsNullOrWhiteSpace(settings["Path"]))
        {
            yield return $"{settings.Path}:Path must name the folder of survey exports to import.";
        }
        if (string.IsNullOrWhiteSpace(settings["Mapping"]))
        {
            yield return $"{settings.Path}:Mapping must name the mapping file the exports are read through.";
        }
    }

    public static SurveyExportSourceSettings Parse(IConfigurationSection settings) => new() { Path = settings["Path"]!, Mapping = settings["Mapping"]! };
}

/// <summary>Builds <see cref="SurveyExportSource"/>s from their <see cref="SurveyExportSourceSettings"/>.</summary>
public sealed class SurveyExportSourceFactory(SurveyExportImporter importer) : IIngestSourceFactory
{
    public string Kind => SurveyExportSource.SourceKind;

    public IEnumerable<string> Validate(string name, IConfigurationSection settings) => SurveyExportSourceSettings.Validate(settings);

    public IIngestSource Create(string name, IConfigurationSection settings)
    {
        var parsed = SurveyExportSourceSettings.Parse(settings);
        return new SurveyExportSource(name, parsed.Path, parsed.Mapping, importer);
    }
}
