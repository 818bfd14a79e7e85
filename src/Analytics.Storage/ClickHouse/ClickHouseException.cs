using System.Text.RegularExpressions;

namespace Analytics.Storage.ClickHouse;

/// <summary>An error reported by the ClickHouse engine, with its numeric code (e.g. 62 = SYNTAX_ERROR, 60 = UNKNOWN_TABLE).</summary>
public sealed partial class ClickHouseException : Exception
{
    public ClickHouseException(int code, string message, string? sql = null)
        : base(code > 0 ? $"ClickHouse error {code}: {message}" : message)
    {
        Code = code;
        EngineMessage = message;
        Sql = sql;
    }

    /// <summary>ClickHouse's TIMEOUT_EXCEEDED: the query ran longer than its <c>max_execution_time</c> (<see cref="QueryTimeout"/>).</summary>
    public const int TimeoutExceeded = 159;

    /// <summary>The engine's error code, or 0 when the message carried none.</summary>
    public int Code { get; }

    public string EngineMessage { get; }

    /// <summary>The statement that failed (kept for diagnostics; statements never carry secrets, values are bound separately).</summary>
    public string? Sql { get; }

    /// <summary>Parses the engine's "Code: 62. DB::Exception: …" text into code and message.</summary>
    public static ClickHouseException FromEngineText(string text, string? sql = null)
    {
        var trimmed = text.Trim();
        var match = CodePattern().Match(trimmed);
        if (!match.Success)
        {
            return new ClickHouseException(0, trimmed, sql);
        }
        var message = trimmed[(match.Index + match.Length)..].Trim();
        return new ClickHouseException(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), message, sql);
    }

    [GeneratedRegex(@"Code:\s*(\d+)\.\s*(DB::Exception:)?")]
    private static partial Regex CodePattern();
}
