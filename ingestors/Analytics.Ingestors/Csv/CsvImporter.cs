using Analytics.Core.Calendar;
using Analytics.Core.Dora;
using Analytics.Core.Space;
using Analytics.Ingestors.Linking;
using Analytics.Storage.Catalog;
using Analytics.Storage.Metrics;
using Analytics.Storage.ClickHouse;
using CsvHelper;
using Microsoft.Extensions.Options;

namespace Analytics.Ingestors.Csv;

/// <summary>What <c>--kind</c> restricts an import to.</summary>
public enum CsvKind
{
    Deployments,
    Incidents,
    Surveys,
    ServiceRequests,
    Catalog,
    Commits,
    PullRequests,
    Reviews,
}

/// <summary>Where and why a CSV input was refused.</summary>
/// <param name="Line">The line the row starts on (1 is the header); null for a problem with the whole file.</param>
/// <param name="Column">The field at fault; null when the whole row or file is.</param>
/// <param name="ColumnLabel">What <paramref name="Column"/> is called in the message: "column" in a CSV file, "field" in a mapping file.</param>
public sealed record CsvError(string File, int? Line, string? Column, string Reason, string ColumnLabel = "column")
{
    public override string ToString() =>
        $"{File}{(Line is { } line ? $", line {line}" : "")}{(Column is null ? "" : $", {ColumnLabel} {Column}")}: {Reason}";
}

/// <summary>What happened to one file.</summary>
/// <param name="Format">The format the file was read as, e.g. "deployments"; null when it could not be told.</param>
/// <param name="RowsImported">Rows written: every row, none (an invalid row without --skip-invalid) or the valid ones.</param>
/// <param name="RejectedPath">Where the refused rows were written with their reasons (--skip-invalid only).</param>
public sealed record CsvFileReport(
    string Path, string? Format, string? Target, int RowsRead, long RowsImported, IReadOnlyList<CsvError> Errors, string? RejectedPath)
{
    public bool HasErrors => Errors.Count > 0;
}

/// <param name="LinkedRows">Rows written to deployment_commits by linking after the import; null when nothing it wrote needed linking.</param>
public sealed record CsvImportReport(IReadOnlyList<CsvFileReport> Files, long? LinkedRows = null)
{
    public IReadOnlyList<CsvError> Errors => Files.SelectMany(f => f.Errors).ToList();

    public bool HasErrors => Files.Any(f => f.HasErrors);

    /// <summary>Rows written per ClickHouse table or catalog entity set (and deployment_commits, when linking ran).</summary>
    public IReadOnlyDictionary<string, long> RowsPerTable
    {
        get
        {
            var rows = Files.Where(f => f.Target is not null).GroupBy(f => f.Target!).ToDictionary(g => g.Key, g => g.Sum(f => f.RowsImported));
            if (LinkedRows is { } linked)
            {
                rows["deployment_commits"] = linked;
            }
            return rows;
        }
    }
}

/// <summary>A file an import will read, and as what.</summary>
public sealed record CsvPlannedFile(string Path, string Format, bool IsCatalog);

/// <summary>Progress of an import: a file started, or rows of it were checked or written.</summary>
public sealed record CsvImportProgress(string Path, string Stage, int FileIndex, int FileCount);

/// <summary>
/// Imports CSV files into ClickHouse (events) and the catalog (teams, people, services, …). Every row of a file
/// is checked first; by default a file with any invalid row imports nothing, and every problem is reported with
/// its file, line, column and reason. Events are keyed by their natural ids and the catalog is upserted by its
/// keys, so importing the same file again adds nothing and changes no metric.
/// </summary>
public sealed class CsvImporter(
    IClickHouseStore store, CatalogLookups lookups, CatalogUpserts catalog, CatalogMirrorSync mirror, RespondentHasher hasher, TimeProvider clock,
    IOptions<MetricOptions> metricOptions, SurveyWaves waves, DeploymentLinker linker)
{
    /// <summary>In dependency order: a folder's files are imported catalog first (teams before the memberships naming them), then events.</summary>
    private static readonly Func<CsvFormat>[] Formats =
    [
        () => new TeamsCsvFormat(), () => new PeopleCsvFormat(), () => new MembershipsCsvFormat(), () => new TemplatesCsvFormat(),
        () => new ServicesCsvFormat(), () => new OwnershipsCsvFormat(), () => new ServiceTemplatesCsvFormat(),
        () => new CommitsCsvFormat(), () => new PullRequestsCsvFormat(), () => new ReviewsCsvFormat(),
        () => new DeploymentsCsvFormat(), () => new IncidentsCsvFormat(), () => new SurveysCsvFormat(), () => new ServiceRequestsCsvFormat(),
    ];

    public const string RejectedSuffix = ".rejected.csv";

    /// <summary>The file format names, in import order.</summary>
    public static IReadOnlyList<string> FormatNames { get; } = Formats.Select(create => create().Name).ToList();

    /// <summary>
    /// The files to import from <paramref name="path"/> (a file, or a folder's *.csv files), in import order, and
    /// reports for the files whose format cannot be told. A file's name tells its format (deployments-2026.csv,
    /// teams.csv); <paramref name="kind"/> limits a folder to that kind, and for one file of an event kind decides it.
    /// </summary>
    /// <exception cref="FileNotFoundException">Nothing exists at <paramref name="path"/>.</exception>
    public static (IReadOnlyList<CsvPlannedFile> Files, IReadOnlyList<CsvFileReport> Unrecognised) Plan(string path, CsvKind? kind)
    {
        var planned = new List<(CsvPlannedFile File, int Order)>();
        var unrecognised = new List<CsvFileReport>();
        if (File.Exists(path))
        {
            var format = kind is { } k and not CsvKind.Catalog ? CreateFormat(FormatName(k)) : FormatOf(path);
            if (format is null || (kind == CsvKind.Catalog && !format.IsCatalog))
            {
                unrecognised.Add(Unrecognised(path, kind));
            }
            else
            {
                planned.Add((new CsvPlannedFile(path, format.Name, format.IsCatalog), 0));
            }
        }
        else if (Directory.Exists(path))
        {
            foreach (var file in Directory.EnumerateFiles(path, "*.csv").Where(f => !f.EndsWith(RejectedSuffix, StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal))
            {
                var format = FormatOf(file);
                if (format is null)
                {
                    unrecognised.Add(Unrecognised(file, kind));
                }
                else if (kind is null || (kind == CsvKind.Catalog ? format.IsCatalog : format.Name == FormatName(kind.Value)))
                {
                    planned.Add((new CsvPlannedFile(file, format.Name, format.IsCatalog), FormatNames.ToList().IndexOf(format.Name)));
                }
            }
        }
        else
        {
            throw new FileNotFoundException($"No file or folder at '{path}'.", path);
        }
        return (planned.OrderBy(p => p.Order).Select(p => p.File).ToList(), unrecognised);
    }

    public static string FormatName(CsvKind kind) => kind switch
    {
        CsvKind.Deployments => "deployments",
        CsvKind.Incidents => "incidents",
        CsvKind.Surveys => "surveys",
        CsvKind.ServiceRequests => "service-requests",
        CsvKind.Commits => "commits",
        CsvKind.PullRequests => "pull-requests",
        CsvKind.Reviews => "reviews",
        _ => "catalog",
    };

    public static bool TryParseKind(string? text, out CsvKind kind)
    {
        foreach (var candidate in Enum.GetValues<CsvKind>())
        {
            if (string.Equals(FormatName(candidate), text, StringComparison.OrdinalIgnoreCase))
            {
                kind = candidate;
                return true;
            }
        }
        kind = default;
        return false;
    }

    /// <summary>Imports <paramref name="path"/> (a file or folder); see <see cref="Plan"/> and <see cref="ImportAsync(IReadOnlyList{CsvPlannedFile}, string, bool, IProgress{CsvImportProgress}?, CancellationToken)"/>.</summary>
    public async Task<CsvImportReport> ImportAsync(
        string path, CsvKind? kind, string source, bool skipInvalid, IProgress<CsvImportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var (files, unrecognised) = Plan(path, kind);
        var report = await ImportAsync(files, source, skipInvalid, progress, cancellationToken);
        return report with { Files = [.. unrecognised, .. report.Files] };
    }

    /// <summary>
    /// Imports planned files in order, then refreshes the catalog's ClickHouse mirror if any catalog rows were written,
    /// then links the production deployments of the services whose commits or deployments were written to what they
    /// shipped (as after a git or GitHub run). Duplicated natural ids are caught across all the files of one call.
    /// </summary>
    /// <param name="source">Written to the events' <c>source</c> column, e.g. the configured source's name.</param>
    public async Task<CsvImportReport> ImportAsync(
        IReadOnlyList<CsvPlannedFile> files, string source, bool skipInvalid, IProgress<CsvImportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var batch = new CsvImportBatch();
        var shipped = new ShippedChanges();
        var reports = new List<CsvFileReport>();
        for (var i = 0; i < files.Count; i++)
        {
            progress?.Report(new CsvImportProgress(files[i].Path, "checking", i, files.Count));
            reports.Add(await ImportFileAsync(files[i], batch, Services(source, shipped), skipInvalid, cancellationToken));
            progress?.Report(new CsvImportProgress(files[i].Path, "done", i + 1, files.Count));
        }
        if (reports.Any(r => r.RowsImported > 0 && files.Single(f => f.Path == r.Path).IsCatalog))
        {
            await mirror.SyncAsync(cancellationToken);
        }
        return new CsvImportReport(reports, await LinkAsync(shipped, cancellationToken));
    }

    /// <summary>Links the deployments of what <paramref name="shipped"/> names; the rows written, or null when it names nothing.</summary>
    internal async Task<long?> LinkAsync(ShippedChanges shipped, CancellationToken cancellationToken)
    {
        if (shipped.IsEmpty)
        {
            return null;
        }
        var services = new SortedSet<string>(shipped.Services, StringComparer.Ordinal);
        services.UnionWith(await lookups.ServicesOfRepositoriesAsync(shipped.Repositories, cancellationToken));
        return (await linker.LinkAsync(services, cancellationToken)).Rows;
    }

    private static async Task<CsvFileReport> ImportFileAsync(CsvPlannedFile file, CsvImportBatch batch, CsvImportServices services, bool skipInvalid, CancellationToken cancellationToken)
    {
        var format = CreateFormat(file.Format)!;
        var content = await CsvFileReader.ReadAsync(file.Path, format.Fields, cancellationToken);
        if (content.FileErrors.Count > 0)
        {
            return new CsvFileReport(file.Path, format.Name, format.Target, 0, 0, content.FileErrors.Select(e => new CsvError(file.Path, null, null, e)).ToList(), null);
        }

        CsvFormatOutcome outcome;
        try
        {
            outcome = await format.ImportAsync(file.Path, content, batch, services, skipInvalid, cancellationToken);
        }
        catch (CsvFileProblemException problem)
        {
            return new CsvFileReport(file.Path, format.Name, format.Target, content.Rows.Count, 0, [new CsvError(file.Path, null, null, problem.Message)], null);
        }

        var errors = outcome.Rejected
            .SelectMany(r => r.Errors.Select(e => new CsvError(file.Path, r.Row.Line, e.Field, e.Reason)))
            .ToList();
        var rejectedPath = RejectedPathOf(file.Path);
        if (skipInvalid && outcome.Rejected.Count > 0)
        {
            WriteRejected(rejectedPath, content.Header, outcome.Rejected);
        }
        else
        {
            // A rejected file from an earlier import would now be misleading.
            File.Delete(rejectedPath);
            rejectedPath = null;
        }
        return new CsvFileReport(file.Path, format.Name, format.Target, content.Rows.Count, outcome.RowsWritten, errors, skipInvalid && outcome.Rejected.Count > 0 ? rejectedPath : null);
    }

    /// <summary>What the formats need to check and write records of <paramref name="source"/>, as of now (also for records of a remote source, see <see cref="SourceRecords"/>).</summary>
    internal CsvImportServices Services(string source, ShippedChanges? shipped = null) =>
        new(store, lookups, catalog, hasher, source, clock.GetUtcNow(), new MonthGrid(metricOptions.Value.TimeZone), waves, shipped ?? new ShippedChanges());

    /// <summary>Refreshes the catalog's ClickHouse mirror after catalog records were written outside an import.</summary>
    internal Task SyncMirrorAsync(CancellationToken cancellationToken) => mirror.SyncAsync(cancellationToken);

    /// <summary>deployments.csv → deployments.rejected.csv, beside it.</summary>
    public static string RejectedPathOf(string path) =>
        Path.Combine(Path.GetDirectoryName(path) ?? "", Path.GetFileNameWithoutExtension(path) + RejectedSuffix);

    /// <summary>The refused rows as they were, after their line, with every reason in the last column.</summary>
    private static void WriteRejected(string path, IReadOnlyList<string> header, IReadOnlyList<(CsvRow Row, IReadOnlyList<FieldError> Errors)> rejected)
    {
        using var writer = CsvWriter.ToFile(path);
        writer.WriteHeader([CsvFileReader.RejectionColumns[0], .. header, CsvFileReader.RejectionColumns[1]]);
        foreach (var (row, errors) in rejected)
        {
            var values = Enumerable.Range(0, header.Count).Select(i => i < row.Values.Count ? row.Values[i] : "");
            var reasons = string.Join("; ", errors.Select(e => e.Field is null ? e.Reason : $"{e.Field}: {e.Reason}"));
            writer.WriteRecord([row.Line.ToString(System.Globalization.CultureInfo.InvariantCulture), .. values, reasons]);
        }
    }

    private static CsvFormat? FormatOf(string path)
    {
        var name = Path.GetFileNameWithoutExtension(path).ToLowerInvariant();
        return Formats.Select(create => create())
            .SelectMany(format => format.Aliases.Prepend(format.Name).Select(prefix => (format, prefix)))
            .Where(candidate => name == candidate.prefix || (name.StartsWith(candidate.prefix, StringComparison.Ordinal) && name[candidate.prefix.Length] is '-' or '_' or '.'))
            .OrderByDescending(candidate => candidate.prefix.Length)
            .Select(candidate => candidate.format)
            .FirstOrDefault();
    }

    private static CsvFormat? CreateFormat(string name) => Formats.Select(create => create()).FirstOrDefault(f => f.Name == name);

    private static CsvFileReport Unrecognised(string path, CsvKind? kind) => new(path, null, null, 0, 0,
        [new CsvError(path, null, null,
            $"the file name does not say what it holds: start it with one of {string.Join(", ", FormatNames)}{(kind is null ? ", or pass --kind" : "")}")], null);
}
