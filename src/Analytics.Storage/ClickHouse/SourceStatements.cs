using System.Text.RegularExpressions;

namespace Analytics.Storage.ClickHouse;

/// <summary>What a statement naming a source leaves for the next refresh (<see cref="SourceStatements.Recognise"/>).</summary>
/// <param name="Delete">The keys a DELETE removed rows of, when it can have removed no row of another key.</param>
/// <param name="Unscoped">Whether it may have changed rows of any key, so the next refresh rebuilds whole tables.</param>
public sealed record SourceWrite(ScopedDelete? Delete, bool Unscoped)
{
    /// <summary>Rows added (found by the next refresh in the parts that appeared), or no source row changed.</summary>
    public static readonly SourceWrite InParts = new(null, false);
}

/// <summary>
/// Recognises from its text what a statement through the store did to the sources of the derived tables, for the
/// planning of the next refresh (<see cref="ScopedRefreshPlanner"/>): which sources it names, and whether the rows it
/// changed can be found per service or repository.
/// </summary>
public sealed partial class SourceStatements
{
    private readonly Dictionary<string, Regex> _sourcePatterns;

    /// <param name="sources">The tables the derived tables are computed from (their <c>-- Sources:</c> lines).</param>
    public SourceStatements(IEnumerable<string> sources) =>
        _sourcePatterns = sources.Distinct(StringComparer.Ordinal)
            .ToDictionary(source => source, source => new Regex($@"\b{Regex.Escape(source)}\b", RegexOptions.CultureInvariant), StringComparer.Ordinal);

    /// <summary>Whether <paramref name="table"/> is a source of a derived table.</summary>
    public bool IsSource(string table) => _sourcePatterns.ContainsKey(table);

    /// <summary>The sources a statement names (a statement that failed may have changed them all the same).</summary>
    public IReadOnlyList<string> Named(string sql) =>
        _sourcePatterns.Where(pair => pair.Value.IsMatch(sql)).Select(pair => pair.Key).ToList();

    /// <summary>
    /// What a statement naming a source means for the next refresh: the rows an INSERT adds are found in the parts it
    /// creates; CREATE or DROP of another table (a run's staging table made AS a source) and OPTIMIZE (merges) change
    /// no source row; a DELETE of some services' or repositories' rows (relinking) names its keys; anything else
    /// (DDL of a source, another mutation) can change any row, so the next refresh rebuilds whole tables.
    /// </summary>
    public SourceWrite Recognise(string sql, QueryParameters? parameters)
    {
        if (InsertStatement().IsMatch(sql) || OptimizeStatement().IsMatch(sql)
            || (TableStatement().Match(sql) is { Success: true } ddl && !IsSource(ddl.Groups["table"].Value)))
        {
            return SourceWrite.InParts;
        }
        var delete = ScopedDeleteStatement().Match(sql);
        return delete.Success && ScopedRefreshPlanner.IsScopedSource(delete.Groups["table"].Value, delete.Groups["column"].Value)
            && parameters?.GetValueOrDefault(delete.Groups["keys"].Value) is IEnumerable<string> keys
            ? new SourceWrite(new ScopedDelete(delete.Groups["table"].Value, delete.Groups["column"].Value, keys.ToList()), false)
            : new SourceWrite(null, true);
    }

    [GeneratedRegex(@"^\s*INSERT\s+INTO\s", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex InsertStatement();

    [GeneratedRegex(@"^\s*OPTIMIZE\s+TABLE\s", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex OptimizeStatement();

    [GeneratedRegex(@"^\s*(?:CREATE|DROP)\s+TABLE\s+(?:IF\s+(?:NOT\s+)?EXISTS\s+)?`?(?<table>\w+)`?(?:[\s;]|$)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TableStatement();

    // Only a conjunction: "key IN {keys}" AND further conditions (no OR anywhere) can delete no row of another key.
    [GeneratedRegex(@"^\s*DELETE\s+FROM\s+(?<table>\w+)\s+WHERE\s+(?<column>\w+)\s+IN\s+\{(?<keys>\w+):Array\(String\)\}(?:\s+AND\s+(?:(?!\bOR\b)[^;])*)?\s*$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ScopedDeleteStatement();
}
