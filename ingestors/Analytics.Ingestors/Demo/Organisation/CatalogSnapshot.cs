namespace Analytics.Ingestors.Demo;

/// <summary>Projects the internal organisation onto the public <see cref="DemoCatalog"/> records.</summary>
internal static class CatalogSnapshot
{
    public static DemoCatalog From(Organisation org) => new(
        org.Teams.Select(t => new DemoTeam(t.Slug, t.Name, t.Profile.Tier, t.Profile.Performance, Utc(t.GoldenPathAdoptedAt))
        {
            BadQuarterFrom = Utc(t.BadQuarter?.From),
            BadQuarterTo = Utc(t.BadQuarter?.To),
        }).ToList(),
        org.Engineers.Concat(org.Bots).Select(p => new DemoPerson(p.ExternalId, p.DisplayName, p.GitEmail, p.GitHubLogin, p.IsBot)).ToList(),
        org.Memberships.Select(m => new DemoMembership(m.Person.ExternalId, m.Team.Slug, Utc(m.From), Utc(m.To))).ToList(),
        org.Services.Select(s => new DemoService(s.Slug, s.Name, s.Repository, Utc(s.CreatedAt))).ToList(),
        org.Ownerships.Select(o => new DemoOwnership(o.Service.Slug, o.Team.Slug, Utc(o.From), Utc(o.To))).ToList(),
        org.Templates.Select(t => new DemoTemplate(t.Slug, t.Name, t.LatestVersion, t.IsGoldenPath)).ToList(),
        org.ServiceTemplates.Select(st => new DemoServiceTemplate(st.Service.Slug, st.Template.Slug, st.Version, Utc(st.From), Utc(st.To))).ToList());

    private static DateTimeOffset Utc(DateTime at) => new(DateTime.SpecifyKind(at, DateTimeKind.Utc));

    private static DateTimeOffset? Utc(DateTime? at) => at is { } value ? Utc(value) : null;
}
