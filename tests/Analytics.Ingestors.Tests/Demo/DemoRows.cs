using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Analytics.Ingestors.Demo;

namespace Analytics.Ingestors.Tests.Demo;

/// <summary>A materialised demo table whose cells are read by column name.</summary>
public sealed class DemoRows
{
    private readonly Dictionary<string, int> _columns;

    public DemoRows(DemoTable table)
    {
        Name = table.Name;
        _columns = table.Columns.Select((name, index) => (name, index)).ToDictionary(c => c.name, c => c.index);
        Rows = table.Rows.ToList();
    }

    public string Name { get; }

    public IReadOnlyList<object?[]> Rows { get; }

    public T Get<T>(object?[] row, string column) => (T)row[_columns[column]]!;

    public string Text(object?[] row, string column) => Get<string>(row, column);

    public DateTime Time(object?[] row, string column) => Get<DateTime>(row, column);

    public DateTime? OptionalTime(object?[] row, string column) => (DateTime?)row[_columns[column]];

    /// <summary>A fingerprint of every value of every row, for determinism checks.</summary>
    public static string Hash(IEnumerable<DemoTable> tables, DemoCatalog catalog)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var table in tables)
        {
            sha.AppendData(Encoding.UTF8.GetBytes(table.Name + "|" + string.Join(",", table.Columns) + "\n"));
            foreach (var row in table.Rows)
            {
                sha.AppendData(Encoding.UTF8.GetBytes(string.Join("\t", row.Select(Format)) + "\n"));
            }
        }
        sha.AppendData(Encoding.UTF8.GetBytes(string.Join("\n", catalog.Teams.Concat<object>(catalog.People).Concat(catalog.Memberships)
            .Concat(catalog.Services).Concat(catalog.Ownerships).Concat(catalog.Templates).Concat(catalog.ServiceTemplates))));
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private static string Format(object? value) => value switch
    {
        null => "∅",
        DateTime time => time.Ticks.ToString(CultureInfo.InvariantCulture) + time.Kind,
        string[] items => "[" + string.Join(",", items) + "]",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}

/// <summary>Scale S with seed 42, generated once for the whole test class (tables materialised on first use).</summary>
public sealed class ScaleSFixture
{
    public static readonly DateTimeOffset End = new(2026, 11, 26, 0, 0, 0, TimeSpan.Zero);

    private readonly Lazy<DemoRows> _commits;
    private readonly Lazy<DemoRows> _pullRequests;
    private readonly Lazy<DemoRows> _pullRequestReviews;
    private readonly Lazy<DemoRows> _deployments;
    private readonly Lazy<DemoRows> _deploymentCommits;
    private readonly Lazy<DemoRows> _incidents;
    private readonly Lazy<DemoRows> _surveyResponses;

    public ScaleSFixture()
    {
        Generator = new DemoOrganisationGenerator(DemoScale.S, 42, End);
        _commits = new(() => new DemoRows(Generator.Commits));
        _pullRequests = new(() => new DemoRows(Generator.PullRequests));
        _pullRequestReviews = new(() => new DemoRows(Generator.PullRequestReviews));
        _deployments = new(() => new DemoRows(Generator.Deployments));
        _deploymentCommits = new(() => new DemoRows(Generator.DeploymentCommits));
        _incidents = new(() => new DemoRows(Generator.Incidents));
        _surveyResponses = new(() => new DemoRows(Generator.SurveyResponses));
    }

    public DemoOrganisationGenerator Generator { get; }

    public DemoCatalog Catalog => Generator.Catalog;

    public DemoRows Commits => _commits.Value;

    public DemoRows PullRequests => _pullRequests.Value;

    public DemoRows PullRequestReviews => _pullRequestReviews.Value;

    public DemoRows Deployments => _deployments.Value;

    public DemoRows DeploymentCommits => _deploymentCommits.Value;

    public DemoRows Incidents => _incidents.Value;

    public DemoRows SurveyResponses => _surveyResponses.Value;

    /// <summary>The team that owned the service at that instant, from the catalog's ownership ranges.</summary>
    public string OwnerAt(string serviceSlug, DateTime at) =>
        Catalog.Ownerships.Single(o => o.ServiceSlug == serviceSlug && Covers(o.ValidFrom, o.ValidTo, at)).TeamSlug;

    public static bool Covers(DateTimeOffset from, DateTimeOffset? to, DateTime at) =>
        from.UtcDateTime <= at && (to is null || at < to.Value.UtcDateTime);
}
