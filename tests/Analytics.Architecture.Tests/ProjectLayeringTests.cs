namespace Analytics.Architecture.Tests;

/// <summary>
/// The projects form one-way layers, and the shipped app holds nothing but the product: no simulator, benchmark,
/// oracle or browser driver (those live under tools/ and tests/).
/// </summary>
public sealed class ProjectLayeringTests
{
    /// <summary>The product's layers, lowest first; a project may reference only projects of a lower layer.</summary>
    private static readonly Dictionary<string, int> Layers = new(StringComparer.Ordinal)
    {
        ["Analytics.Core"] = 0,
        ["Analytics.Storage"] = 1,
        ["Analytics.Ingestors"] = 2,
        ["Analytics.Web"] = 3,
    };

    /// <summary>
    /// Packages that exist to test, measure or drive a browser: never in the product. MySqlConnector is only the
    /// client of the benchmark against Apache DevLake's MariaDB (tools/Analytics.Bench); the app has no MySQL store.
    /// </summary>
    private static readonly string[] NotProductPackages =
        ["Microsoft.Playwright", "bunit", "xunit", "xunit.runner.visualstudio", "Microsoft.NET.Test.Sdk", "coverlet.collector", "BenchmarkDotNet", "MySqlConnector"];

    public static TheoryData<string> ProductProjects() => [.. Repository.Projects.Where(project => project.IsProduct).Select(project => project.Name)];

    [Theory]
    [MemberData(nameof(ProductProjects))]
    public void A_product_project_references_only_lower_layers(string name)
    {
        var project = Repository.Project(name);
        Assert.True(Layers.TryGetValue(name, out var layer), $"{name} is a product project without a layer: give it one in {nameof(ProjectLayeringTests)}.{nameof(Layers)}.");
        foreach (var reference in project.ProjectReferences)
        {
            Assert.True(Layers.TryGetValue(reference, out var referenced) && referenced < layer,
                $"{name} (layer {layer}) references {reference}, which is not a product project of a lower layer.");
        }
    }

    [Fact]
    public void The_shipped_app_holds_only_the_product()
    {
        var app = Repository.Project("Analytics.Web");
        foreach (var project in app.Closure())
        {
            Assert.True(project.IsProduct, $"The app reaches {project.Name} in {project.TopFolder}/, which is not product code (only {string.Join(", ", Repository.ProductFolders)}/ is).");
            var offending = project.Packages.Intersect(NotProductPackages, StringComparer.OrdinalIgnoreCase).ToList();
            Assert.True(offending.Count == 0, $"The app reaches {project.Name}, which references {string.Join(", ", offending)}: test, benchmark or browser code.");
        }
    }

    [Fact]
    public void Every_layer_is_a_project_that_exists()
    {
        // Guards the table above against a rename: a layer without its project would check nothing.
        Assert.All(Layers.Keys, name => Assert.Contains(Repository.Projects, project => project.Name == name && project.IsProduct));
    }
}
