using Analytics.Ingestors.Demo;

namespace Analytics.Ingestors.Tests.Demo;

/// <summary>Adopting the golden path visibly helps: shorter lead times, happier engineers, more self-service.</summary>
public class DemoGoldenPathEffectTests(ScaleSFixture s) : IClassFixture<ScaleSFixture>
{
    [Fact]
    public void Services_merge_faster_once_on_the_golden_path()
    {
        var golden = s.Catalog.Templates.Where(t => t.IsGoldenPath).Select(t => t.Slug).ToHashSet();
        var elite = s.Catalog.Teams.Where(t => t.Tier == DemoPerformanceTier.Elite).Select(t => t.Slug).ToHashSet();
        var reassigned = s.Catalog.Ownerships.GroupBy(o => o.ServiceSlug).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet();
        // Compare a service with itself under one owner; elite owners have little left to gain.
        var migratedAt = s.Catalog.ServiceTemplates.Where(st => golden.Contains(st.TemplateSlug))
            .GroupBy(st => st.ServiceSlug)
            .Select(g => (Service: g.Key, At: g.Min(st => st.ValidFrom).UtcDateTime))
            .Where(m => !reassigned.Contains(m.Service) && !elite.Contains(s.OwnerAt(m.Service, m.At)))
            .ToDictionary(m => $"acme/{m.Service}", m => m.At);
        var prs = s.PullRequests;
        var leadTimes = prs.Rows
            .Where(r => prs.OptionalTime(r, "merged_at") is not null && migratedAt.ContainsKey(prs.Text(r, "repository")))
            .Select(r => (
                Repository: prs.Text(r, "repository"),
                After: prs.Time(r, "first_commit_at") >= migratedAt[prs.Text(r, "repository")],
                Hours: (prs.OptionalTime(r, "merged_at")!.Value - prs.Time(r, "first_commit_at")).TotalHours))
            .GroupBy(l => l.Repository)
            .Where(g => g.Count(l => l.After) >= 10 && g.Count(l => !l.After) >= 10)   // not born on the golden path
            .Select(g => (
                Repository: g.Key,
                Before: Median(g.Where(l => !l.After).Select(l => l.Hours)),
                After: Median(g.Where(l => l.After).Select(l => l.Hours))))
            .ToList();

        Assert.True(leadTimes.Count >= 5, $"only {leadTimes.Count} services migrated");
        Assert.All(leadTimes, l => Assert.True(l.After < l.Before * 0.9, $"{l.Repository}: median lead time {l.Before:F1} h before, {l.After:F1} h after"));
    }

    [Fact]
    public void Adopting_teams_answer_with_higher_nps_after_adopting()
    {
        var adoptedAt = s.Catalog.Teams.Where(t => t.GoldenPathAdoptedAt is not null).ToDictionary(t => t.Slug, t => t.GoldenPathAdoptedAt!.Value.UtcDateTime);
        var survey = s.SurveyResponses;
        var nps = survey.Rows
            .Where(r => survey.Text(r, "question") == "nps" && adoptedAt.ContainsKey(survey.Text(r, "team")))
            .Select(r => (After: survey.Time(r, "answered_at") >= adoptedAt[survey.Text(r, "team")], Score: (double)survey.Get<short>(r, "score")))
            .ToList();

        Assert.True(nps.Where(n => n.After).Average(n => n.Score) > nps.Where(n => !n.After).Average(n => n.Score) + 0.5);
    }

    [Fact]
    public void Adopting_teams_shift_service_requests_to_self_service()
    {
        var adoptedAt = s.Catalog.Teams.Where(t => t.GoldenPathAdoptedAt is not null).ToDictionary(t => t.Slug, t => t.GoldenPathAdoptedAt!.Value.UtcDateTime);
        var requests = new DemoRows(s.Generator.ServiceRequests);
        var adopting = requests.Rows.Where(r => adoptedAt.ContainsKey(requests.Text(r, "team"))).ToList();
        double SelfServiceShare(IEnumerable<object?[]> rows) => rows.Average(r => requests.Text(r, "channel") == "self_service" ? 1.0 : 0.0);

        var before = SelfServiceShare(adopting.Where(r => requests.Time(r, "requested_at") < adoptedAt[requests.Text(r, "team")]));
        var after = SelfServiceShare(adopting.Where(r => requests.Time(r, "requested_at") >= adoptedAt[requests.Text(r, "team")]));

        Assert.True(after > before + 0.3, $"self-service share before {before:P0}, after {after:P0}");
        Assert.Contains(requests.Rows, r => requests.OptionalTime(r, "fulfilled_at") is null);
        Assert.Equal(["database", "dns", "environment", "repository"], requests.Rows.Select(r => requests.Text(r, "kind")).Distinct().Order());
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}
