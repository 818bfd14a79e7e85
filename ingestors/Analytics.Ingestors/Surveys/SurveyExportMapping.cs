using System.Globalization;
using Analytics.Ingestors.Csv;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Analytics.Ingestors.Surveys;

/// <summary>How the export of a survey tool is read: as CSV, or as Typeform's Responses API JSON.</summary>
public enum SurveyExportFormat
{
    Csv,
    TypeformJson,
}

/// <summary>A question of the export scored into an answer: its column, the question id it is stored under, its scale.</summary>
/// <param name="Labels">The scale's label → score; null when the cell holds the score itself (scale <c>number</c>).</param>
/// <param name="Line">Where the question is in the mapping file.</param>
public sealed record MappedQuestion(string Column, string Id, string ScaleName, IReadOnlyDictionary<string, int>? Labels, int Line);

/// <summary>Where the submitted time is and how to read it.</summary>
/// <param name="Format">A .NET custom date and time format (e.g. <c>yyyy/MM/dd h:mm:ss tt 'GMT'z</c>); null = ISO 8601.</param>
/// <param name="TimeZone">The zone of a time written without an offset; null = such a time is refused.</param>
public sealed record SubmittedAtMapping(string Column, string? Format, TimeZoneInfo? TimeZone);

/// <summary>Where the team is: a fixed slug, or a column whose value (translated by <paramref name="Values"/> when given) is the slug.</summary>
public sealed record TeamMapping(string? Fixed, string? Column, IReadOnlyDictionary<string, string>? Values);

/// <summary>
/// A mapping file (docs/ingestion.md, "Survey tool exports"): how one survey tool's export becomes survey answers.
/// YAML (a JSON file is YAML too); every problem is reported with the file, its line, the field and the reason.
/// </summary>
public sealed record SurveyExportMapping(
    string Path, string SurveyId, SurveyExportFormat? Format, string RespondentColumn, SubmittedAtMapping SubmittedAt, TeamMapping Team,
    IReadOnlyList<MappedQuestion> Questions)
{
    /// <summary>The scale whose cell is the score as a whole number.</summary>
    public const string NumberScale = "number";

    private static readonly string[] TopLevel = ["survey_id", "format", "respondent", "submitted_at", "team", "scales", "questions", "tool"];

    /// <summary>The format of <paramref name="exportPath"/>: the mapping's, else told by its extension (.json = Typeform JSON).</summary>
    public SurveyExportFormat FormatOf(string exportPath) =>
        Format ?? (exportPath.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? SurveyExportFormat.TypeformJson : SurveyExportFormat.Csv);

    /// <summary>Reads and checks a mapping file; the mapping, or every problem found.</summary>
    public static (SurveyExportMapping? Mapping, IReadOnlyList<CsvError> Errors) Load(string path)
    {
        if (!File.Exists(path))
        {
            return (null, [new CsvError(path, null, null, "the mapping file does not exist")]);
        }
        var stream = new YamlStream();
        try
        {
            using var reader = new StreamReader(path);
            stream.Load(reader);
        }
        catch (YamlException error)
        {
            return (null, [new CsvError(path, (int)error.Start.Line, null, $"is not valid YAML or JSON: {error.Message}")]);
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            return (null, [new CsvError(path, stream.Documents.Count == 0 ? null : Line(stream.Documents[0].RootNode), null,
                "a mapping file is a map of survey_id, respondent, submitted_at, team, scales and questions")]);
        }
        var parser = new Parser(path);
        var mapping = parser.Parse(root);
        return parser.Errors.Count == 0 ? (mapping, []) : (null, parser.Errors);
    }

    private static int Line(YamlNode node) => (int)node.Start.Line;

    private sealed class Parser(string path)
    {
        public List<CsvError> Errors { get; } = [];

        private void Fail(YamlNode node, string field, string reason) => Errors.Add(new CsvError(path, Line(node), field, reason, "field"));

        public SurveyExportMapping Parse(YamlMappingNode root)
        {
            foreach (var key in root.Children.Keys)
            {
                if (key is not YamlScalarNode { Value: { } name } || !TopLevel.Contains(name))
                {
                    Fail(key, (key as YamlScalarNode)?.Value ?? "?", $"is not a field of a mapping file (its fields: {string.Join(", ", TopLevel)})");
                }
            }
            var surveyId = RequiredText(root, root, "survey_id", "survey_id", "the survey wave the answers belong to, e.g. devex-2026-04");
            if (surveyId.Length > 100)
            {
                Fail(Child(root, "survey_id")!, "survey_id", $"is {surveyId.Length} characters long; at most 100 are allowed");
            }
            var format = ParseFormat(root);
            var respondent = RequiredText(root, root, "respondent", "respondent",
                "the column holding the respondent's email or an anonymous response id (it is stored only as a keyed hash)");
            var submittedAt = ParseSubmittedAt(root);
            var team = ParseTeam(root);
            var scales = ParseScales(root);
            var questions = ParseQuestions(root, scales);
            return new SurveyExportMapping(path, surveyId, format, respondent, submittedAt, team, questions);
        }

        private SurveyExportFormat? ParseFormat(YamlMappingNode root)
        {
            if (Child(root, "format") is not { } node)
            {
                return null;
            }
            switch (Scalar(node, "format"))
            {
                case "csv": return SurveyExportFormat.Csv;
                case "typeform-json": return SurveyExportFormat.TypeformJson;
                case null: return null;
                default:
                    Fail(node, "format", "must be csv or typeform-json (Typeform's Responses API answer)");
                    return null;
            }
        }

        private SubmittedAtMapping ParseSubmittedAt(YamlMappingNode root)
        {
            var node = Child(root, "submitted_at");
            if (node is null)
            {
                Fail(root, "submitted_at", "is required: the column holding when the response was submitted");
                return new SubmittedAtMapping("", null, null);
            }
            if (node is YamlScalarNode)
            {
                return new SubmittedAtMapping(Scalar(node, "submitted_at") ?? "", null, null);
            }
            if (node is not YamlMappingNode map)
            {
                Fail(node, "submitted_at", "must be a column name, or a map of column, format and time_zone");
                return new SubmittedAtMapping("", null, null);
            }
            Known(map, "submitted_at", ["column", "format", "time_zone"]);
            var column = RequiredText(map, map, "column", "submitted_at.column", "the column holding when the response was submitted");
            var format = Child(map, "format") is { } formatNode ? Scalar(formatNode, "submitted_at.format") : null;
            if (format is not null)
            {
                try
                {
                    _ = new DateTime(2026, 4, 14, 9, 12, 0).ToString(format, CultureInfo.InvariantCulture);
                }
                catch (FormatException)
                {
                    Fail(Child(map, "format")!, "submitted_at.format", $"'{format}' is not a .NET date and time format");
                }
            }
            TimeZoneInfo? zone = null;
            if (Child(map, "time_zone") is { } zoneNode && Scalar(zoneNode, "submitted_at.time_zone") is { } zoneId)
            {
                try
                {
                    zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
                }
                catch (Exception error) when (error is TimeZoneNotFoundException or InvalidTimeZoneException)
                {
                    Fail(zoneNode, "submitted_at.time_zone", $"'{zoneId}' is not a known time zone (an IANA name such as Europe/Berlin, or UTC)");
                }
            }
            return new SubmittedAtMapping(column, format, zone);
        }

        private TeamMapping ParseTeam(YamlMappingNode root)
        {
            var node = Child(root, "team");
            if (node is null)
            {
                Fail(root, "team", "is required: a map with value (one team's slug for every answer) or column (the column naming the team) and optional values");
                return new TeamMapping("", null, null);
            }
            if (node is not YamlMappingNode map)
            {
                Fail(node, "team", "must be a map with value, or column and optional values");
                return new TeamMapping("", null, null);
            }
            Known(map, "team", ["value", "column", "values"]);
            var value = Child(map, "value") is { } valueNode ? Scalar(valueNode, "team.value") : null;
            var column = Child(map, "column") is { } columnNode ? Scalar(columnNode, "team.column") : null;
            if ((value is null) == (column is null))
            {
                Fail(map, "team", "give exactly one of value (a team's slug) and column (the export's column naming the team)");
            }
            Dictionary<string, string>? values = null;
            if (Child(map, "values") is { } valuesNode)
            {
                if (valuesNode is not YamlMappingNode valuesMap)
                {
                    Fail(valuesNode, "team.values", "must be a map of the export's value → team slug");
                }
                else
                {
                    values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                    foreach (var (key, slug) in valuesMap.Children)
                    {
                        var label = Scalar(key, "team.values") ?? "";
                        if (Scalar(slug, $"team.values.{label}") is { } text && !values.TryAdd(label.Trim(), text))
                        {
                            Fail(key, $"team.values.{label}", "is given twice");
                        }
                    }
                }
            }
            return new TeamMapping(value, column, values);
        }

        private Dictionary<string, (Dictionary<string, int> Labels, YamlNode Node)> ParseScales(YamlMappingNode root)
        {
            var scales = new Dictionary<string, (Dictionary<string, int>, YamlNode)>(StringComparer.Ordinal);
            if (Child(root, "scales") is not { } node)
            {
                return scales;
            }
            if (node is not YamlMappingNode map)
            {
                Fail(node, "scales", "must be a map of scale name → (label → score)");
                return scales;
            }
            foreach (var (key, labelsNode) in map.Children)
            {
                var name = Scalar(key, "scales") ?? "";
                if (name == NumberScale)
                {
                    Fail(key, $"scales.{name}", $"'{NumberScale}' is built in (the cell is the score) and cannot be redefined");
                    continue;
                }
                if (labelsNode is not YamlMappingNode labelsMap || labelsMap.Children.Count == 0)
                {
                    Fail(labelsNode, $"scales.{name}", "must be a map of the export's label → score, e.g. Strongly agree: 5");
                    continue;
                }
                var labels = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
                foreach (var (labelNode, scoreNode) in labelsMap.Children)
                {
                    var label = (Scalar(labelNode, $"scales.{name}") ?? "").Trim();
                    var field = $"scales.{name}.{label}";
                    if (!int.TryParse(Scalar(scoreNode, field), NumberStyles.None, CultureInfo.InvariantCulture, out var score) || score > 10)
                    {
                        Fail(scoreNode, field, "must be a whole number from 0 to 10");
                    }
                    else if (!labels.TryAdd(label, score))
                    {
                        Fail(labelNode, field, "is given twice (labels are compared ignoring case)");
                    }
                }
                scales[name] = (labels, labelsNode);
            }
            return scales;
        }

        private List<MappedQuestion> ParseQuestions(YamlMappingNode root, Dictionary<string, (Dictionary<string, int> Labels, YamlNode Node)> scales)
        {
            var questions = new List<MappedQuestion>();
            if (Child(root, "questions") is not YamlSequenceNode list || list.Children.Count == 0)
            {
                Fail(Child(root, "questions") ?? root, "questions", "is required: a list of the scored questions, each with column, id and scale");
                return questions;
            }
            var ids = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < list.Children.Count; i++)
            {
                var field = $"questions[{i}]";
                if (list.Children[i] is not YamlMappingNode map)
                {
                    Fail(list.Children[i], field, "must be a map of column, id and scale");
                    continue;
                }
                Known(map, field, ["column", "id", "scale"]);
                var column = RequiredText(map, map, "column", $"{field}.column", "the export's column (the question as written in the tool, or Typeform's field ref)");
                var id = RequiredText(map, map, "id", $"{field}.id", "the question id stored, e.g. flow, or nps for the 0–10 Net Promoter question");
                if (id.Length > 0 && !RecordReader.IsSlug(id))
                {
                    Fail(Child(map, "id")!, $"{field}.id", $"'{RecordReader.Shorten(id)}' is not an id: use lower-case letters, digits, '.', '_' and '-'");
                }
                else if (id.Length > 0 && !ids.TryAdd(id, Line(map)))
                {
                    Fail(Child(map, "id")!, $"{field}.id", $"'{id}' is already the id of the question on line {ids[id]}: each question is stored once per respondent");
                }
                var scaleName = RequiredText(map, map, "scale", $"{field}.scale", $"'{NumberScale}' (the cell is the score) or the name of one of the scales");
                IReadOnlyDictionary<string, int>? labels = null;
                if (scaleName.Length > 0 && scaleName != NumberScale)
                {
                    if (!scales.TryGetValue(scaleName, out var scale))
                    {
                        Fail(Child(map, "scale")!, $"{field}.scale", $"'{scaleName}' is not one of the scales ({string.Join(", ", scales.Keys.Prepend(NumberScale))})");
                    }
                    else
                    {
                        labels = scale.Labels;
                        var (min, max) = SurveyAnswer.ScaleOf(id);
                        foreach (var (label, score) in scale.Labels.Where(l => l.Value < min || l.Value > max))
                        {
                            Fail(Child(map, "scale")!, $"{field}.scale",
                                $"scale '{scaleName}' scores '{label}' {score}, outside {min}–{max}, the range of question '{id}'");
                        }
                    }
                }
                questions.Add(new MappedQuestion(column, id, scaleName, labels, Line(map)));
            }
            return questions;
        }

        private string RequiredText(YamlMappingNode map, YamlNode at, string key, string field, string what)
        {
            if (Child(map, key) is not { } node)
            {
                Fail(at, field, $"is required: {what}");
                return "";
            }
            var text = Scalar(node, field);
            if (string.IsNullOrWhiteSpace(text))
            {
                Fail(node, field, $"is empty; expected {what}");
                return "";
            }
            return text.Trim();
        }

        private string? Scalar(YamlNode node, string field)
        {
            if (node is YamlScalarNode scalar)
            {
                return scalar.Value;
            }
            Fail(node, field, "must be a single value, not a list or map");
            return null;
        }

        private void Known(YamlMappingNode map, string parent, string[] known)
        {
            foreach (var key in map.Children.Keys)
            {
                if (key is not YamlScalarNode { Value: { } name } || !known.Contains(name))
                {
                    Fail(key, $"{parent}.{(key as YamlScalarNode)?.Value}", $"is not a field of {parent} (its fields: {string.Join(", ", known)})");
                }
            }
        }

        private static YamlNode? Child(YamlMappingNode map, string key) =>
            map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;
    }
}
