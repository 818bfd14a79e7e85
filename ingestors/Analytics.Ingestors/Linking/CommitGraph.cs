namespace Analytics.Ingestors.Linking;

/// <summary>One commit as the linker needs it: its parents (first parent first) and its committer time.</summary>
public sealed record GraphCommit(string Sha, IReadOnlyList<string> Parents, DateTimeOffset CommittedAt);

/// <summary>
/// The commit ancestry of one repository, for "which commits does this deployment ship that the previous one
/// did not" — <c>git rev-list previous..head</c>. Parents missing from the graph (history not ingested) are
/// treated as absent: reachability stops there.
/// </summary>
public sealed class CommitGraph
{
    private const byte FromHead = 1;
    private const byte FromPrevious = 2;
    private const byte Queued = 4;
    private const byte Done = 8;

    private readonly Dictionary<string, int> _indexBySha;
    private readonly string[] _shas;
    private readonly DateTimeOffset[] _committedAt;
    private readonly int[][] _parents;
    private readonly int[] _generation;
    private readonly int[] _byCommitTime;

    public CommitGraph(IEnumerable<GraphCommit> commits)
    {
        ArgumentNullException.ThrowIfNull(commits);
        var unique = new List<GraphCommit>();
        _indexBySha = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var commit in commits)
        {
            // A sha stored twice (re-ingested with another time) is one commit; the first one read wins.
            if (_indexBySha.TryAdd(commit.Sha, unique.Count))
            {
                unique.Add(commit);
            }
        }
        _shas = unique.Select(commit => commit.Sha).ToArray();
        _committedAt = unique.Select(commit => commit.CommittedAt).ToArray();
        var parents = unique
            .Select(commit => commit.Parents.Select(sha => _indexBySha.GetValueOrDefault(sha, -1)).Where(index => index >= 0).Distinct().ToArray())
            .ToArray();
        _generation = Generations(parents);
        // Keep only edges that go strictly down in generation: every edge of a real DAG does; an edge that
        // closes a cycle (corrupt data) does not, and dropping it keeps the walks finite and exact.
        _parents = parents.Select((list, index) => list.Where(parent => _generation[parent] < _generation[index]).ToArray()).ToArray();
        _byCommitTime = Enumerable.Range(0, _shas.Length).OrderBy(index => _committedAt[index]).ThenBy(index => _shas[index], StringComparer.Ordinal).ToArray();
    }

    public int Count => _shas.Length;

    public bool Contains(string sha) => _indexBySha.ContainsKey(sha);

    public IEnumerable<string> Shas => _shas;

    public DateTimeOffset CommittedAt(string sha) => _committedAt[_indexBySha[sha]];

    /// <summary>Every commit reachable from <paramref name="head"/> through parents, itself included.</summary>
    public IReadOnlyList<string> ReachableFrom(string head) => ReachableFromAny([IndexOf(head)]);

    /// <summary>Every commit reachable through parents from any of <paramref name="heads"/> (those in the graph), themselves included.</summary>
    public IReadOnlySet<string> ReachableFromAny(IEnumerable<string> heads) =>
        ReachableFromAny(heads.Select(sha => _indexBySha.GetValueOrDefault(sha, -1)).Where(index => index >= 0)).ToHashSet(StringComparer.Ordinal);

    private List<string> ReachableFromAny(IEnumerable<int> starts)
    {
        var seen = new bool[_shas.Length];
        var pending = new Stack<int>();
        var reachable = new List<string>();
        foreach (var start in starts.Where(start => !seen[start]))
        {
            seen[start] = true;
            pending.Push(start);
        }
        while (pending.TryPop(out var node))
        {
            reachable.Add(_shas[node]);
            foreach (var parent in _parents[node])
            {
                if (!seen[parent])
                {
                    seen[parent] = true;
                    pending.Push(parent);
                }
            }
        }
        return reachable;
    }

    /// <summary>
    /// The commits reachable from <paramref name="head"/> and not from <paramref name="previousHead"/>.
    /// </summary>
    /// <remarks>
    /// Walks down from both heads at once in decreasing generation (1 + the highest parent generation), painting
    /// each commit with the heads that reach it, as git does with its commit-graph. A commit is taken off the
    /// queue only after every commit above it, so its paint is final when read; the walk stops as soon as every
    /// queued commit is reachable from the previous head. Cost: the commits in between and their boundary,
    /// not the whole history.
    /// </remarks>
    public IReadOnlyList<string> NewCommits(string head, string previousHead)
    {
        var headIndex = IndexOf(head);
        var previousIndex = IndexOf(previousHead);
        var paint = new byte[_shas.Length];
        var queue = new PriorityQueue<int, int>();
        var queuedNewOnly = 0;

        void Paint(int node, byte colours)
        {
            var before = paint[node];
            var after = (byte)(before | colours);
            // A walked commit's paint is final (everything above it was walked first).
            if (before == after || (before & Done) != 0)
            {
                return;
            }
            if ((before & Queued) == 0)
            {
                after |= Queued;
                queue.Enqueue(node, -_generation[node]);
            }
            paint[node] = after;
            queuedNewOnly += (IsNewOnly(after) ? 1 : 0) - (IsNewOnly(before) ? 1 : 0);
        }

        Paint(headIndex, FromHead);
        Paint(previousIndex, FromPrevious);
        var shipped = new List<string>();
        while (queuedNewOnly > 0 && queue.TryDequeue(out var node, out _))
        {
            var colours = (byte)(paint[node] & (FromHead | FromPrevious));
            if (IsNewOnly(paint[node]))
            {
                queuedNewOnly--;
                shipped.Add(_shas[node]);
            }
            paint[node] |= Done;
            foreach (var parent in _parents[node])
            {
                Paint(parent, colours);
            }
        }
        return shipped;
    }

    /// <summary>Commits whose committer time is in (<paramref name="after"/>, <paramref name="upTo"/>]; null after = no lower bound.</summary>
    public IReadOnlyList<string> CommittedBetween(DateTimeOffset? after, DateTimeOffset upTo)
    {
        var first = after is { } lower ? FirstCommittedAfter(lower) : 0;
        var commits = new List<string>();
        for (var i = first; i < _byCommitTime.Length && _committedAt[_byCommitTime[i]] <= upTo; i++)
        {
            commits.Add(_shas[_byCommitTime[i]]);
        }
        return commits;
    }

    // Queued, painted from the new head only, and not yet walked: the commits that keep the walk going.
    private static bool IsNewOnly(byte paint) => (paint & (FromHead | FromPrevious | Done)) == FromHead;

    private int FirstCommittedAfter(DateTimeOffset instant)
    {
        int low = 0, high = _byCommitTime.Length;
        while (low < high)
        {
            var middle = (low + high) / 2;
            if (_committedAt[_byCommitTime[middle]] <= instant)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }
        return low;
    }

    private int IndexOf(string sha) =>
        _indexBySha.TryGetValue(sha, out var index) ? index : throw new KeyNotFoundException($"Commit {sha} is not in the graph.");

    /// <summary>Generation numbers by an iterative depth-first walk (histories are far deeper than the call stack).</summary>
    private static int[] Generations(int[][] parents)
    {
        const int Unvisited = 0, InProgress = 1, Finished = 2;
        var state = new byte[parents.Length];
        var generation = new int[parents.Length];
        var stack = new Stack<(int Node, int NextParent)>();
        for (var root = 0; root < parents.Length; root++)
        {
            if (state[root] != Unvisited)
            {
                continue;
            }
            state[root] = InProgress;
            stack.Push((root, 0));
            while (stack.TryPop(out var frame))
            {
                var (node, nextParent) = frame;
                if (nextParent < parents[node].Length)
                {
                    stack.Push((node, nextParent + 1));
                    var parent = parents[node][nextParent];
                    if (state[parent] == Unvisited)
                    {
                        state[parent] = InProgress;
                        stack.Push((parent, 0));
                    }
                    continue;
                }
                // A parent still in progress closes a cycle; it does not count (see the edge filter above).
                generation[node] = 1 + parents[node].Where(parent => state[parent] == Finished).Select(parent => generation[parent]).DefaultIfEmpty(0).Max();
                state[node] = Finished;
            }
        }
        return generation;
    }
}
