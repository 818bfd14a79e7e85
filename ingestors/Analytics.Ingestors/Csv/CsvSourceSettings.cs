using Analytics.Ingestors.Runs;
using Microsoft.Extensions.Configuration;

namespace Analytics.Ingestors.Csv;

/// <summary>The settings of one <c>csv</c> source, read from <c>Analytics:Sources:&lt;name&gt;</c>.</summary>
public sealed class CsvSourceSettings
{
    public static readonly SourceKindSettings KindSettings = new(CsvFolderSource.SourceKind, typeof(CsvSourceSettings), Validate);

    /// <summary>The folder whose <c>*.csv</c> files are imported (named by format, as <c>ingest csv</c> takes them).</summary>
    public required string Path { get; init; }

    /// <summary>As <c>--skip-invalid</c>: import the valid rows and write the refused ones to <c>&lt;name&gt;.rejected.csv</c>.</summary>
    public bool SkipInvalid { get; init; }

    /// <summary>Every problem with <paramref name="settings"/>, each naming its setting.</summary>
    public static IEnumerable<string> Validate(IConfigurationSection settings)
    {
        if (string.IsNullOrWhiteSpace(settings["Path"]))
        {
            yield return $"{settings.Path}:Path must name the folder of CSV files to import.";
        }
        if (settings["SkipInvalid"] is { } skip && !bool.TryParse(skip, out _))
        {
            yield return $"{settings.Path}:SkipInvalid must be true or false.";
        }
    }

    /// <summary>The settings of a source that <see cref="Validate"/> found nothing wrong with.</summary>
    public static CsvSourceSettings Parse(IConfigurationSection settings) =>
        new() { Path = settings["Path"]!, SkipInvalid = bool.TryParse(settings["SkipInvalid"], out var skip) && skip };
}
