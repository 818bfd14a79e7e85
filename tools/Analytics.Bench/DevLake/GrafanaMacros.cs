using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Analytics.Bench.DevLake;

/// <summary>
/// Expands a DevLake dashboard query the way Grafana's MySQL data source does before sending it: the time macros
/// (<c>$__timeFilter(col)</c> → <c>col BETWEEN FROM_UNIXTIME(from) AND FROM_UNIXTIME(to)</c>, <c>$__timeFrom()</c>,
/// <c>$__timeTo()</c>, whole seconds since the epoch, UTC) and the dashboard variables (<c>$name</c>,
/// <c>${name}</c>, <c>${name:raw}</c>): a multi-value variable's values single-quoted and comma-separated (quotes
/// doubled), a single-value one inserted as it is. Anything else is left alone, so an unknown macro fails in MariaDB
/// rather than being guessed.
/// </summary>
public static partial class GrafanaMacros
{
    /// <summary>A dashboard variable: multi-value variables (DORA.json's <c>project</c>) are quoted, others raw.</summary>
    public sealed record Variable(IReadOnlyList<string> Values, bool Multi);

    public static string Expand(string sql, DateTimeOffset from, DateTimeOffset to, IReadOnlyDictionary<string, Variable> variables)
    {
        var fromSql = $"FROM_UNIXTIME({from.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)})";
        var toSql = $"FROM_UNIXTIME({to.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)})";
        var expanded = ExpandCalls(sql, "$__timeFilter", argument => $"{argument} BETWEEN {fromSql} AND {toSql}");
        expanded = ExpandCalls(expanded, "$__timeFrom", _ => fromSql);
        expanded = ExpandCalls(expanded, "$__timeTo", _ => toSql);
        return VariablePattern().Replace(expanded, match =>
        {
            var name = match.Groups["braced"].Success ? match.Groups["braced"].Value : match.Groups["bare"].Value;
            if (!variables.TryGetValue(name, out var variable))
            {
                return match.Value;
            }
            var raw = match.Groups["format"].Value == "raw";
            return variable.Multi && !raw
                ? string.Join(",", variable.Values.Select(value => $"'{value.Replace("'", "''", StringComparison.Ordinal)}'"))
                : string.Join(",", variable.Values);
        });
    }

    /// <summary>Replaces each <c>name(argument)</c>, the argument taken up to its balancing parenthesis (it may hold calls itself).</summary>
    private static string ExpandCalls(string sql, string name, Func<string, string> replacement)
    {
        var result = new StringBuilder(sql.Length);
        var position = 0;
        while (true)
        {
            var start = sql.IndexOf(name + "(", position, StringComparison.Ordinal);
            if (start < 0)
            {
                return result.Append(sql, position, sql.Length - position).ToString();
            }
            var open = start + name.Length;
            var depth = 0;
            var close = open;
            for (; close < sql.Length; close++)
            {
                depth += sql[close] switch { '(' => 1, ')' => -1, _ => 0 };
                if (depth == 0)
                {
                    break;
                }
            }
            if (close == sql.Length)
            {
                throw new FormatException($"{name}( at offset {start} has no closing parenthesis.");
            }
            result.Append(sql, position, start - position).Append(replacement(sql[(open + 1)..close].Trim()));
            position = close + 1;
        }
    }

    [GeneratedRegex(@"\$\{(?<braced>\w+)(?::(?<format>\w+))?\}|\$(?<bare>[A-Za-z]\w*)")]
    private static partial Regex VariablePattern();
}
