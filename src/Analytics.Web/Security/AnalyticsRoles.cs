using System.Security.Claims;

namespace Analytics.Web.Security;

/// <summary>
/// The four roles (docs/security.md). A signed-in principal carries them as <see cref="ClaimTypes.Role"/> claims, already
/// expanded: admin holds every role, team-lead and survey-analyst also hold viewer. A team lead's teams are
/// <see cref="TeamClaim"/> claims; a team lead with none sees the rows of every team.
/// </summary>
public static class AnalyticsRoles
{
    /// <summary>Organisation and team figures: dashboards, the monthly report, the figures API and figure exports.</summary>
    public const string Viewer = "viewer";

    /// <summary>The rows behind the figures (drill-downs) for their teams, or for all teams when no team is named.</summary>
    public const string TeamLead = "team-lead";

    /// <summary>Survey breakdowns: satisfaction per team, the survey API.</summary>
    public const string SurveyAnalyst = "survey-analyst";

    /// <summary>The catalog, sources, keys and "run now"; holds every other role.</summary>
    public const string Admin = "admin";

    /// <summary>A team a team lead may see the rows of (the team's slug).</summary>
    public const string TeamClaim = "analytics:team";

    public static readonly IReadOnlyList<string> All = [Viewer, TeamLead, SurveyAnalyst, Admin];

    /// <summary>The roles given plus those they imply; unknown names are dropped.</summary>
    public static IReadOnlyList<string> Expand(IEnumerable<string> roles)
    {
        var given = roles.Select(role => role.Trim().ToLowerInvariant()).Where(All.Contains).ToHashSet();
        if (given.Contains(Admin))
        {
            return All;
        }
        if (given.Count > 0)
        {
            given.Add(Viewer);
        }
        return [.. All.Where(given.Contains)];
    }

    /// <summary>
    /// A role as configured or stored: <c>team-lead:payments</c> is the team-lead role for team <c>payments</c>; any other
    /// value is a role name with no team. Returns null for a name that is not one of <see cref="All"/>.
    /// </summary>
    public static (string Role, string? Team)? Parse(string value)
    {
        var separator = value.IndexOf(':', StringComparison.Ordinal);
        var role = (separator < 0 ? value : value[..separator]).Trim().ToLowerInvariant();
        var team = separator < 0 ? null : value[(separator + 1)..].Trim();
        if (!All.Contains(role) || (team is not null && (role != TeamLead || team.Length == 0)))
        {
            return null;
        }
        return (role, team);
    }

    /// <summary>The role and team claims for role values as <see cref="Parse"/> reads them (unknown ones dropped).</summary>
    public static IEnumerable<Claim> Claims(IEnumerable<string> values)
    {
        var parsed = values.Select(Parse).OfType<(string Role, string? Team)>().ToList();
        // A team lead named for some teams only: "team-lead" with no team among the values means every team.
        var allTeams = parsed.Any(p => p is { Role: TeamLead or Admin, Team: null });
        foreach (var role in Expand(parsed.Select(p => p.Role)))
        {
            yield return new Claim(ClaimTypes.Role, role);
        }
        if (!allTeams)
        {
            foreach (var team in parsed.Where(p => p.Team is not null).Select(p => p.Team!).Distinct(StringComparer.OrdinalIgnoreCase))
            {
                yield return new Claim(TeamClaim, team);
            }
        }
    }

    /// <summary>Whether <paramref name="user"/> may see the rows behind <paramref name="team"/>'s figures (null: the organisation's).</summary>
    public static bool CanSeeRows(ClaimsPrincipal user, string? team)
    {
        if (user.IsInRole(Admin))
        {
            return true;
        }
        if (!user.IsInRole(TeamLead))
        {
            return false;
        }
        var teams = user.FindAll(TeamClaim).Select(claim => claim.Value).ToList();
        return teams.Count == 0 || (team is not null && teams.Contains(team, StringComparer.OrdinalIgnoreCase));
    }

    /// <summary>
    /// Whether <paramref name="user"/> may add, change or remove annotations and goals of <paramref name="team"/> (null: the
    /// organisation's annotations): admins for any; team leads for the teams whose rows they see (<see cref="CanSeeRows"/>), never the organisation's.
    /// </summary>
    public static bool CanEditTeamNotes(ClaimsPrincipal user, string? team) =>
        user.IsInRole(Admin) || (team is not null && CanSeeRows(user, team));
}
