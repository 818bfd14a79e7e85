namespace Analytics.Storage.ClickHouse;

/// <summary>
/// The catalogue of named ClickHouse SQL files under <c>sql/clickhouse</c>: numbered migrations and
/// metric queries (<c>queries/&lt;area&gt;/&lt;name&gt;.sql</c>, addressed as "area/name").
/// The files are copied beside the executable; a different root can be given for development.
/// </summary>
public sealed class SqlFiles
{
    public SqlFiles(string? root = null)
    {
        Root = root ?? Path.Combine(AppContext.BaseDirectory, "sql", "clickhouse");
        if (!Directory.Exists(Root))
        {
            throw new DirectoryNotFoundException($"The SQL catalogue '{Root}' does not exist.");
        }
    }

    public string Root { get; }

    // The name of each query text handed out, so telemetry can name a query by its file, never by its text.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _names = new(StringComparer.Ordinal);

    /// <summary>The text of queries/&lt;name&gt;.sql, e.g. <c>Query("dora/deployment_frequency")</c>.</summary>
    public string Query(string name)
    {
        if (name.Contains("..", StringComparison.Ordinal) || Path.IsPathRooted(name))
        {
            throw new ArgumentException($"'{name}' is not a query name.", nameof(name));
        }
        var path = Path.Combine(Root, "queries", name + ".sql");
        var sql = File.Exists(path)
            ? File.ReadAllText(path)
            : throw new FileNotFoundException($"No query file {path} for query '{name}'.", path);
        _names[sql] = name;
        return sql;
    }

    /// <summary>The name of the query file <paramref name="sql"/> was read from by <see cref="Query"/>, or null.</summary>
    public string? NameOf(string sql) => _names.TryGetValue(sql, out var name) ? name : null;

    public IReadOnlyList<string> QueryNames() =>
        Directory.EnumerateFiles(Path.Combine(Root, "queries"), "*.sql", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(Path.Combine(Root, "queries"), path)[..^4].Replace('\\', '/'))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>
    /// The derived tables (derived/&lt;name&gt;.sql: a SELECT whose <c>-- Sources:</c> line names the tables it reads),
    /// each after the derived tables it reads.
    /// </summary>
    public IReadOnlyList<DerivedTable> DerivedTables()
    {
        var pending = Directory.EnumerateFiles(Path.Combine(Root, "derived"), "*.sql")
            .Select(path => (Path: path, Sql: File.ReadAllText(path)))
            .Select(file => new DerivedTable(Path.GetFileNameWithoutExtension(file.Path), file.Sql, SourcesOf(file.Path, file.Sql), ScopeOf(file.Path, file.Sql)))
            .OrderBy(table => table.Name, StringComparer.Ordinal)
            .ToList();
        var ordered = new List<DerivedTable>();
        while (pending.Count > 0)
        {
            var ready = pending.FirstOrDefault(table => table.Sources.All(source => !pending.Any(other => other.Name == source)))
                ?? throw new InvalidDataException($"The derived tables {string.Join(", ", pending.Select(t => t.Name))} read each other in a cycle.");
            ordered.Add(ready);
            pending.Remove(ready);
        }
        return ordered;
    }

    private static IReadOnlyList<string> SourcesOf(string path, string sql) =>
        HeaderLine(path, sql, "-- Sources:", "naming the tables it reads")
            .Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private static string ScopeOf(string path, string sql) =>
        HeaderLine(path, sql, "-- Scope:", "naming the key it is computed per") switch
        {
            "service" => "service",
            "repository" => "repository",
            _ => throw new InvalidDataException($"{path}: the '-- Scope:' line must say service or repository."),
        };

    private static string HeaderLine(string path, string sql, string prefix, string what)
    {
        var line = sql.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))
            ?? throw new InvalidDataException($"{path} has no '{prefix}' line {what}.");
        return line[prefix.Length..].Trim().TrimEnd('.');
    }

    /// <summary>Migration files named NNNN_name.sql, in version order.</summary>
    public IReadOnlyList<MigrationFile> Migrations()
    {
        var files = new List<MigrationFile>();
        foreach (var path in Directory.EnumerateFiles(Path.Combine(Root, "migrations"), "*.sql"))
        {
            var fileName = Path.GetFileNameWithoutExtension(path);
            var separator = fileName.IndexOf('_');
            if (separator <= 0 || !int.TryParse(fileName[..separator], out var version))
            {
                throw new InvalidDataException($"Migration file {path} must be named NNNN_name.sql.");
            }
            files.Add(new MigrationFile(version, fileName[(separator + 1)..], path, File.ReadAllText(path)));
        }
        var duplicate = files.GroupBy(file => file.Version).FirstOrDefault(group => group.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidDataException($"Two migrations share version {duplicate.Key}: {string.Join(", ", duplicate.Select(file => file.Path))}.");
        }
        return files.OrderBy(file => file.Version).ToList();
    }
}

public sealed record MigrationFile(int Version, string Name, string Path, string Sql)
{
    /// <summary>Statements separated by a semicolon at the end of a line; comment-only fragments are dropped.</summary>
    public IReadOnlyList<string> Statements() =>
        Sql.Split([";\n", ";\r\n"], StringSplitOptions.None)
            .Select(statement => statement.Trim().TrimEnd(';'))
            .Where(statement => statement.Split('\n').Any(line => line.Trim() is { Length: > 0 } text && !text.StartsWith("--", StringComparison.Ordinal)))
            .ToList();

    public string Checksum => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Sql)));
}
