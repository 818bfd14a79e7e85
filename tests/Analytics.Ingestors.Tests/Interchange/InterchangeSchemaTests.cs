using System.Text.Json;
using System.Text.Json.Nodes;
using Analytics.Ingestors.Push;
using Analytics.Testing;
using Json.Schema;

namespace Analytics.Ingestors.Tests.Interchange;

/// <summary>
/// The published JSON Schemas (docs/interchange/&lt;kind&gt;.schema.json): they accept the samples, refuse what the
/// import refuses for each kind of mistake, and name exactly the fields the import knows.
/// </summary>
public sealed class InterchangeSchemaTests
{
    private static string Folder(params string[] parts) => Path.Combine([RepositoryPaths.Root, .. parts]);

    public static TheoryData<string> Kinds() => new(PushedEvents.All.Select(e => e.Kind));

    private static JsonSchema Schema(string kind) =>
        JsonSchema.FromText(File.ReadAllText(Folder("docs", "interchange", $"{kind}.schema.json")), new BuildOptions { SchemaRegistry = new SchemaRegistry() });

    private static bool Valid(JsonSchema schema, string json)
    {
        using var document = JsonDocument.Parse(json);
        return schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List }).IsValid;
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void The_schema_accepts_the_sample_as_an_array_and_each_record_alone(string kind)
    {
        var schema = Schema(kind);
        var sample = File.ReadAllText(Folder("samples", "interchange", $"{kind}.json"));

        Assert.True(Valid(schema, sample));
        foreach (var record in JsonNode.Parse(sample)!.AsArray())
        {
            Assert.True(Valid(schema, record!.ToJsonString()), record.ToJsonString());
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void The_schema_names_the_fields_the_import_knows_and_requires_the_same(string kind)
    {
        var events = PushedEvents.All.Single(e => e.Kind == kind);
        var record = JsonNode.Parse(File.ReadAllText(Folder("docs", "interchange", $"{kind}.schema.json")))!["$defs"]!["record"]!;

        Assert.Equal(events.Fields.Select(f => f.Name).Order(), record["properties"]!.AsObject().Select(p => p.Key).Order());
        Assert.Equal(events.Fields.Where(f => f.Required).Select(f => f.Name).Order(), record["required"]!.AsArray().Select(n => n!.GetValue<string>()).Order());
    }

    [Theory]
    [InlineData("commits", """{"repository":"acme/shop","sha":"a1b2c3d"}""")] // authored_at missing
    [InlineData("commits", """{"repository":"acme/shop","sha":"a1b2c3d","authored_at":"2026-04-14T09:00:00"}""")] // no UTC offset
    [InlineData("commits", """{"repository":"shop","sha":"a1b2c3d","authored_at":"2026-04-14T09:00:00Z"}""")] // not owner/name
    [InlineData("commits", """{"repository":"acme/shop","sha":"xyz","authored_at":"2026-04-14T09:00:00Z"}""")] // not a sha
    [InlineData("commits", """{"repository":"acme/shop","sha":"a1b2c3d","authored_at":"2026-04-14T09:00:00Z","parents":["a1b2c3"]}""")] // parent too short
    [InlineData("commits", """{"repository":"acme/shop","sha":"a1b2c3d","authored_at":"2026-04-14T09:00:00Z","branch":"main"}""")] // unknown field
    [InlineData("pull-requests", """{"repository":"acme/shop","number":0,"author":"ana","opened_at":"2026-04-14T09:00:00Z"}""")] // number below 1
    [InlineData("pull-requests", """{"repository":"acme/shop","number":"seven","author":"ana","opened_at":"2026-04-14T09:00:00Z"}""")] // not a number
    [InlineData("pull-requests", """{"repository":"acme/shop","number":7,"opened_at":"2026-04-14T09:00:00Z"}""")] // author missing
    [InlineData("pull-requests", """{"repository":"acme/shop","number":7,"author":"ana","opened_at":"2026-04-14T09:00:00Z","commits":[7]}""")] // commits not strings
    [InlineData("reviews", """{"repository":"acme/shop","number":7,"review_id":"r1","reviewer":"ben","state":"lgtm","submitted_at":"2026-04-14T09:00:00Z"}""")] // unknown state
    [InlineData("reviews", """[{"repository":"acme/shop","number":7,"review_id":"r1","reviewer":"ben","state":"approved"}]""")] // submitted_at missing
    [InlineData("deployments", """{"deployment_id":"d1","service":"shop","environment":"production","status":"success","started_at":"2026-04-14T09:00:00Z"}""")] // success without finished_at
    [InlineData("deployments", """{"deployment_id":"d1","service":"Shop","environment":"production","status":"queued","started_at":"2026-04-14T09:00:00Z"}""")] // not a slug
    [InlineData("incidents", """{"incident_id":"i1","service":"shop","severity":"high","started_at":"2026-04-14T09:00:00Z"}""")] // not sev1-5
    public void The_schema_refuses_a_bad_document(string kind, string json) => Assert.False(Valid(Schema(kind), json));
}
