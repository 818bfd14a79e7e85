using System.Text;

namespace Analytics.Storage.ClickHouse.Cluster;

/// <summary>A replacement of the text between two offsets of a statement.</summary>
internal readonly record struct Edit(int Start, int End, string Text);

/// <summary>An <c>ENGINE = Name(arguments)</c> clause: the offsets of <c>Name(…)</c> and the arguments' text.</summary>
internal readonly record struct EngineRange(int Start, int End, string Name, string Arguments);

/// <summary>A table, view or database name in a statement, possibly qualified (<c>db.table</c>), and the token index after it.</summary>
internal sealed record TableName(string Sql, SqlToken? Qualifier, SqlToken Token, int Next)
{
    public string Table => Token.Name;

    public string? Database => Qualifier?.Name;

    public int Start => (Qualifier ?? Token).Start;

    public int End => Token.End;

    /// <summary>The name as written, qualifier included.</summary>
    public string Text => Sql[Start..End];

    /// <summary>The name with <paramref name="suffix"/>, qualified and quoted as written.</summary>
    public string Renamed(string suffix) => Sql[Start..Token.Start] + RenamedToken(suffix);

    /// <summary>The edit that renames the table to its name with <paramref name="suffix"/>, in place.</summary>
    public Edit Rename(string suffix) => new(Token.Start, Token.End, RenamedToken(suffix));

    private string RenamedToken(string suffix) => Token.IsQuoted ? ClickHouseText.QuoteIdentifier(Table + suffix) : Table + suffix;
}

/// <summary>One statement's text and significant tokens, with the look-ups <see cref="ClusterDdl"/> needs.</summary>
internal sealed class Statement(string sql, IReadOnlyList<SqlToken> tokens)
{
    public int Count => tokens.Count;

    public SqlToken this[int index] => tokens[index];

    public bool Is(int index, string keyword) => index >= 0 && index < tokens.Count && tokens[index].Is(keyword);

    public bool IsSymbol(int index, char symbol) => index >= 0 && index < tokens.Count && tokens[index].IsSymbol(symbol);

    public TableName NameAt(int index)
    {
        if (index >= tokens.Count || tokens[index].Kind != SqlTokenKind.Word)
        {
            throw Refuse($"expected a name at token {index + 1}");
        }
        if (IsSymbol(index + 1, '.') && index + 2 < tokens.Count && tokens[index + 2].Kind == SqlTokenKind.Word)
        {
            return new TableName(sql, tokens[index], tokens[index + 2], index + 3);
        }
        return new TableName(sql, null, tokens[index], index + 1);
    }

    public string InsertAfterName(int index, string text)
    {
        var name = NameAt(index);
        return Apply([new Edit(name.End, name.End, text)]);
    }

    /// <summary>The ENGINE clause outside any parentheses from token <paramref name="from"/> on, or null when there is none.</summary>
    public EngineRange? EngineClause(int from)
    {
        var depth = 0;
        for (var i = from; i < tokens.Count; i++)
        {
            depth += tokens[i].IsSymbol('(') ? 1 : tokens[i].IsSymbol(')') ? -1 : 0;
            if (depth != 0 || !tokens[i].Is("ENGINE"))
            {
                continue;
            }
            var at = IsSymbol(i + 1, '=') ? i + 2 : i + 1;
            if (at >= tokens.Count || tokens[at].Kind != SqlTokenKind.Word)
            {
                throw Refuse("expected an engine name after ENGINE");
            }
            var engine = tokens[at];
            if (!IsSymbol(at + 1, '('))
            {
                return new EngineRange(engine.Start, engine.End, engine.Text, "");
            }
            var close = Closing(at + 1);
            return new EngineRange(engine.Start, tokens[close].End, engine.Text, sql[tokens[at + 1].End..tokens[close].Start]);
        }
        return null;
    }

    /// <summary>The comma-separated commands from token <paramref name="from"/> to the end (commas inside parentheses do not separate).</summary>
    public IReadOnlyList<IReadOnlyList<SqlToken>> TopLevelCommands(int from)
    {
        var commands = new List<IReadOnlyList<SqlToken>>();
        var current = new List<SqlToken>();
        var depth = 0;
        for (var i = from; i < tokens.Count; i++)
        {
            depth += tokens[i].IsSymbol('(') ? 1 : tokens[i].IsSymbol(')') ? -1 : 0;
            if (depth == 0 && tokens[i].IsSymbol(','))
            {
                commands.Add(current);
                current = [];
                continue;
            }
            current.Add(tokens[i]);
        }
        commands.Add(current);
        return commands.Where(command => command.Count > 0).ToList();
    }

    /// <summary>Whether the statement already says ON CLUSTER.</summary>
    public bool NamesCluster() => Enumerable.Range(0, tokens.Count - 1).Any(i => tokens[i].Is("ON") && tokens[i + 1].Is("CLUSTER"));

    /// <summary>The statement's text with <paramref name="edits"/> made; everything else is kept byte for byte.</summary>
    public string Apply(IEnumerable<Edit> edits)
    {
        var text = new StringBuilder(sql);
        foreach (var edit in edits.OrderByDescending(edit => edit.Start))
        {
            text.Remove(edit.Start, edit.End - edit.Start).Insert(edit.Start, edit.Text);
        }
        return text.ToString();
    }

    public NotSupportedException Refuse(string reason)
    {
        var firstLine = sql.Split('\n').Select(line => line.Trim()).FirstOrDefault(line => line.Length > 0 && !line.StartsWith("--", StringComparison.Ordinal)) ?? sql;
        return new NotSupportedException($"Cannot run on a cluster: {reason} (statement: {firstLine}).");
    }

    private int Closing(int open)
    {
        var depth = 0;
        for (var i = open; i < tokens.Count; i++)
        {
            depth += tokens[i].IsSymbol('(') ? 1 : tokens[i].IsSymbol(')') ? -1 : 0;
            if (depth == 0)
            {
                return i;
            }
        }
        throw Refuse("unbalanced parentheses");
    }
}
