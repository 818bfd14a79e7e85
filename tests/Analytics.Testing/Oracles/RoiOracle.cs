using Analytics.Core.Dora;

namespace Analytics.Testing.Oracles;

/// <summary>A service, its owner throughout, and from when (if ever) it is on a golden-path template.</summary>
public sealed record RoiOracleService(string Service, string Team, DateTime? GoldenFrom);

/// <summary>A successful production deployment: when it finished, when its commits were committed, and the incident it caused.</summary>
public sealed record RoiOracleDeployment(string Service, DateTime Finished, IReadOnlyList<DateTime> Commits, (DateTime Started, DateTime Resolved)? Incident);

/// <summary>One adopter's comparison on one key, on the estimator's scale (log for relative keys).</summary>
public sealed record RoiOracleAdopter(string Team, DateOnly AdoptionMonth, int Controls, double? Effect, double? PreTrend);

/// <summary>The oracle's figure for one key: mean effect and pre-trend over adopters (estimator's scale), adopters and control teams.</summary>
public sealed record RoiOracleEstimate(string Key, double? Estimate, double? PreTrend, int Adopters, int ControlTeams, IReadOnlyList<RoiOracleAdopter> Teams);

/// <summary>
/// The ROI's point estimates (docs/metrics.md, "ROI of the golden path") in plain C#, straight from the text, for
/// organisations whose teams own their services throughout and whose windows are UTC calendar months: adoption degree
/// per month, adoption month at the threshold, before/after/earlier windows, comparable not-yet-treated controls active in
/// every month, each key per window (deployments a month, median lead time of the commits shipped, failure rate = share
/// of deployments that caused an incident, median recovery of the incidents resolved), logs for the relative keys,
/// effect = adopter's change − mean control change. No SQL and none of the app's estimator code.
/// </summary>
public sealed class RoiOracle(IReadOnlyList<RoiOracleService> services, IReadOnlyList<RoiOracleDeployment> deployments, double threshold = 0.5)
{
    public static readonly string[] Keys = ["DeploymentsPerMonth", "LeadTimeHours", "ChangeFailureRate", "RecoveryHours"];

    public IReadOnlyList<RoiOracleEstimate> Estimate(DateTime from, DateTime to, int months)
    {
        var teamOf = services.ToDictionary(s => s.Service, s => s.Team);
        static DateOnly Month(DateTime at) => new(at.Year, at.Month, 1);
        static DateTime Start(DateOnly month) => month.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var first = deployments.Min(d => d.Finished);
        var firstFullMonth = Start(Month(first)) == first ? Month(first) : Month(first).AddMonths(1);

        // Adoption degree per team and month: of the services it deployed, those golden at their last deployment of the month.
        var degree = deployments.GroupBy(d => (Team: teamOf[d.Service], Month: Month(d.Finished)))
            .ToDictionary(g => g.Key, g => g.GroupBy(d => d.Service).Average(s =>
            {
                var last = s.Max(d => d.Finished);
                return services.Single(x => x.Service == s.Key).GoldenFrom is { } golden && last >= golden ? 1.0 : 0.0;
            }));
        var teams = services.Select(s => s.Team).Distinct().Order(StringComparer.Ordinal).ToList();
        var adoption = teams.ToDictionary(t => t, t => degree.Keys.Where(k => k.Team == t && degree[k] >= threshold).Select(k => (DateOnly?)k.Month).Min());
        bool Active(string team, DateOnly fromMonth, DateOnly toMonth)
        {
            for (var m = fromMonth; m < toMonth; m = m.AddMonths(1))
            {
                if (!degree.ContainsKey((team, m)))
                {
                    return false;
                }
            }
            return true;
        }

        var stacks = new List<(string Team, DateOnly M, DateOnly E, DateOnly B, DateOnly A, DateOnly T, bool HasEarlier, List<(string Team, bool HasEarlier)> Controls)>();
        foreach (var team in teams.Where(t => adoption[t] is { } m && m >= Month(from) && Start(m) < to))
        {
            var m = adoption[team]!.Value;
            DateOnly e = m.AddMonths(-2 * months), b = m.AddMonths(-months), a = m.AddMonths(1), t = m.AddMonths(1 + months);
            if (b < firstFullMonth || Start(t) > to || !Active(team, b, m) || !Active(team, a, t))
            {
                continue;
            }
            var controls = teams.Where(c => c != team && (adoption[c] is null || adoption[c] >= t) && Active(c, b, m) && Active(c, a, t))
                .Select(c => (c, e >= firstFullMonth && Active(c, e, b))).ToList();
            stacks.Add((team, m, e, b, a, t, e >= firstFullMonth && Active(team, e, b), controls));
        }

        double? Value(string key, string team, DateOnly fromMonth, DateOnly toMonth)
        {
            DateTime f = Start(fromMonth), u = Start(toMonth);
            var shipped = deployments.Where(d => teamOf[d.Service] == team && d.Finished >= f && d.Finished < u).ToList();
            switch (key)
            {
                case "DeploymentsPerMonth":
                    return shipped.Count == 0 ? null : Math.Log(shipped.Count / (double)months);
                case "LeadTimeHours":
                    var leads = shipped.SelectMany(d => d.Commits.Select(c => (d.Finished - c).TotalHours)).Where(h => h >= 0).ToList();
                    return Quantiles.Interpolated(leads, 0.5) is { } lead && lead > 0 ? Math.Log(lead) : null;
                case "ChangeFailureRate":
                    return shipped.Count == 0 ? null : shipped.Count(d => d.Incident is not null) / (double)shipped.Count;
                default:
                    var recoveries = deployments.Where(d => teamOf[d.Service] == team && d.Incident is { } i && i.Resolved >= f && i.Resolved < u)
                        .Select(d => (d.Incident!.Value.Resolved - d.Incident.Value.Started).TotalHours).ToList();
                    return Quantiles.Interpolated(recoveries, 0.5) is { } recovery && recovery > 0 ? Math.Log(recovery) : null;
            }
        }

        return Keys.Select(key =>
        {
            var adopters = stacks.Select(s =>
            {
                double? Diff(string team, DateOnly f1, DateOnly t1, DateOnly f2, DateOnly t2) =>
                    Value(key, team, f1, t1) is { } v1 && Value(key, team, f2, t2) is { } v2 ? v2 - v1 : null;
                var own = Diff(s.Team, s.B, s.M, s.A, s.T);
                var controlChanges = s.Controls.Select(c => Diff(c.Team, s.B, s.M, s.A, s.T)).Where(c => c is not null).Select(c => c!.Value).ToList();
                var effect = own is { } o && controlChanges.Count > 0 ? o - controlChanges.Average() : (double?)null;
                var ownPre = s.HasEarlier ? Diff(s.Team, s.E, s.B, s.B, s.M) : null;
                var controlPre = s.Controls.Where(c => c.HasEarlier).Select(c => Diff(c.Team, s.E, s.B, s.B, s.M)).Where(c => c is not null).Select(c => c!.Value).ToList();
                var pre = ownPre is { } p && controlPre.Count > 0 ? p - controlPre.Average() : (double?)null;
                var controlTeams = s.Controls.Where(c => Diff(c.Team, s.B, s.M, s.A, s.T) is not null).Select(c => c.Team).ToList();
                return (Oracle: new RoiOracleAdopter(s.Team, s.M, controlChanges.Count, effect, pre), ControlTeams: effect is null ? [] : controlTeams);
            }).ToList();
            var effects = adopters.Where(a => a.Oracle.Effect is not null).ToList();
            var pres = adopters.Where(a => a.Oracle.PreTrend is not null).Select(a => a.Oracle.PreTrend!.Value).ToList();
            return new RoiOracleEstimate(key, effects.Count == 0 ? null : effects.Average(a => a.Oracle.Effect!.Value), pres.Count == 0 ? null : pres.Average(),
                effects.Count, effects.SelectMany(a => a.ControlTeams).Distinct().Count(), adopters.Select(a => a.Oracle).ToList());
        }).ToList();
    }
}
