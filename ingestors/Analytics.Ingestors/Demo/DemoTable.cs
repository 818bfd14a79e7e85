namespace Analytics.Ingestors.Demo;

/// <summary>
/// One ClickHouse table's worth of demo rows: values in <see cref="Columns"/> order, typed as
/// <see cref="Analytics.Storage.ClickHouse.IClickHouseStore.InsertAsync"/> expects them.
/// </summary>
/// <param name="Rows">Lazy and re-enumerable: each enumeration regenerates the same rows from the seed.</param>
public sealed record DemoTable(string Name, IReadOnlyList<string> Columns, IEnumerable<object?[]> Rows);
