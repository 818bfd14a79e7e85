namespace Analytics.Ingestors.Demo;

/// <summary>
/// Draws the organisation itself — teams, people, services, who belongs and owns what when, template
/// usage — from one seeded <see cref="Random"/>, in a fixed order so the same seed gives the same company.
/// </summary>
internal sealed class OrganisationBuilder
{
    private const double ShareOfTeamsAdoptingGoldenPath = 0.5;
    private const double ShareOfLateJoiners = 0.1;
    private const double ShareOfServicesCreatedLater = 0.1;
    private const double ShareOfServicesOnLegacyTemplate = 0.6;
    private const double ChanceOfTakingEachTemplateUpgrade = 0.7;

    private readonly DemoScale _scale;
    private readonly Random _rng;
    private readonly DateTime _start;
    private readonly DateTime _end;

    private OrganisationBuilder(DemoScale scale, int seed, DateTime start, DateTime end)
    {
        (_scale, _rng, _start, _end) = (scale, new Random(seed), start, end);
    }

    public static Organisation Build(DemoScale scale, int seed, DateTime start, DateTime end) =>
        new OrganisationBuilder(scale, seed, start, end).Build();

    private Organisation Build()
    {
        var teams = CreateTeams();
        var engineers = CreateEngineers();
        var memberships = AssignEngineersToTeams(engineers, teams);
        var services = CreateServices(teams, out var firstOwners);
        var ownerships = ReorganiseSomeServices(services, teams, firstOwners);
        SetEngineersPerService(teams, memberships, ownerships);
        var templates = TemplateCatalog.Create(_start, _end);
        var serviceTemplates = AssignTemplates(services, ownerships, templates);
        ChooseServicesEndingWithOpenIncidents(services);

        return new Organisation(
            _start, _end, teams, engineers, CreateBots(), memberships, services, ownerships, templates.All, serviceTemplates,
            surveySeed: _rng.Next(), serviceRequestSeed: _rng.Next());
    }

    /// <summary>Performance scores spread evenly from elite (1) to low (0), dealt to teams at random.</summary>
    private List<TeamInfo> CreateTeams()
    {
        var count = _scale.Teams;
        var performances = Enumerable.Range(0, count).Select(i => 1 - (i / (double)(count - 1))).ToArray();
        _rng.Shuffle(performances);

        var adopters = Enumerable.Range(0, count).ToArray();
        _rng.Shuffle(adopters);
        var adopterSet = adopters.Take((int)Math.Round(count * ShareOfTeamsAdoptingGoldenPath, MidpointRounding.AwayFromZero)).ToHashSet();

        var teams = new List<TeamInfo>(count);
        for (var i = 0; i < count; i++)
        {
            var pool = NamePools.TeamNames;
            var name = i < pool.Length ? pool[i % pool.Length] : $"{pool[i % pool.Length]} {(i / pool.Length) + 1}";
            // Adoption lands in the middle of history, so both "before" and "after" are long enough to compare.
            DateTime? adoptedAt = adopterSet.Contains(i) ? MidnightAt(_rng.Between(0.25, 0.65)) : null;
            teams.Add(new TeamInfo(i, Slugify(name), name, new PerformanceProfile(performances[i]), adoptedAt));
        }
        return teams;
    }

    private List<PersonInfo> CreateEngineers()
    {
        var emails = new HashSet<string>();
        var logins = new HashSet<string>();
        var engineers = new List<PersonInfo>(_scale.Engineers);
        for (var i = 0; i < _scale.Engineers; i++)
        {
            var first = _rng.Pick(NamePools.FirstNames);
            var last = _rng.Pick(NamePools.LastNames);
            var email = Unique(emails, $"{Slugify(first)}.{Slugify(last)}", suffix => $"{suffix}@acme.example");
            var login = Unique(logins, $"{Slugify(first)}-{Slugify(last)}", suffix => suffix);
            engineers.Add(new PersonInfo(i, $"p-{i + 1:D4}", $"{first} {last}", email, login, IsBot: false));
        }
        return engineers;
    }

    private static List<PersonInfo> CreateBots() =>
    [
        new(-1, "bot-dependabot", "dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com", "dependabot[bot]", IsBot: true),
        new(-1, "bot-github-actions", "github-actions[bot]", "41898282+github-actions[bot]@users.noreply.github.com", "github-actions[bot]", IsBot: true),
    ];

    /// <summary>
    /// Every team starts with at least two engineers; a few engineers join later, and a few move teams
    /// midway (one membership closes as the next opens) so history must be attributed by date.
    /// </summary>
    private List<MembershipRange> AssignEngineersToTeams(List<PersonInfo> engineers, List<TeamInfo> teams)
    {
        var guaranteed = 2 * teams.Count;
        var firstTeam = new TeamInfo[engineers.Count];
        var joinedAt = new DateTime[engineers.Count];
        var foundingMembers = new int[teams.Count];
        for (var i = 0; i < engineers.Count; i++)
        {
            firstTeam[i] = i < guaranteed ? teams[i % teams.Count] : _rng.Pick(teams);
            var joinsLater = i >= guaranteed && _rng.Chance(ShareOfLateJoiners);
            joinedAt[i] = joinsLater ? MidnightAt(_rng.Between(0.1, 0.85)) : _start;
            if (!joinsLater)
            {
                foundingMembers[firstTeam[i].Index]++;
            }
        }

        var moves = new Dictionary<int, (TeamInfo To, DateTime At)>();
        var wantedMoves = Math.Max(1, engineers.Count / 40);
        var candidates = Enumerable.Range(0, engineers.Count).Where(i => joinedAt[i] == _start).ToList();
        _rng.Shuffle(candidates);
        foreach (var i in candidates)
        {
            var from = firstTeam[i];
            if (moves.Count == wantedMoves || foundingMembers[from.Index] < 3)
            {
                continue;   // keep at least two founders in every team
            }
            var to = teams[(from.Index + 1 + _rng.Next(teams.Count - 1)) % teams.Count];
            moves[i] = (to, MidnightAt(_rng.Between(0.3, 0.8)));
            foundingMembers[from.Index]--;
        }

        var memberships = new List<MembershipRange>();
        for (var i = 0; i < engineers.Count; i++)
        {
            if (moves.TryGetValue(i, out var move))
            {
                memberships.Add(new MembershipRange(engineers[i], firstTeam[i], joinedAt[i], move.At));
                memberships.Add(new MembershipRange(engineers[i], move.To, move.At, null));
            }
            else
            {
                memberships.Add(new MembershipRange(engineers[i], firstTeam[i], joinedAt[i], null));
            }
        }
        return memberships;
    }

    /// <summary>Services are dealt round-robin so every team owns some; most exist from the start, a few are created later.</summary>
    private List<ServiceInfo> CreateServices(List<TeamInfo> teams, out TeamInfo[] firstOwners)
    {
        var dealOrder = teams.ToArray();
        _rng.Shuffle(dealOrder);
        var servicesPerTeam = new int[teams.Count];
        var slugs = new HashSet<string>();
        var services = new List<ServiceInfo>(_scale.Services);
        firstOwners = new TeamInfo[_scale.Services];
        for (var i = 0; i < _scale.Services; i++)
        {
            var team = dealOrder[i % dealOrder.Length];
            var k = servicesPerTeam[team.Index]++;
            var suffixes = NamePools.ServiceSuffixes;
            var suffix = k < suffixes.Length ? suffixes[k] : $"{suffixes[k % suffixes.Length]}-{(k / suffixes.Length) + 1}";
            var slug = Unique(slugs, $"{team.Slug}-{suffix}", s => s);
            var language = _rng.Chance(0.55) ? "java" : "node";
            var createdAt = _rng.Chance(ShareOfServicesCreatedLater) ? MidnightAt(_rng.Between(0.1, 0.6)) : _start;
            services.Add(new ServiceInfo(i, slug, $"{team.Name} {DisplaySuffix(suffix)}", language, createdAt, _rng.Next()));
            firstOwners[i] = team;
        }
        return services;
    }

    /// <summary>One reorganisation midway hands a few services to other teams, so ownership must be read by date.</summary>
    private List<OwnershipRange> ReorganiseSomeServices(List<ServiceInfo> services, List<TeamInfo> teams, TeamInfo[] firstOwners)
    {
        var reorganisedAt = MidnightAt(_rng.Between(0.4, 0.6));
        var candidates = services.Where(s => s.CreatedAt == _start).ToList();
        _rng.Shuffle(candidates);
        var moved = candidates.Take(Math.Max(1, services.Count / 30)).ToDictionary(
            s => s.Index,
            s => teams[(firstOwners[s.Index].Index + 1 + _rng.Next(teams.Count - 1)) % teams.Count]);

        var ownerships = new List<OwnershipRange>();
        foreach (var service in services)
        {
            var first = firstOwners[service.Index];
            if (moved.TryGetValue(service.Index, out var next))
            {
                ownerships.Add(new OwnershipRange(service, first, service.CreatedAt, reorganisedAt));
                ownerships.Add(new OwnershipRange(service, next, reorganisedAt, null));
            }
            else
            {
                ownerships.Add(new OwnershipRange(service, first, service.CreatedAt, null));
            }
        }
        return ownerships;
    }

    private void SetEngineersPerService(List<TeamInfo> teams, List<MembershipRange> memberships, List<OwnershipRange> ownerships)
    {
        foreach (var team in teams)
        {
            var engineers = memberships.Count(m => m.Team.Index == team.Index && m.Covers(_start));
            var services = ownerships.Count(o => o.Team.Index == team.Index && o.From == o.Service.CreatedAt);
            team.EngineersPerService = Math.Max(1, engineers) / (double)Math.Max(1, services);
        }
    }

    /// <summary>
    /// Many services start on the legacy skeleton. Once its owner has adopted the golden path, a service migrates
    /// to the golden template of its language, then follows new releases — or, for some, stops following (drift).
    /// </summary>
    private List<ServiceTemplateRange> AssignTemplates(List<ServiceInfo> services, List<OwnershipRange> ownerships, TemplateCatalog templates)
    {
        var rows = new List<ServiceTemplateRange>();
        foreach (var service in services)
        {
            var serviceRows = new List<ServiceTemplateRange>();
            if (_rng.Chance(ShareOfServicesOnLegacyTemplate))
            {
                var version = _rng.Pick(templates.Legacy.Releases).Version;
                serviceRows.Add(new ServiceTemplateRange(service, templates.Legacy, version, service.CreatedAt, null));
            }

            var golden = service.Language == "java" ? templates.Java : templates.Node;
            if (GoldenPathMigrationAt(service, ownerships) is { } migratedAt)
            {
                service.GoldenPathSince = migratedAt;
                Replace(serviceRows, new ServiceTemplateRange(service, golden, TemplateCatalog.VersionAt(golden, migratedAt), migratedAt, null));
                foreach (var release in golden.Releases.Where(r => r.ReleasedAt > migratedAt))
                {
                    var upgradedAt = WorkingHours.Truncate(WorkingHours.NextWorkingInstant(release.ReleasedAt.AddDays(_rng.Between(3, 60))));
                    if (!_rng.Chance(ChanceOfTakingEachTemplateUpgrade) || upgradedAt >= _end)
                    {
                        break;   // this service stays behind from here on: template drift
                    }
                    Replace(serviceRows, new ServiceTemplateRange(service, golden, release.Version, upgradedAt, null));
                }
            }
            rows.AddRange(serviceRows);
        }
        return rows;
    }

    /// <summary>When an adopting owner moves this service to the golden path: some weeks after adopting, or after taking it over.</summary>
    private DateTime? GoldenPathMigrationAt(ServiceInfo service, List<OwnershipRange> ownerships)
    {
        foreach (var ownership in ownerships.Where(o => o.Service.Index == service.Index))
        {
            if (ownership.Team.GoldenPathAdoptedAt is not { } adoptedAt)
            {
                continue;
            }
            var from = adoptedAt > ownership.From ? adoptedAt : ownership.From;
            // A service created on an adopting team is born on the golden path.
            var migratedAt = from == service.CreatedAt && adoptedAt <= service.CreatedAt
                ? service.CreatedAt
                : WorkingHours.NextWorkingInstant(from.AddDays(_rng.Between(0, 45)).AddHours(_rng.Between(0, 24)));
            if (migratedAt < _end && (ownership.To is null || migratedAt < ownership.To))
            {
                return WorkingHours.Truncate(migratedAt);
            }
        }
        return null;
    }

    private static void Replace(List<ServiceTemplateRange> rows, ServiceTemplateRange next)
    {
        if (rows.Count > 0 && rows[^1].From == next.From)
        {
            rows.RemoveAt(rows.Count - 1);   // replaced on its first day: it never really applied
        }
        else if (rows.Count > 0)
        {
            rows[^1] = rows[^1] with { To = next.From };
        }
        rows.Add(next);
    }

    private void ChooseServicesEndingWithOpenIncidents(List<ServiceInfo> services)
    {
        var candidates = services.Where(s => s.CreatedAt == _start).ToList();
        _rng.Shuffle(candidates);
        foreach (var service in candidates.Take(2 + _rng.Next(2)))
        {
            service.EndsWithOpenIncident = true;
        }
    }

    private DateTime MidnightAt(double fractionOfHistory)
    {
        var day = (_start + ((_end - _start) * fractionOfHistory)).Date;
        return day < _start ? _start : DateTime.SpecifyKind(day, DateTimeKind.Utc);
    }

    private static string Unique(HashSet<string> used, string stem, Func<string, string> format)
    {
        var candidate = format(stem);
        for (var n = 2; !used.Add(candidate); n++)
        {
            candidate = format($"{stem}{n}");
        }
        return candidate;
    }

    private static string DisplaySuffix(string suffix) => suffix == "api" ? "API" : char.ToUpperInvariant(suffix[0]) + suffix[1..];

    private static string Slugify(string name) => name.Trim().ToLowerInvariant().Replace(' ', '-');
}
