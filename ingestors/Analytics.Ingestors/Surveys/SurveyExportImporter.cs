using System.Globalization;
using Analytics.Ingestors.Csv;

namespace Analytics.Ingestors.Surveys;

/// <summary>
/// Imports a survey tool's export (Google Forms, Typeform, Microsoft Forms, Culture Amp…) through a mapping file:
/// each response becomes one answer per mapped question, which then goes through exactly the checks and storage of
/// <c>surveys.csv</c> (SurveysCsvFormat: the team in the catalog, the respondent hashed per wave, scales, closed waves,
/// duplicates), so re-importing the same export writes nothing new. The export imports whole or not at all; every
/// problem names the export's file, line and column (or the mapping's file, line and field) and never a respondent.
/// </summary>
public sealed class SurveyExportImporter(CsvImporter importer)
{
    public const string Format = "survey-export";

    /// <summary>The columns of the rows handed to the surveys format, in its field names.</summary>
    private static readonly string[] AnswerHeader = ["survey_id", "respondent_id", "team", "date", "question", "score"];

    public async Task<CsvImportReport> ImportAsync(string exportPath, string mappingPath, string source, CancellationToken cancellationToken = default)
    {
        var (mapping, mappingErrors) = SurveyExportMapping.Load(mappingPath);
        if (mapping is null)
        {
            return Report(exportPath, 0, 0, mappingErrors);
        }
        return await ImportAsync(exportPath, mapping, source, cancellationToken);
    }

    public async Task<CsvImportReport> ImportAsync(string exportPath, SurveyExportMapping mapping, string source, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(exportPath))
        {
            return Report(exportPath, 0, 0, [new CsvError(exportPath, null, null, "the export file does not exist")]);
        }
        var export = await SurveyExportReader.ReadAsync(exportPath, mapping.FormatOf(exportPath), cancellationToken);
        if (export.FileErrors.Count > 0)
        {
            return Report(exportPath, 0, 0, export.FileErrors.Select(e => new CsvError(exportPath, null, null, e)).ToList());
        }
        var columnErrors = CheckColumns(mapping, export);
        if (columnErrors.Count > 0)
        {
            return Report(exportPath, export.Rows.Count, 0, columnErrors);
        }

        var (answers, errors) = Translate(mapping, export, exportPath);
        // A response refused here still stops the whole export (as a bad row stops a CSV file): one row that cannot be
        // read makes the format refuse to write, and its own message is dropped below.
        var stopper = errors.Count > 0 ? new CsvRow(0, AnswerHeader.Select(_ => "").ToArray(), "refused above") : null;
        var rows = stopper is null ? answers.Select(a => a.Row).ToList() : [.. answers.Select(a => a.Row), stopper];
        var columnOf = new Dictionary<CsvRow, IReadOnlyDictionary<string, string>>(ReferenceEqualityComparer.Instance);
        foreach (var (row, columns) in answers)
        {
            columnOf[row] = columns;
        }

        CsvFormatOutcome outcome;
        try
        {
            outcome = await new SurveysCsvFormat().ImportAsync(exportPath, new CsvFileContent(AnswerHeader, rows, []), new CsvImportBatch(),
                importer.Services(source), skipInvalid: false, cancellationToken);
        }
        catch (CsvFileProblemException problem)
        {
            return Report(exportPath, export.Rows.Count, 0, [new CsvError(exportPath, null, null, problem.Message)]);
        }
        foreach (var (row, rowErrors) in outcome.Rejected.Where(r => !ReferenceEquals(r.Row, stopper)))
        {
            var columns = columnOf[row];
            errors.AddRange(rowErrors.Select(e => new CsvError(exportPath, row.Line, e.Field is null ? null : columns.GetValueOrDefault(e.Field, e.Field), e.Reason)));
        }
        // One response gives an answer per question; a problem of the response (its team, its time) is reported once.
        var distinct = errors.Distinct().OrderBy(e => e.Line).ToList();
        return Report(exportPath, export.Rows.Count, outcome.RowsWritten, distinct);
    }

    private static CsvImportReport Report(string path, int rowsRead, long rowsWritten, IReadOnlyList<CsvError> errors) =>
        new([new CsvFileReport(path, Format, SurveyAnswer.Table, rowsRead, rowsWritten, errors, null)]);

    /// <summary>Every column the mapping names must be in the export (a CSV's header; for Typeform JSON, some response), once.</summary>
    private static List<CsvError> CheckColumns(SurveyExportMapping mapping, SurveyExport export)
    {
        var named = new List<(string Column, string Field, int? Line)> { (mapping.RespondentColumn, "respondent", null), (mapping.SubmittedAt.Column, "submitted_at", null) };
        if (mapping.Team.Column is { } teamColumn)
        {
            named.Add((teamColumn, "team.column", null));
        }
        named.AddRange(mapping.Questions.Select((q, i) => (q.Column, $"questions[{i}].column", (int?)q.Line)));
        var errors = new List<CsvError>();
        foreach (var (column, field, line) in named)
        {
            if (export.RepeatedColumns.Contains(column))
            {
                errors.Add(new CsvError(mapping.Path, line, field, $"the export has more than one column '{RecordReader.Shorten(column)}': rename one in the export so each is named once", "field"));
            }
            else if (!export.Columns.Contains(column) && export.Rows.Count > 0)
            {
                var near = export.Columns.FirstOrDefault(c => string.Equals(c.Trim(), column.Trim(), StringComparison.OrdinalIgnoreCase));
                errors.Add(new CsvError(mapping.Path, line, field,
                    $"the export has no column '{RecordReader.Shorten(column)}'{(near is null ? "" : $" (did you mean '{RecordReader.Shorten(near)}'?)")}; the names must match exactly", "field"));
            }
        }
        return errors;
    }

    /// <summary>One answer row per answered mapped question of each response, with the export's column behind each of its fields.</summary>
    private static (List<(CsvRow Row, IReadOnlyDictionary<string, string> Columns)> Answers, List<CsvError> Errors) Translate(
        SurveyExportMapping mapping, SurveyExport export, string exportPath)
    {
        var answers = new List<(CsvRow, IReadOnlyDictionary<string, string>)>();
        var errors = new List<CsvError>();
        var teamColumn = mapping.Team.Column ?? "team";
        foreach (var row in export.Rows)
        {
            var rowErrors = new List<CsvError>();
            void Fail(string? column, string reason) => rowErrors.Add(new CsvError(exportPath, row.Line, column, reason));
            if (row.Malformed is { } malformed)
            {
                Fail(null, malformed);
                errors.AddRange(rowErrors);
                continue;
            }
            var respondent = row.Cells.GetValueOrDefault(mapping.RespondentColumn) ?? "";
            if (respondent.Length == 0)
            {
                Fail(mapping.RespondentColumn, "is empty; every response needs its respondent (an email or an anonymous response id)");
            }

            string date = "";
            if (row.Cells.GetValueOrDefault(mapping.SubmittedAt.Column) is not { Length: > 0 } submittedText)
            {
                Fail(mapping.SubmittedAt.Column, "is empty; every response needs the time it was submitted");
            }
            else if (SubmittedTimes.Parse(submittedText, mapping.SubmittedAt, out var problem) is { } submitted)
            {
                date = submitted.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
            }
            else
            {
                Fail(mapping.SubmittedAt.Column, problem!);
            }

            var team = mapping.Team.Fixed ?? row.Cells.GetValueOrDefault(teamColumn) ?? "";
            if (mapping.Team.Values is { } values && team.Length > 0)
            {
                if (values.TryGetValue(team, out var slug))
                {
                    team = slug;
                }
                else
                {
                    Fail(teamColumn, $"'{RecordReader.Shorten(team)}' is not one of the values of team.values in the mapping ({string.Join(", ", values.Keys.Select(k => $"'{k}'"))})");
                }
            }

            var scored = new List<(MappedQuestion Question, int Score)>();
            foreach (var question in mapping.Questions)
            {
                if (row.Cells.GetValueOrDefault(question.Column) is not { Length: > 0 } cell)
                {
                    // Not answered: no answer is stored (an unanswered question is not a score).
                    continue;
                }
                if (question.Labels is null)
                {
                    if (int.TryParse(cell, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
                    {
                        scored.Add((question, number));
                    }
                    else
                    {
                        Fail(question.Column, $"'{RecordReader.Shorten(cell)}' is not a whole number (question '{question.Id}' has scale number)");
                    }
                }
                else if (question.Labels.TryGetValue(cell, out var score))
                {
                    scored.Add((question, score));
                }
                else
                {
                    Fail(question.Column, $"'{RecordReader.Shorten(cell)}' is not a label of scale '{question.ScaleName}' ({string.Join(", ", question.Labels.Keys.Select(k => $"'{k}'"))})");
                }
            }
            if (rowErrors.Count > 0)
            {
                errors.AddRange(rowErrors);
                continue;
            }
            foreach (var (question, score) in scored)
            {
                var columns = new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    ["survey_id"] = "survey_id",
                    ["respondent_id"] = mapping.RespondentColumn,
                    ["team"] = teamColumn,
                    ["date"] = mapping.SubmittedAt.Column,
                    ["question"] = question.Column,
                    ["score"] = question.Column,
                };
                var answer = new[] { mapping.SurveyId, respondent, team, date, question.Id, score.ToString(CultureInfo.InvariantCulture) };
                answers.Add((new CsvRow(row.Line, answer, null), columns));
            }
        }
        return (answers, errors);
    }
}
