// What nearly every test here reads: the figures, the query layer, the host fixture and its services.
global using Xunit;
global using Analytics.Core.Dora;
global using Analytics.Storage.Metrics;
global using Analytics.Web.Tests.Hosting;
global using Microsoft.Extensions.DependencyInjection;
