// What the tests here read: the definitions of Core and the oracles that restate them.
global using Xunit;
global using Analytics.Core.Dora;
global using Analytics.Core.Space;
global using Analytics.Testing.Oracles;
