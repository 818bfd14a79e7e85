namespace Analytics.Storage.ClickHouse.Cluster;

public enum SqlTokenKind
{
    /// <summary>A keyword or identifier, plain or quoted (<c>`name`</c>, <c>"name"</c>).</summary>
    Word,

    /// <summary>A single-quoted string literal.</summary>
    String,

    Number,

    /// <summary>One character of punctuation or an operator: ( ) , = ; . and the rest.</summary>
    Symbol,
}

/// <summary>One significant token of a statement and where it stands in the statement's text.</summary>
public sealed record SqlToken(SqlTokenKind Kind, int Start, int Length, string Text)
{
    public int End => Start + Length;

    public bool IsQuoted => Kind == SqlTokenKind.Word && Text[0] is '`' or '"';

    /// <summary>The identifier's name: without quotes and escapes.</summary>
    public string Name => IsQuoted ? Text[1..^1].Replace("\\" + Text[0], Text[0].ToString(), StringComparison.Ordinal).Replace(@"\\", @"\", StringComparison.Ordinal) : Text;

    public bool Is(string keyword) => Kind == SqlTokenKind.Word && !IsQuoted && string.Equals(Text, keyword, StringComparison.OrdinalIgnoreCase);

    public bool IsSymbol(char symbol) => Kind == SqlTokenKind.Symbol && Text[0] == symbol;
}

/// <summary>
/// Splits ClickHouse SQL into its significant tokens, skipping whitespace and comments (<c>--</c>, <c>#</c>,
/// <c>/* */</c>), so a rewrite finds keywords and names by their place in the grammar, never inside a string, a
/// quoted name or a comment.
/// </summary>
public static class SqlTokens
{
    public static IReadOnlyList<SqlToken> Read(string sql)
    {
        var tokens = new List<SqlToken>();
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if ((c == '-' && At(sql, i + 1) == '-') || c == '#')
            {
                while (i < sql.Length && sql[i] != '\n')
                {
                    i++;
                }
            }
            else if (c == '/' && At(sql, i + 1) == '*')
            {
                var close = sql.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = close < 0 ? throw Unterminated(sql, i, "comment") : close + 2;
            }
            else if (c is '\'' or '`' or '"')
            {
                var end = QuotedEnd(sql, i);
                tokens.Add(new SqlToken(c == '\'' ? SqlTokenKind.String : SqlTokenKind.Word, i, end - i, sql[i..end]));
                i = end;
            }
            else if (char.IsLetter(c) || c == '_' || c == '$')
            {
                var start = i;
                while (i < sql.Length && (char.IsLetterOrDigit(sql[i]) || sql[i] is '_' or '$'))
                {
                    i++;
                }
                tokens.Add(new SqlToken(SqlTokenKind.Word, start, i - start, sql[start..i]));
            }
            else if (char.IsDigit(c))
            {
                var start = i;
                while (i < sql.Length && (char.IsLetterOrDigit(sql[i]) || sql[i] is '.' or '_'))
                {
                    i++;
                }
                tokens.Add(new SqlToken(SqlTokenKind.Number, start, i - start, sql[start..i]));
            }
            else
            {
                tokens.Add(new SqlToken(SqlTokenKind.Symbol, i, 1, sql[i].ToString()));
                i++;
            }
        }
        return tokens;
    }

    private static char At(string sql, int index) => index < sql.Length ? sql[index] : '\0';

    /// <summary>The index just past the quoted token opening at <paramref name="start"/> (a backslash escapes; a doubled quote is one quote).</summary>
    private static int QuotedEnd(string sql, int start)
    {
        var quote = sql[start];
        var i = start + 1;
        while (i < sql.Length)
        {
            if (sql[i] == '\\')
            {
                i += 2;
            }
            else if (sql[i] == quote)
            {
                if (At(sql, i + 1) != quote)
                {
                    return i + 1;
                }
                i += 2;
            }
            else
            {
                i++;
            }
        }
        throw Unterminated(sql, start, quote == '\'' ? "string" : "quoted name");
    }

    private static FormatException Unterminated(string sql, int start, string what) =>
        new($"Unterminated {what} at character {start} of: {sql[..Math.Min(sql.Length, 80)]}");
}
