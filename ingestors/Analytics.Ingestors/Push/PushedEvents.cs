using Analytics.Ingestors.Csv;

namespace Analytics.Ingestors.Push;

/// <summary>What one kind of pushed event is: the record's fields, how to parse one, and where it goes.</summary>
public sealed record PushedEvents(
    string Name, IReadOnlyList<FieldSpec> Fields, string Table, IReadOnlyList<string> Columns, string IdField, StoredEventIdentity Identity,
    Func<RecordReader, (string Id, string Group, DateTimeOffset Start, Func<string, object?[]> ToRow)> Parse)
{
    /// <summary>The kind a push key may be limited to: "deployments" or "incidents".</summary>
    public string Kind => Name + "s";

    public static readonly PushedEvents Deployments = new("deployment", DeploymentEvent.Fields, DeploymentEvent.Table, DeploymentEvent.Columns,
        "deployment_id", StoredEventIdentity.Deployments, reader =>
        {
            var e = DeploymentEvent.Parse(reader);
            return (e.DeploymentId, e.Service, e.StartedAt, e.ToRow);
        });

    public static readonly PushedEvents Incidents = new("incident", IncidentEvent.Fields, IncidentEvent.Table, IncidentEvent.Columns,
        "incident_id", StoredEventIdentity.Incidents, reader =>
        {
            var e = IncidentEvent.Parse(reader);
            return (e.IncidentId, e.Service, e.StartedAt, e.ToRow);
        });
}
