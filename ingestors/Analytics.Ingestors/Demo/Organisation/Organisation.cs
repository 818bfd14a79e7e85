namespace Analytics.Ingestors.Demo;

// The generator's internal picture of the organisation: who is in which team when, who owns which service
// when, and the profile each team works at. Built once by OrganisationBuilder; read by every table generator.
// Ranges are half-open [From, To); To null means "until the end of history".

internal sealed record TeamInfo(int Index, string Slug, string Name, PerformanceProfile Profile, DateTime? GoldenPathAdoptedAt)
{
    private PerformanceProfile GoldenPathProfile { get; } = Profile.OnGoldenPath();

    private PerformanceProfile BadQuarterProfile { get; } = Profile.InBadQuarter();

    private PerformanceProfile BadQuarterGoldenPathProfile { get; } = Profile.OnGoldenPath().InBadQuarter();

    /// <summary>The quarter [From, To) in which this team's changes fail more and recover slower; null for most teams.</summary>
    public (DateTime From, DateTime To)? BadQuarter { get; set; }

    /// <summary>Engineers per service at the start, so a big team with few services merges more per service.</summary>
    public double EngineersPerService { get; set; } = 1;

    public bool HasAdoptedGoldenPathBy(DateTime at) => GoldenPathAdoptedAt is { } adopted && adopted <= at;

    public bool IsInBadQuarterAt(DateTime at) => BadQuarter is { } quarter && quarter.From <= at && at < quarter.To;

    /// <summary>The rates of this team's work on a service, on the golden path or not, at <paramref name="at"/>.</summary>
    public PerformanceProfile ProfileAt(bool onGoldenPath, DateTime at) => (onGoldenPath, IsInBadQuarterAt(at)) switch
    {
        (false, false) => Profile,
        (true, false) => GoldenPathProfile,
        (false, true) => BadQuarterProfile,
        (true, true) => BadQuarterGoldenPathProfile,
    };
}

internal sealed record PersonInfo(int Index, string ExternalId, string DisplayName, string GitEmail, string GitHubLogin, bool IsBot);

internal sealed record MembershipRange(PersonInfo Person, TeamInfo Team, DateTime From, DateTime? To)
{
    public bool Covers(DateTime at) => From <= at && (To is null || at < To);
}

internal sealed record ServiceInfo(int Index, string Slug, string Name, string Language, DateTime CreatedAt, int Seed)
{
    public string Repository { get; } = $"{Organisation.GitHubOrganisation}/{Slug}";

    /// <summary>When the service moved onto a golden-path template; null if it never did.</summary>
    public DateTime? GoldenPathSince { get; set; }

    /// <summary>Whether history ends with an incident on this service still open.</summary>
    public bool EndsWithOpenIncident { get; set; }
}

internal sealed record OwnershipRange(ServiceInfo Service, TeamInfo Team, DateTime From, DateTime? To)
{
    public bool Covers(DateTime at) => From <= at && (To is null || at < To);
}

internal sealed record TemplateInfo(string Slug, string Name, bool IsGoldenPath, IReadOnlyList<TemplateRelease> Releases)
{
    public string LatestVersion => Releases[^1].Version;
}

internal sealed record TemplateRelease(string Version, DateTime ReleasedAt);

internal sealed record ServiceTemplateRange(ServiceInfo Service, TemplateInfo Template, string Version, DateTime From, DateTime? To);

internal sealed class Organisation
{
    public const string GitHubOrganisation = "acme";
    public const string Source = "demo";

    private readonly List<MembershipRange>[] _membershipsByTeam;
    private readonly List<MembershipRange>[] _membershipsByPerson;
    private readonly List<OwnershipRange>[] _ownershipsByService;

    public Organisation(
        DateTime start,
        DateTime end,
        IReadOnlyList<TeamInfo> teams,
        IReadOnlyList<PersonInfo> engineers,
        IReadOnlyList<PersonInfo> bots,
        IReadOnlyList<MembershipRange> memberships,
        IReadOnlyList<ServiceInfo> services,
        IReadOnlyList<OwnershipRange> ownerships,
        IReadOnlyList<TemplateInfo> templates,
        IReadOnlyList<ServiceTemplateRange> serviceTemplates,
        int surveySeed,
        int serviceRequestSeed)
    {
        Start = start;
        End = end;
        Teams = teams;
        Engineers = engineers;
        Bots = bots;
        Memberships = memberships;
        Services = services;
        Ownerships = ownerships;
        Templates = templates;
        ServiceTemplates = serviceTemplates;
        SurveySeed = surveySeed;
        ServiceRequestSeed = serviceRequestSeed;

        _membershipsByTeam = GroupBy(memberships, teams.Count, m => m.Team.Index);
        _membershipsByPerson = GroupBy(memberships, engineers.Count, m => m.Person.Index);
        _ownershipsByService = GroupBy(ownerships, services.Count, o => o.Service.Index);
    }

    public DateTime Start { get; }

    public DateTime End { get; }

    public IReadOnlyList<TeamInfo> Teams { get; }

    /// <summary>Humans only; <see cref="PersonInfo.Index"/> is the position in this list.</summary>
    public IReadOnlyList<PersonInfo> Engineers { get; }

    public IReadOnlyList<PersonInfo> Bots { get; }

    /// <summary>Opens dependency-update pull requests.</summary>
    public PersonInfo DependencyBot => Bots[0];

    /// <summary>Leaves automated review comments now and then.</summary>
    public PersonInfo ReviewBot => Bots[1];

    public IReadOnlyList<MembershipRange> Memberships { get; }

    public IReadOnlyList<ServiceInfo> Services { get; }

    public IReadOnlyList<OwnershipRange> Ownerships { get; }

    public IReadOnlyList<TemplateInfo> Templates { get; }

    public IReadOnlyList<ServiceTemplateRange> ServiceTemplates { get; }

    public int SurveySeed { get; }

    public int ServiceRequestSeed { get; }

    public TeamInfo OwnerAt(ServiceInfo service, DateTime at)
    {
        var ranges = _ownershipsByService[service.Index];
        foreach (var range in ranges)
        {
            if (range.Covers(at))
            {
                return range.Team;
            }
        }
        // Before the service existed (e.g. its creation day's morning): its first owner.
        return ranges[0].Team;
    }

    /// <summary>True if one team owned the service for the whole of [from, to].</summary>
    public bool HasOneOwnerThroughout(ServiceInfo service, DateTime from, DateTime to) =>
        _ownershipsByService[service.Index].Any(o => o.From <= from && (o.To is null || to < o.To));

    /// <summary>The rates the service's work happens at: its owner's, improved once it runs on the golden path, worse in the owner's bad quarter.</summary>
    public PerformanceProfile ProfileAt(ServiceInfo service, DateTime at) =>
        OwnerAt(service, at).ProfileAt(service.GoldenPathSince is { } since && since <= at, at);

    /// <summary>Fills <paramref name="members"/> with the team's members at <paramref name="at"/>.</summary>
    public void MembersAt(TeamInfo team, DateTime at, List<PersonInfo> members)
    {
        members.Clear();
        foreach (var membership in _membershipsByTeam[team.Index])
        {
            if (membership.Covers(at))
            {
                members.Add(membership.Person);
            }
        }
    }

    public int TeamSizeAt(TeamInfo team, DateTime at) => _membershipsByTeam[team.Index].Count(m => m.Covers(at));

    public TeamInfo? TeamOf(PersonInfo person, DateTime at)
    {
        if (person.IsBot)
        {
            return null;
        }
        foreach (var membership in _membershipsByPerson[person.Index])
        {
            if (membership.Covers(at))
            {
                return membership.Team;
            }
        }
        return null;
    }

    /// <summary>True if the person belonged to the team for the whole of [from, to].</summary>
    public bool IsMemberThroughout(PersonInfo person, TeamInfo team, DateTime from, DateTime to) =>
        !person.IsBot && _membershipsByPerson[person.Index].Any(m => m.Team.Index == team.Index && m.From <= from && (m.To is null || to < m.To));

    private static List<T>[] GroupBy<T>(IReadOnlyList<T> items, int count, Func<T, int> index)
    {
        var groups = new List<T>[count];
        for (var i = 0; i < count; i++)
        {
            groups[i] = [];
        }
        foreach (var item in items)
        {
            groups[index(item)].Add(item);
        }
        return groups;
    }
}
