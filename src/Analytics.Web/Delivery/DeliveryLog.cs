using Analytics.Storage.ClickHouse;

namespace Analytics.Web.Delivery;

/// <summary>One target's outcome in a run: sent, skipped (sent before for this period) or failed with its error.</summary>
public sealed record DeliveryRecord(
    string RunId, string Kind, string Period, string Target, string TargetLabel, string Trigger,
    DateTimeOffset StartedAt, DateTimeOffset FinishedAt, string Status, int Attempts, string Error);

/// <summary>A run as the admin page lists it.</summary>
public sealed record DeliveryRun(
    string RunId, string Kind, string Period, string Trigger, DateTimeOffset StartedAt, DateTimeOffset FinishedAt,
    ulong Sent, ulong Skipped, ulong Failed, ulong Attempts, string Errors);

/// <summary>
/// The deliveries in the shared store (table <c>deliveries</c>): in ClickHouse rather than the SQLite catalog because
/// app instances on several machines share the store, so "sent already" holds across instances and restarts.
/// </summary>
public sealed class DeliveryLog(IClickHouseStore store, SqlFiles sql)
{
    public const string Sent = "sent";
    public const string Skipped = "skipped";
    public const string Failed = "failed";

    private static readonly string[] Columns =
        ["run_id", "kind", "period", "target", "target_label", "trigger", "started_at", "finished_at", "status", "attempts", "error"];

    public async Task<bool> WasSentAsync(string kind, string period, string target, CancellationToken cancellationToken)
    {
        var rows = await store.QueryAsync<SentRow>(sql.Query("admin/delivery_sent"),
            QueryParameters.From(("kind", kind), ("period", period), ("target", target)), cancellationToken);
        return rows.Single().Sent > 0;
    }

    public Task RecordAsync(DeliveryRecord record, CancellationToken cancellationToken) =>
        store.InsertAsync("deliveries", Columns,
        [
            [record.RunId, record.Kind, record.Period, record.Target, record.TargetLabel, record.Trigger,
                record.StartedAt, record.FinishedAt, record.Status, (byte)Math.Min(record.Attempts, byte.MaxValue), record.Error],
        ], cancellationToken);

    /// <summary>The newest <paramref name="take"/> runs, newest first.</summary>
    public Task<IReadOnlyList<DeliveryRun>> RecentRunsAsync(int take, CancellationToken cancellationToken = default) =>
        store.QueryAsync<DeliveryRun>(sql.Query("admin/delivery_runs"), QueryParameters.From(("take", (uint)take)), cancellationToken);

    private sealed record SentRow(ulong Sent);
}
