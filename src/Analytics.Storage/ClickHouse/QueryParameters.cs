namespace Analytics.Storage.ClickHouse;

/// <summary>Named values for <c>{name:Type}</c> placeholders. The placeholder's type tells the engine how to parse the value.</summary>
public sealed class QueryParameters : Dictionary<string, object?>
{
    public QueryParameters() : base(StringComparer.Ordinal) { }

    public static QueryParameters From(params (string Name, object? Value)[] values)
    {
        var parameters = new QueryParameters();
        foreach (var (name, value) in values)
        {
            parameters[name] = value;
        }
        return parameters;
    }
}
