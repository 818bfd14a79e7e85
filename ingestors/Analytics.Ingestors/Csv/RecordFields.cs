using Analytics.Core.Calendar;
using System.Globalization;
using System.Text.RegularExpressions;
using Analytics.Core.Space;

namespace Analytics.Ingestors.Csv;

/// <summary>One record's fields by name, whether it came from a CSV row or a pushed JSON object.</summary>
public interface IRecordFields
{
    /// <summary>The field's text, trimmed; null when the field is absent or empty.</summary>
    string? Get(string name);
}

/// <summary>A field a record format knows; <paramref name="Required"/> fields must be present (as a column or property).</summary>
/// <param name="Secret">The value is personal (a respondent id): error messages never repeat it.</param>
/// <param name="List">Several values: separated by ';' in a CSV cell, or a JSON array of strings in a pushed record.</param>
public sealed record FieldSpec(string Name, bool Required, bool Secret = false, bool List = false);

/// <summary>Why a field (or, with a null name, the whole record) was refused.</summary>
public sealed record FieldError(string? Field, string Reason);

/// <summary>
/// Reads typed values out of <see cref="IRecordFields"/>, collecting every problem rather than stopping at the
/// first, so one pass reports all that is wrong with a record. A refused value reads as a harmless default;
/// callers check <see cref="HasErrors"/> before using the record.
/// </summary>
public sealed partial class RecordReader(IRecordFields fields, DateTimeOffset now)
{
    /// <summary>How far ahead of this machine's clock a timestamp may be before it counts as "in the future".</summary>
    public static readonly TimeSpan ClockSkewAllowance = TimeSpan.FromMinutes(5);

    private readonly List<FieldError> _errors = [];

    public IReadOnlyList<FieldError> Errors => _errors;

    public bool HasErrors => _errors.Count > 0;

    public DateTimeOffset Now { get; } = now;

    public void Fail(string? field, string reason) => _errors.Add(new FieldError(field, reason));

    /// <summary>A required identifier or label: non-empty, at most <paramref name="maxLength"/> characters, no control characters.</summary>
    public string Text(string name, int maxLength = 300)
    {
        var value = fields.Get(name);
        if (value is null)
        {
            Fail(name, "is required and empty");
            return "";
        }
        return CheckText(name, value, maxLength, multiline: false);
    }

    /// <param name="multiline">Whether line breaks are part of the value (a title or description), not a mistake.</param>
    public string OptionalText(string name, int maxLength = 2000, bool multiline = false)
    {
        var value = fields.Get(name);
        return value is null ? "" : CheckText(name, value, maxLength, multiline);
    }

    /// <summary>A lower-case key such as a team or service slug: letters, digits, '-', '_' and '.'.</summary>
    public string Slug(string name)
    {
        var value = Text(name, 100);
        if (value.Length > 0 && !SlugPattern().IsMatch(value))
        {
            Fail(name, $"'{Shorten(value)}' is not a slug (lower-case letters, digits, '-', '_' or '.', starting with a letter or digit)");
        }
        return value;
    }

    /// <summary>Whether <paramref name="value"/> is a slug as <see cref="Slug"/> takes it (at most 100 characters).</summary>
    public static bool IsSlug(string value) => value.Length <= 100 && SlugPattern().IsMatch(value);

    public string OptionalSlug(string name) => fields.Get(name) is null ? "" : Slug(name);

    /// <summary>One of <paramref name="allowed"/>; <paramref name="defaultValue"/> when empty, or an error when there is none.</summary>
    public string Choice(string name, IReadOnlyList<string> allowed, string? defaultValue = null)
    {
        var value = fields.Get(name);
        if (value is null)
        {
            if (defaultValue is null)
            {
                Fail(name, $"is required and empty; it must be one of: {string.Join(", ", allowed)}");
            }
            return defaultValue ?? "";
        }
        if (!allowed.Contains(value, StringComparer.Ordinal))
        {
            Fail(name, $"'{Shorten(value)}' is not one of: {string.Join(", ", allowed)}");
        }
        return value;
    }

    public int Integer(string name, int min, int max)
    {
        var value = fields.Get(name);
        if (value is null)
        {
            Fail(name, "is required and empty");
            return 0;
        }
        if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            Fail(name, $"'{Shorten(value)}' is not a whole number");
            return 0;
        }
        if (number < min || number > max)
        {
            Fail(name, $"{number} is outside {min}–{max}");
        }
        return number;
    }

    public bool Flag(string name, bool defaultValue = false)
    {
        var value = fields.Get(name);
        switch (value?.ToLowerInvariant())
        {
            case null:
                return defaultValue;
            case "true" or "yes" or "1":
                return true;
            case "false" or "no" or "0":
                return false;
            default:
                Fail(name, $"'{Shorten(value)}' is not true or false");
                return defaultValue;
        }
    }

    /// <summary>Several values in one field, separated by ';' (e.g. "ann@acme.com;ann@old.example").</summary>
    public IReadOnlyList<string> List(string name) =>
        (fields.Get(name) ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(item => CheckText(name, item, 300, multiline: false))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();

    /// <summary>A required ISO 8601 instant with a UTC offset ("Z" or "+02:00"), not in the future.</summary>
    public DateTimeOffset Timestamp(string name) => OptionalTimestamp(name) ?? Required(name, "a timestamp such as 2026-05-01T10:00:00Z");

    public DateTimeOffset? OptionalTimestamp(string name, bool allowFuture = false) =>
        fields.Get(name) is { } value ? ParseInstant(name, value, dateAllowed: false, allowFuture, zone: null) : null;

    /// <summary>
    /// A required day: a plain ISO date (2026-05-01) or an instant with a UTC offset. A plain date starts at midnight
    /// in <paramref name="zone"/>'s time zone, or at 00:00 UTC without one.
    /// </summary>
    /// <param name="zone">
    /// The organisation's calendar, for a day whose figures are cut into its months (a survey answer): read as UTC
    /// midnight, "2026-02-01" would be 31 January west of UTC and count in January.
    /// </param>
    public DateTimeOffset Date(string name, bool allowFuture = false, MonthGrid? zone = null) =>
        OptionalDate(name, allowFuture, zone) ?? Required(name, "a date such as 2026-05-01");

    public DateTimeOffset? OptionalDate(string name, bool allowFuture = false, MonthGrid? zone = null) =>
        fields.Get(name) is { } value ? ParseInstant(name, value, dateAllowed: true, allowFuture, zone) : null;

    /// <summary>Checks that <paramref name="end"/> does not come before <paramref name="start"/>.</summary>
    public void NotBefore(string endName, DateTimeOffset? end, string startName, DateTimeOffset start)
    {
        if (end is { } value && value < start)
        {
            Fail(endName, $"{Format(value)} is before {startName} ({Format(start)})");
        }
    }

    public static string Format(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>A value as error messages quote it: at most 60 characters.</summary>
    public static string Shorten(string value) => value.Length <= 60 ? value : value[..57] + "…";

    private DateTimeOffset Required(string name, string example)
    {
        // A present but unparsable value has already been reported; only an empty one is reported here.
        if (fields.Get(name) is null)
        {
            Fail(name, $"is required and empty; expected {example}");
        }
        return DateTimeOffset.UnixEpoch;
    }

    private DateTimeOffset? ParseInstant(string name, string value, bool dateAllowed, bool allowFuture, MonthGrid? zone)
    {
        DateTimeOffset parsed;
        if (PlainDatePattern().IsMatch(value))
        {
            if (!dateAllowed)
            {
                Fail(name, $"'{value}' is a date without a time; expected a timestamp with a UTC offset, e.g. {value}T00:00:00Z");
                return null;
            }
            if (!DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                Fail(name, $"'{value}' is not a valid date");
                return null;
            }
            parsed = zone?.Start(day) ?? new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        }
        else if (InstantWithOffsetPattern().IsMatch(value))
        {
            if (!DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.None, out parsed))
            {
                Fail(name, $"'{Shorten(value)}' is not a valid date and time");
                return null;
            }
        }
        else if (LocalDateTimePattern().IsMatch(value))
        {
            Fail(name, $"'{Shorten(value)}' has no UTC offset; add 'Z' for UTC or the offset such as '+02:00' (time zones are never guessed)");
            return null;
        }
        else
        {
            Fail(name, $"'{Shorten(value)}' is not ISO 8601; expected e.g. 2026-05-01T10:00:00Z{(dateAllowed ? " or 2026-05-01" : "")}");
            return null;
        }

        if (!allowFuture && parsed > Now + ClockSkewAllowance)
        {
            Fail(name, $"{Format(parsed)} is in the future (now is {Format(Now)})");
        }
        return parsed.ToUniversalTime();
    }

    private string CheckText(string name, string value, int maxLength, bool multiline)
    {
        if (value.Length > maxLength)
        {
            Fail(name, $"is {value.Length} characters long; at most {maxLength} are allowed");
        }
        else if (value.Any(c => char.IsControl(c) && !(multiline && c is '\n' or '\r' or '\t')))
        {
            Fail(name, "contains a line break or another control character");
        }
        return value;
    }

    [GeneratedRegex(@"^[a-z0-9][a-z0-9._-]*$")]
    private static partial Regex SlugPattern();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}$")]
    private static partial Regex PlainDatePattern();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})$")]
    private static partial Regex InstantWithOffsetPattern();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,7})?)?$")]
    private static partial Regex LocalDateTimePattern();
}
