// What most tests here read: the figures, the catalog, the store and the query layer, with their test databases.
global using Xunit;
global using Analytics.Core.Dora;
global using Analytics.Storage.Catalog;
global using Analytics.Storage.ClickHouse;
global using Analytics.Storage.Metrics;
global using Analytics.Storage.Tests.Catalog;
global using Analytics.Storage.Tests.ClickHouse;
global using Analytics.Testing.Oracles;
global using Microsoft.Extensions.Options;
