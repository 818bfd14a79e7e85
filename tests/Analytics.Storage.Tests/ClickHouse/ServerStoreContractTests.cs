using Analytics.Storage.ClickHouse.Server;

namespace Analytics.Storage.Tests.ClickHouse;

/// <summary>The server transport (ClickHouse.Driver over HTTP) against ClickHouse's HTTP interface answered by the embedded engine.</summary>
public sealed class ServerStoreOverHttpInterfaceContractTests : StoreContract
{
    protected override async Task<IClickHouseStore> NewStoreAsync()
    {
        var store = new ClickHouseServerStore("Host=clickhouse.invalid;Port=8123;Username=default;Password=not-a-secret",
            $"server_{Guid.NewGuid():N}", new HttpClient(new ChDbHttpInterface()));
        await store.EnsureDatabaseAsync();
        return store;
    }
}

/// <summary>The server transport against a real ClickHouse server, when CLICKHOUSE_URL names one (e.g. Host=localhost;Port=8123).</summary>
[RequiresClickHouseServer]
public sealed class ServerStoreContractTests : StoreContract
{
    protected override async Task<IClickHouseStore> NewStoreAsync()
    {
        var store = new ClickHouseServerStore(RequiresClickHouseServerAttribute.ConnectionString!, $"contract_{Guid.NewGuid():N}");
        await store.EnsureDatabaseAsync();
        return store;
    }
}
