// What most tests here read: the catalog and the store the ingestors write to, and the runner that drives them.
global using Xunit;
global using Analytics.Ingestors.Runs;
global using Analytics.Storage.Catalog;
global using Analytics.Storage.ClickHouse;
global using Microsoft.Extensions.DependencyInjection;
