using Analytics.Core.Dora;
using Analytics.Storage.ClickHouse;

namespace Analytics.Storage.Metrics;

/// <summary>
/// Mirrors the hotfix rules of configuration (<see cref="MetricOptions.HotfixBranchPattern"/>, …) into
/// settings_hotfix_rules, where sql/clickhouse/derived/production_deployments.sql reads them. Run at start-up after
/// the migrations; rewrites the table only when the rules changed, so an unchanged start does not rebuild the
/// derived tables. Each pattern is first compiled by ClickHouse itself, so a rule RE2 refuses stops start-up with the
/// setting's name instead of failing every refresh.
/// </summary>
public static class HotfixRulesSync
{
    public const string TableName = "settings_hotfix_rules";

    public static async Task SyncAsync(IClickHouseStore store, MetricOptions options, CancellationToken cancellationToken = default)
    {
        var wanted = options.Rules().Where(rule => rule.Pattern != "")
            .Select(rule => new RuleRow(HotfixRules.AppliesTo(rule.Target), rule.Pattern)).ToList();
        foreach (var (setting, _, pattern) in options.Rules().Where(rule => rule.Pattern != ""))
        {
            try
            {
                await store.QueryAsync<RuleRow>("SELECT '' AS applies_to, toString(match('', {pattern:String})) AS pattern",
                    QueryParameters.From(("pattern", pattern)), cancellationToken);
            }
            catch (ClickHouseException error)
            {
                throw new InvalidOperationException(
                    $"{MetricOptions.Section}:{setting} '{pattern}' is not a regular expression ClickHouse (RE2) accepts: {error.Message}", error);
            }
        }
        var stored = await store.QueryAsync<RuleRow>($"SELECT applies_to, pattern FROM {TableName} WHERE pattern != ''", cancellationToken: cancellationToken);
        if (stored.Order().SequenceEqual(wanted.Order()))
        {
            return;
        }
        await store.ExecuteAsync($"TRUNCATE TABLE {TableName}", cancellationToken: cancellationToken);
        await store.InsertAsync(TableName, ["applies_to", "pattern"], wanted.Select(rule => new object?[] { rule.AppliesTo, rule.Pattern }), cancellationToken);
    }

    private sealed record RuleRow(string AppliesTo, string Pattern) : IComparable<RuleRow>
    {
        public int CompareTo(RuleRow? other) =>
            other is null ? 1 : string.CompareOrdinal($"{AppliesTo}\n{Pattern}", $"{other.AppliesTo}\n{other.Pattern}");
    }
}
