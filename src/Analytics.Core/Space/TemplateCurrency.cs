namespace Analytics.Core.Space;

/// <summary>Sums per-service template versions into the figures of every team and template (and their totals).</summary>
public static class TemplateCurrency
{
    public static TemplateCurrencyResult Summarise(DateTimeOffset to, IReadOnlyList<ServiceTemplateVersion> services)
    {
        var groups = services
            .SelectMany(s => new[] { (s.Team, s.Template), (s.Team, ""), ("", s.Template), ("", "") }.Select(key => (Key: key, Service: s)))
            .GroupBy(x => x.Key, x => x.Service)
            .OrderBy(g => g.Key.Item1, StringComparer.Ordinal).ThenBy(g => g.Key.Item2, StringComparer.Ordinal)
            .Select(g => Figure(g.Key.Item1, g.Key.Item2, g.ToList()))
            .ToList();
        if (!groups.Any(f => f.Team == "" && f.Template == ""))
        {
            groups.Insert(0, Figure("", "", []));
        }
        var ordered = services.OrderBy(s => s.Team, StringComparer.Ordinal).ThenBy(s => s.Template, StringComparer.Ordinal).ThenBy(s => s.Service, StringComparer.Ordinal).ToList();
        return new TemplateCurrencyResult(to, groups, ordered);
    }

    private static TemplateCurrencyFigure Figure(string team, string template, IReadOnlyList<ServiceTemplateVersion> services)
    {
        long Count(VersionStatus status) => services.LongCount(s => s.Status == status);
        var lags = services
            .Where(s => s.Status is VersionStatus.MinorBehind or VersionStatus.MajorBehind)
            .GroupBy(s => (Majors: s.MajorsBehind ?? 0, Minors: s.MinorsBehind ?? 0))
            .OrderBy(g => g.Key.Majors).ThenBy(g => g.Key.Minors)
            .Select(g => new VersionLag(g.Key.Majors, g.Key.Minors, g.LongCount()))
            .ToList();
        return new TemplateCurrencyFigure(team, template, services.Count, Count(VersionStatus.Latest), Count(VersionStatus.PatchBehind),
            Count(VersionStatus.MinorBehind), Count(VersionStatus.MajorBehind), Count(VersionStatus.Unknown), lags);
    }
}
