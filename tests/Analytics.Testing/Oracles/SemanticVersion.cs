using System.Globalization;
using System.Text.RegularExpressions;
using Analytics.Core.Space;

namespace Analytics.Testing.Oracles;

/// <summary>
/// The numeric core of a semantic version: an optional "v", MAJOR[.MINOR[.PATCH]] (missing parts are 0, each part at
/// most 9 digits), then optionally -prerelease and/or +build, which are ignored. Anything else is not a version.
/// The SQL of adoption/template_currency.sql reads versions by the same rule; this is the oracle's reading.
/// </summary>
public readonly partial record struct SemanticVersion(int Major, int Minor, int Patch) : IComparable<SemanticVersion>
{
    [GeneratedRegex(@"^[vV]?(\d{1,9})(?:\.(\d{1,9}))?(?:\.(\d{1,9}))?(?:[-+].*)?$", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex Pattern();

    public static bool TryParse(string? text, out SemanticVersion version)
    {
        var match = text is null ? Match.Empty : Pattern().Match(text);
        if (!match.Success)
        {
            version = default;
            return false;
        }
        static int Part(Group group) => group.Success ? int.Parse(group.Value, CultureInfo.InvariantCulture) : 0;
        version = new SemanticVersion(Part(match.Groups[1]), Part(match.Groups[2]), Part(match.Groups[3]));
        return true;
    }

    public int CompareTo(SemanticVersion other) =>
        Major != other.Major ? Major.CompareTo(other.Major) : Minor != other.Minor ? Minor.CompareTo(other.Minor) : Patch.CompareTo(other.Patch);

    /// <summary>How far <paramref name="current"/> is behind <paramref name="latest"/>: (status, majors behind, minors behind).</summary>
    public static (VersionStatus Status, int? MajorsBehind, int? MinorsBehind) Lag(string current, string latest)
    {
        if (!TryParse(current, out var have) || !TryParse(latest, out var newest))
        {
            return (VersionStatus.Unknown, null, null);
        }
        if (have.CompareTo(newest) >= 0)
        {
            return (VersionStatus.Latest, 0, 0);
        }
        if (have.Major < newest.Major)
        {
            return (VersionStatus.MajorBehind, newest.Major - have.Major, null);
        }
        return have.Minor < newest.Minor
            ? (VersionStatus.MinorBehind, 0, newest.Minor - have.Minor)
            : (VersionStatus.PatchBehind, 0, 0);
    }

    public override string ToString() => $"{Major}.{Minor}.{Patch}";
}
