using Analytics.Ingestors.Demo;

namespace Analytics.Ingestors.Tests.Demo;

/// <summary>The organisation looks like a real one: sized as asked, uneven teams, people and services that move, a visible golden path.</summary>
public class DemoOrganisationTests(ScaleSFixture s) : IClassFixture<ScaleSFixture>
{
    [Fact]
    public void Scale_S_has_the_preset_numbers_of_teams_services_and_engineers()
    {
        Assert.Equal(12, s.Catalog.Teams.Count);
        Assert.Equal(60, s.Catalog.Services.Count);
        Assert.Equal(150, s.Catalog.People.Count(p => !p.IsBot));
        Assert.Equal(s.Generator.End.AddMonths(-18), s.Generator.Start);
    }

    [Fact]
    public void Identities_are_unique_and_include_bots()
    {
        var people = s.Catalog.People;
        Assert.Equal(people.Count, people.Select(p => p.ExternalId).Distinct().Count());
        Assert.Equal(people.Count, people.Select(p => p.GitEmail).Distinct().Count());
        Assert.Equal(people.Count, people.Select(p => p.GitHubLogin).Distinct().Count());
        Assert.Contains(people, p => p is { IsBot: true, GitHubLogin: "dependabot[bot]" });
        Assert.Equal(2, people.Count(p => p.IsBot));
        Assert.All(s.Catalog.Services, x => Assert.Equal($"acme/{x.Slug}", x.Repository));
    }

    [Fact]
    public void Teams_span_the_performance_tiers()
    {
        var tiers = s.Catalog.Teams.Select(t => t.Tier).ToHashSet();

        Assert.Equal(Enum.GetValues<DemoPerformanceTier>().ToHashSet(), tiers);
    }

    [Fact]
    public void The_elite_team_deploys_many_times_as_often_as_the_low_team()
    {
        var elite = s.Catalog.Teams.MaxBy(t => t.Performance)!.Slug;
        var low = s.Catalog.Teams.MinBy(t => t.Performance)!.Slug;
        // Golden-path adoption (never in the first quarter of history) lifts the low team later on.
        var firstAdoption = s.Catalog.Teams.Min(t => t.GoldenPathAdoptedAt) ?? s.Generator.End;
        var deployments = s.Deployments;
        var production = deployments.Rows
            .Where(r => deployments.Text(r, "environment") == "production" && deployments.Text(r, "status") == "success")
            .Select(r => (Team: s.OwnerAt(deployments.Text(r, "service"), deployments.Time(r, "started_at")), At: deployments.Time(r, "started_at")))
            .ToList();
        int Count(string team, DateTimeOffset before) => production.Count(d => d.Team == team && d.At < before.UtcDateTime);

        Assert.True(Count(elite, firstAdoption) >= 5 * Count(low, firstAdoption), $"before adoption: elite {Count(elite, firstAdoption)} vs low {Count(low, firstAdoption)}");
        Assert.True(Count(elite, s.Generator.End) >= 3 * Count(low, s.Generator.End), $"overall: elite {Count(elite, s.Generator.End)} vs low {Count(low, s.Generator.End)}");
    }

    [Fact]
    public void Some_engineers_move_teams_and_some_services_change_owner_midway()
    {
        var moves = s.Catalog.Memberships.GroupBy(m => m.PersonExternalId).Where(g => g.Count() > 1)
            .Select(g => g.Select(m => (Team: m.TeamSlug, m.ValidFrom, m.ValidTo)).ToList())
            .ToList();
        var reassignments = s.Catalog.Ownerships.GroupBy(o => o.ServiceSlug).Where(g => g.Count() > 1)
            .Select(g => g.Select(o => (Team: o.TeamSlug, o.ValidFrom, o.ValidTo)).ToList())
            .ToList();

        Assert.NotEmpty(moves);
        Assert.NotEmpty(reassignments);
        foreach (var ranges in moves.Concat(reassignments))
        {
            var (before, after) = (ranges.MinBy(r => r.ValidFrom), ranges.MaxBy(r => r.ValidFrom));
            Assert.Equal(2, ranges.Count);
            Assert.NotEqual(before.Team, after.Team);
            Assert.True(before.ValidTo > s.Generator.Start && before.ValidTo < s.Generator.End);
            Assert.Equal(before.ValidTo, after.ValidFrom);   // handed over at one instant: no gap, no overlap
            Assert.Null(after.ValidTo);
        }
    }

    [Fact]
    public void Adopting_teams_move_services_to_the_golden_path_only_after_adopting()
    {
        var golden = s.Catalog.Templates.Where(t => t.IsGoldenPath).Select(t => t.Slug).ToHashSet();
        var adoptedAt = s.Catalog.Teams.ToDictionary(t => t.Slug, t => t.GoldenPathAdoptedAt);
        var firstGoldenRows = s.Catalog.ServiceTemplates
            .Where(st => golden.Contains(st.TemplateSlug))
            .GroupBy(st => st.ServiceSlug)
            .Select(g => g.MinBy(st => st.ValidFrom)!)
            .ToList();

        Assert.InRange(adoptedAt.Values.Count(a => a is not null), 5, 7);
        Assert.NotEmpty(firstGoldenRows);
        Assert.All(firstGoldenRows, row =>
        {
            var owner = s.OwnerAt(row.ServiceSlug, row.ValidFrom.UtcDateTime);
            Assert.True(adoptedAt[owner] is { } adopted && row.ValidFrom >= adopted, $"{row} (owner {owner} adopted {adoptedAt[owner]})");
        });
    }

    [Fact]
    public void Golden_path_templates_have_later_versions_than_some_services_run()
    {
        var latest = s.Catalog.Templates.ToDictionary(t => t.Slug, t => t.LatestVersion);
        var current = s.Catalog.ServiceTemplates.Where(st => st.ValidTo is null).ToList();

        Assert.Equal(2, s.Catalog.Templates.Count(t => t.IsGoldenPath));
        Assert.Contains(s.Catalog.Templates, t => t is { Slug: "service-template-java", LatestVersion: "3.2.0" });
        Assert.Contains(current, st => st.TemplateSlug.StartsWith("service-template", StringComparison.Ordinal) && st.TemplateVersion != latest[st.TemplateSlug]);
        Assert.Contains(current, st => st.TemplateSlug.StartsWith("service-template", StringComparison.Ordinal) && st.TemplateVersion == latest[st.TemplateSlug]);
    }

    [Fact]
    public void Survey_respondents_are_hashed_never_raw_ids()
    {
        var ids = s.Catalog.People.Select(p => p.ExternalId).ToHashSet();
        var hashes = s.SurveyResponses.Rows.Select(r => s.SurveyResponses.Text(r, "respondent_hash")).ToHashSet();
        var expected = s.Catalog.People.Select(p => DemoOrganisationGenerator.RespondentHash(p.ExternalId)).ToHashSet();

        Assert.NotEmpty(hashes);
        Assert.All(hashes, hash =>
        {
            Assert.DoesNotContain(hash, ids);
            Assert.Matches("^[0-9a-f]{64}$", hash);
            Assert.Contains(hash, expected);
        });
    }

    [Fact]
    public void Survey_scores_stay_on_their_scales_and_about_seventy_percent_answer()
    {
        var survey = s.SurveyResponses;
        Assert.All(survey.Rows, r =>
        {
            var score = survey.Get<short>(r, "score");
            if (survey.Text(r, "question") == "nps")
            {
                Assert.InRange(score, (short)0, (short)10);
            }
            else
            {
                Assert.InRange(score, (short)1, (short)5);
            }
        });
        var perSurvey = survey.Rows.Where(r => survey.Text(r, "question") == "nps").GroupBy(r => survey.Text(r, "survey_id")).ToList();
        Assert.Equal(6, perSurvey.Count);   // 18 months of quarterly surveys
        Assert.All(perSurvey, g => Assert.InRange(g.Count() / 150.0, 0.5, 0.8));   // late joiners lower early surveys
    }
}
