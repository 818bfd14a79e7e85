namespace Analytics.Storage.Tests.ClickHouse;

public sealed class EmbeddedStoreContractTests : StoreContract
{
    protected override async Task<IClickHouseStore> NewStoreAsync() => await EmbeddedEngine.NewDatabaseAsync("contract");
}
