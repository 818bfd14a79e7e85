using System.Globalization;
using System.Text;
using Spectre.Console;

namespace Analytics.Web.Cli;

/// <summary>A cell of a <see cref="FittedTable"/>: its text, and optionally a shorter form used when the table is too wide.</summary>
internal readonly record struct FittedCell(string Text, string? Short = null)
{
    public static implicit operator FittedCell(string text) => new(text);
}

/// <summary>
/// Every console table of the CLI: sized to the terminal (<see cref="Profile.Width"/>: the terminal's width, the
/// caller's when a command runs in the serving app, else <c>COLUMNS</c> or 80, see <see cref="UseColumnsVariable"/>) so
/// that no line wraps. Columns are listed most important first. When the table is too wide, the last columns are
/// shortened (their short header and cells, e.g. without sample sizes), then left out from the last, the first
/// column always kept; a line under the table names what was shortened or left out. A cell never wraps onto a second
/// line: a figure is read on one line or not shown. Cells are plain text (no markup).
/// </summary>
internal sealed class FittedTable
{
    private readonly List<(string Header, string? Short, string? ShortNote)> _columns = [];
    private readonly List<FittedCell[]> _rows = [];

    /// <summary>What to suggest when columns are left out, after "widen the terminal"; e.g. "use --format csv".</summary>
    public string? Alternative { get; init; }

    /// <summary>Adds a column after the others (so of lower priority).</summary>
    /// <param name="shortHeader">The header when the column is shortened; its cells' <see cref="FittedCell.Short"/> forms are used then.</param>
    /// <param name="shortNote">What shortening leaves out, for the note under the table, e.g. "n".</param>
    public FittedTable Column(string header, string? shortHeader = null, string? shortNote = null)
    {
        _columns.Add((header, shortHeader, shortNote));
        return this;
    }

    public FittedTable Columns(params string[] headers)
    {
        foreach (var header in headers)
        {
            Column(header);
        }
        return this;
    }

    public FittedTable AddRow(params FittedCell[] cells)
    {
        if (cells.Length != _columns.Count)
        {
            throw new ArgumentException($"A row of {cells.Length} cells for a table of {_columns.Count} columns.", nameof(cells));
        }
        _rows.Add(cells);
        return this;
    }

    /// <summary>
    /// Output that is not a terminal (a pipe, a file, a test) has no width of its own, so Spectre takes 80; the
    /// <c>COLUMNS</c> environment variable, when set to a number, says otherwise. A terminal's own width wins.
    /// </summary>
    public static void UseColumnsVariable()
    {
        if (Console.IsOutputRedirected
            && int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), NumberStyles.None, CultureInfo.InvariantCulture, out var columns) && columns > 0)
        {
            AnsiConsole.Profile.Width = columns;
        }
    }

    /// <summary>Writes the table, and the note on what did not fit, to <paramref name="console"/> (default: the command's console).</summary>
    public void Write(IAnsiConsole? console = null)
    {
        console ??= AnsiConsole.Console;
        foreach (var line in Render(console.Profile.Width, console.Profile.Capabilities.Unicode))
        {
            console.WriteLine(line, Style.Plain);
        }
    }

    /// <summary>The lines of the table at <paramref name="width"/> characters, none longer.</summary>
    internal IReadOnlyList<string> Render(int width, bool unicode = true)
    {
        width = Math.Max(width, 20);
        var count = _columns.Count;
        var shortened = new bool[count];
        var shown = count;
        int Width(int column) => ColumnWidth(column, shortened[column]);
        int Total() => 1 + Enumerable.Range(0, shown).Sum(c => Width(c) + 3);   // "│ " cell " " per column, and the closing "│"
        bool Shortenable(int column) => _columns[column].Short is not null || _rows.Any(r => r[column].Short is not null);

        // Shorten from the last column, then leave out from the last; then undo shortenings that are no longer needed.
        for (var c = count - 1; c >= 0 && Total() > width; c--)
        {
            shortened[c] = Shortenable(c);
        }
        while (Total() > width && shown > 1)
        {
            shown--;
        }
        for (var c = 0; c < shown; c++)
        {
            if (shortened[c])
            {
                shortened[c] = false;
                shortened[c] = Total() > width;
            }
        }
        // Only the first column and still too wide (a very narrow terminal): its cells are cut, marked with "…".
        var firstWidth = Width(0);
        if (Total() > width)
        {
            firstWidth = Math.Max(1, firstWidth - (Total() - width));
        }
        var widths = Enumerable.Range(0, shown).Select(c => c == 0 ? firstWidth : Width(c)).ToArray();
        // Room to spare goes to headers that would otherwise wrap, most important column first.
        var spare = width - (1 + widths.Sum(w => w + 3));
        for (var c = 0; c < shown; c++)
        {
            var need = Length(Header(c, shortened[c])) - widths[c];
            if (need > 0 && need <= spare)
            {
                widths[c] += need;
                spare -= need;
            }
        }

        var (h, v, topLeft, topMid, topRight, midLeft, midMid, midRight, bottomLeft, bottomMid, bottomRight) = unicode
            ? ('─', '│', '┌', '┬', '┐', '├', '┼', '┤', '└', '┴', '┘')
            : ('-', '|', '+', '+', '+', '+', '+', '+', '+', '+', '+');
        string Rule(char left, char mid, char right) => left + string.Join(mid, widths.Select(w => new string(h, w + 2))) + right;
        string Line(IReadOnlyList<string> cells) => v + string.Concat(cells.Select((cell, c) => " " + Fit(cell, widths[c]) + " " + v));

        var lines = new List<string> { Rule(topLeft, topMid, topRight) };
        var headers = Enumerable.Range(0, shown).Select(c => Wrap(Header(c, shortened[c]), widths[c])).ToList();
        for (var i = 0; i < headers.Max(lines => lines.Count); i++)
        {
            lines.Add(Line(headers.Select(header => i < header.Count ? header[i] : "").ToList()));
        }
        lines.Add(Rule(midLeft, midMid, midRight));
        foreach (var row in _rows)
        {
            lines.Add(Line(Enumerable.Range(0, shown).Select(c => Cell(row[c], shortened[c])).ToList()));
        }
        lines.Add(Rule(bottomLeft, bottomMid, bottomRight));

        var notes = new List<string>();
        var cut = Enumerable.Range(0, shown).Where(c => shortened[c]).Select(c => _columns[c].ShortNote is { } note ? $"{_columns[c].Header} (without {note})" : _columns[c].Header).ToList();
        if (cut.Count > 0)
        {
            notes.Add($"Shortened to fit {width} columns: {string.Join("; ", cut)}.");
        }
        if (shown < count)
        {
            var hidden = _columns.Skip(shown).Select(c => c.Header).ToList();
            notes.Add($"{hidden.Count} {(hidden.Count == 1 ? "column" : "columns")} hidden: {string.Join("; ", hidden)}.");
        }
        if (notes.Count > 0)
        {
            notes.Add(Alternative is null ? "To see them all, widen the terminal." : $"To see them all, widen the terminal or {Alternative}.");
            lines.AddRange(Wrap(string.Join(" ", notes), width));
        }
        return lines;
    }

    private string Header(int column, bool shortened) => shortened && _columns[column].Short is { } header ? header : _columns[column].Header;

    private static string Cell(FittedCell cell, bool shortened) => shortened && cell.Short is { } text ? text : cell.Text;

    /// <summary>As wide as its widest cell, and its header's longest word (headers wrap between words; cells never do).</summary>
    private int ColumnWidth(int column, bool shortened) =>
        Math.Max(
            _rows.Select(row => Length(Cell(row[column], shortened))).DefaultIfEmpty(0).Max(),
            Header(column, shortened).Split(' ').Max(Length));

    /// <summary>Characters as the terminal counts them (text elements; the CLI's figures and names are narrow characters).</summary>
    private static int Length(string text) => new StringInfo(text).LengthInTextElements;

    private static string Fit(string text, int width)
    {
        var length = Length(text);
        if (length <= width)
        {
            return text + new string(' ', width - length);
        }
        return width <= 1 ? "…" : new StringInfo(text).SubstringByTextElements(0, width - 1) + "…";
    }

    /// <summary>Words onto lines of at most <paramref name="width"/>; a word longer than that is cut.</summary>
    private static List<string> Wrap(string text, int width)
    {
        var lines = new List<string>();
        var line = new StringBuilder();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && Length(line.ToString()) + 1 + Length(word) > width)
            {
                lines.Add(line.ToString());
                line.Clear();
            }
            line.Append(line.Length > 0 ? " " : "").Append(word);
        }
        lines.Add(line.ToString());
        return lines.Select(l => Length(l) > width ? Fit(l, width) : l).ToList();
    }
}
