using System.Globalization;
using System.Text;

namespace Analytics.Testing;

/// <summary>
/// A bare git repository whose history spans <see cref="Months"/> months (2011-2026, more than the 100 partitions
/// one ClickHouse INSERT block may touch by default), written by plain <c>git fast-import</c>: on main, a commit on
/// the 3rd and the 17th of every month, a feature branch merged with --no-ff every quarter, and a lightweight tag
/// <c>v1.&lt;n&gt;.0</c> on each month's last commit, so deployments span as many months as commits do.
/// </summary>
/// <remarks>
/// The shape of a long-lived small library (e.g. npm/node-semver, 2011-2026; docs/metrics.md records that real
/// run). Generated rather than shipped as a bundle: the history's length is what matters here, and this costs a
/// few hundred milliseconds and no binary fixture.
/// </remarks>
public sealed class LongHistory : IDisposable
{
    public const string RepositoryName = "acme/long-lived-lib";
    public const string Service = "long-lived-lib";
    public static readonly DateTimeOffset FirstMonth = new(2011, 2, 1, 0, 0, 0, TimeSpan.Zero);
    public const int Months = 185;

    private LongHistory(string path) => Path = path;

    public string Path { get; }

    public int Tags => Months;

    public static LongHistory Create()
    {
        var path = Directory.CreateTempSubdirectory("git-long-history-").FullName;
        Git(path, null, "init", "--bare", "--quiet", "--initial-branch=main");
        Git(path, FastImportStream(), "fast-import", "--quiet");
        return new LongHistory(path);
    }

    /// <summary>Runs plain git in the repository and returns its standard output.</summary>
    public string Git(params string[] arguments) => Git(Path, null, arguments);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder left behind is harmless.
        }
    }

    private static string FastImportStream()
    {
        var stream = new StringBuilder();
        var mark = 0;
        var mainTip = 0;
        void Commit(string branch, DateTimeOffset when, string message, int from, params int[] merges)
        {
            mark++;
            var seconds = when.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            stream.Append(CultureInfo.InvariantCulture, $"commit refs/heads/{branch}\nmark :{mark}\n")
                .Append(CultureInfo.InvariantCulture, $"author Ana Lima <ana@acme.test> {seconds} +0100\n")
                .Append(CultureInfo.InvariantCulture, $"committer Ana Lima <ana@acme.test> {seconds} +0100\n")
                .Append(CultureInfo.InvariantCulture, $"data {Encoding.UTF8.GetByteCount(message)}\n{message}\n");
            if (from > 0)
            {
                stream.Append(CultureInfo.InvariantCulture, $"from :{from}\n");
            }
            foreach (var merged in merges)
            {
                stream.Append(CultureInfo.InvariantCulture, $"merge :{merged}\n");
            }
            stream.Append(CultureInfo.InvariantCulture, $"M 644 inline changes/{mark}.txt\ndata {message.Length}\n{message}\n\n");
        }

        for (var month = 0; month < Months; month++)
        {
            var start = FirstMonth.AddMonths(month);
            Commit("main", start.AddDays(2).AddHours(10), $"Change {month}a", mainTip);
            mainTip = mark;
            if (month % 3 == 2)
            {
                Commit($"feature/{month}", start.AddDays(9).AddHours(15), $"Feature {month}", mainTip);
                var feature = mark;
                Commit("main", start.AddDays(16).AddHours(11), $"Merge branch 'feature/{month}'", mainTip, feature);
            }
            else
            {
                Commit("main", start.AddDays(16).AddHours(11), $"Change {month}b", mainTip);
            }
            mainTip = mark;
            stream.Append(CultureInfo.InvariantCulture, $"reset refs/tags/v1.{month}.0\nfrom :{mainTip}\n\n");
        }
        return stream.ToString();
    }

    private static string Git(string repository, string? input, params string[] arguments) => GitProcess.Run(repository, input, arguments);
}
