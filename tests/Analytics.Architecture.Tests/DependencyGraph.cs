namespace Analytics.Architecture.Tests;

/// <summary>A directed graph of names, and the first cycle in it (if any), for readable failures.</summary>
internal sealed class DependencyGraph
{
    private readonly SortedDictionary<string, SortedSet<string>> edges = new(StringComparer.Ordinal);
    private readonly Dictionary<(string From, string To), string> evidence = [];

    public void Add(string from, string to, string because)
    {
        if (from == to)
        {
            return;
        }
        if (!edges.TryGetValue(from, out var targets))
        {
            edges[from] = targets = new SortedSet<string>(StringComparer.Ordinal);
        }
        targets.Add(to);
        evidence.TryAdd((from, to), because);
    }

    /// <summary>A cycle as "a → b (because) → a …", or null when the graph is one-way.</summary>
    public string? FindCycle()
    {
        var state = new Dictionary<string, bool>(StringComparer.Ordinal); // false: on the path; true: done
        var path = new List<string>();
        foreach (var start in edges.Keys)
        {
            if (Visit(start, state, path) is { } cycle)
            {
                return cycle;
            }
        }
        return null;
    }

    private string? Visit(string node, Dictionary<string, bool> state, List<string> path)
    {
        if (state.TryGetValue(node, out var done))
        {
            if (done)
            {
                return null;
            }
            var loop = path.Skip(path.IndexOf(node)).Append(node).ToList();
            return string.Join(" → ", loop.Zip(loop.Skip(1), (from, to) => $"{from} → {to} ({evidence[(from, to)]})").Take(1)
                .Concat(loop.Zip(loop.Skip(1), (from, to) => (from, to)).Skip(1).Select(pair => $"{pair.to} ({evidence[pair]})")));
        }
        state[node] = false;
        path.Add(node);
        foreach (var next in edges.GetValueOrDefault(node) ?? [])
        {
            if (Visit(next, state, path) is { } cycle)
            {
                return cycle;
            }
        }
        path.RemoveAt(path.Count - 1);
        state[node] = true;
        return null;
    }
}
