namespace Analytics.Ingestors.Csv;

/// <summary>Rules for the catalog's [valid_from, valid_to) history ranges.</summary>
internal static class HistoryRanges
{
    public static void CheckOrder(RecordReader reader, DateTimeOffset validFrom, DateTimeOffset? validTo)
    {
        if (validTo is { } end && end <= validFrom)
        {
            reader.Fail("valid_to", $"{RecordReader.Format(end)} is not after valid_from ({RecordReader.Format(validFrom)})");
        }
    }

    /// <summary>
    /// Reports each row whose range overlaps another range of the same subject (e.g. service): ranges of other rows,
    /// and stored ranges the file does not replace (a row replaces the stored range that starts at the same instant).
    /// </summary>
    public static void CheckNoOverlap<T>(
        IReadOnlyList<ParsedRow<T>> rows, Func<T, string> subject, Func<T, DateTimeOffset> from, Func<T, DateTimeOffset?> to, Func<T, string> describe,
        IEnumerable<(string Subject, DateTimeOffset From, DateTimeOffset? To, string Description)> stored) where T : notnull
    {
        var replaced = rows.Select(r => (subject(r.Record), from(r.Record).UtcTicks)).ToHashSet();
        var ranges = stored
            .Where(s => !replaced.Contains((s.Subject, s.From.UtcTicks)))
            .Select(s => (s.Subject, s.From, s.To, Where: $"{s.Description} in the catalog from {RecordReader.Format(s.From)}", Row: (ParsedRow<T>?)null))
            .Concat(rows.Select(r => (Subject: subject(r.Record), From: from(r.Record), To: to(r.Record), Where: $"{describe(r.Record)} on line {r.Row.Line}", Row: (ParsedRow<T>?)r)))
            .GroupBy(range => range.Subject);
        foreach (var group in ranges)
        {
            var list = group.OrderBy(r => r.From).ToList();
            for (var i = 0; i < list.Count; i++)
            {
                if (list[i].Row is not { } row)
                {
                    continue;
                }
                var other = list.Where((r, j) => j != i && r.From < (list[i].To ?? DateTimeOffset.MaxValue) && list[i].From < (r.To ?? DateTimeOffset.MaxValue))
                    .Select(r => r.Where).FirstOrDefault();
                if (other is not null)
                {
                    row.Errors.Add(new FieldError("valid_from", $"{RecordReader.Format(list[i].From)}–{(list[i].To is { } end ? RecordReader.Format(end) : "open")} overlaps {other}"));
                }
            }
        }
    }
}
