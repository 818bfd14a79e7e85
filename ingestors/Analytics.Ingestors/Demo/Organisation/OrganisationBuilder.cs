namespace Analytics.Ingestors.Demo;

/// <summary>
/// Draws the organisation itself — teams, people, services, who belongs and owns what when, template
/// usage — from one seeded <see cref="Random"/>, in a fixed order so the same seed gives the same company.
/// </summary>
internal sealed class OrganisationBuilder
{
    private const double ShareOfTeamsAdoptingGoldenPath = 0.5;

    /// <summary>Engineers hired per month, as a share of the organisation's size: about two a month at scale S, so time to first deploy has a sample every month.</summary>
    private const double JoinersPerMonthShare = 0.015;

    /// <summary>At most this share of the engineers beyond the guaranteed founders joins later, so early months are not empty.</summary>
    private const double MaxShareOfLateJoiners = 1 / 3.0;

    /// <summary>An adopting team moves its services one by one over four months to a year (its own pace), so its adoption rate climbs in steps.</summary>
    private const double MinGoldenPathRolloutDays = 120;

    private const double MaxGoldenPathRolloutDays = 365;

    /// <summary>Some services of adopting teams never move (a hard-to-migrate legacy system), so even an early adopter tops out below 100%.</summary>
    private const double ShareOfServicesStayingOffGoldenPath = 0.15;
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
        var services = CreateServices(teams, out var firstOwners);
        var reorganisation = PlanReorganisation(services, teams, firstOwners);
        var memberships = AssignEngineersToTeams(engineers, teams, reorganisation);
        var ownerships = ReorganiseSomeServices(services, firstOwners, reorganisation);
        ChooseBadQuarter(teams);
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
            // Adoption starts in the middle of history, at a different time per team, so both "before" and "after"
            // are long enough to compare and the organisation's rate climbs over a year rather than in one step.
            DateTime? adoptedAt = adopterSet.Contains(i) ? MidnightAt(_rng.Between(0.2, 0.8)) : null;
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
    /// Every team starts with at least two engineers; engineers join every month after the first (so time to first
    /// deploy has a sample in any recent period); a few move teams — some of them with the services handed over in
    /// the reorganisation, the rest at other dates — one membership closing as the next opens, so history must be
    /// attributed by date.
    /// </summary>
    private List<MembershipRange> AssignEngineersToTeams(List<PersonInfo> engineers, List<TeamInfo> teams, Reorganisation reorganisation)
    {
        var guaranteed = 2 * teams.Count;
        var firstTeam = new TeamInfo[engineers.Count];
        var joinedAt = new DateTime[engineers.Count];
        for (var i = 0; i < engineers.Count; i++)
        {
            firstTeam[i] = i < guaranteed ? teams[i % teams.Count] : _rng.Pick(teams);
            joinedAt[i] = _start;
        }
        var joiners = Enumerable.Range(guaranteed, engineers.Count - guaranteed).ToList();
        _rng.Shuffle(joiners);
        var next = 0;
        var maxJoiners = (int)(joiners.Count * MaxShareOfLateJoiners);
        var months = Math.Max(1, _scale.Months - 1);
        var perMonth = Math.Min(engineers.Count * JoinersPerMonthShare, maxJoiners / (double)months);
        for (var month = _start.AddMonths(1); month < _end; month = month.AddMonths(1))
        {
            // A whole number of hires a month around the average: e.g. 2.25 → 2, sometimes 3; never none while any are left.
            var hires = Math.Max(1, (int)perMonth + (_rng.Chance(perMonth - (int)perMonth) ? 1 : 0));
            var monthEnd = month.AddMonths(1) < _end ? month.AddMonths(1) : _end;
            for (var h = 0; h < hires && next < maxJoiners; h++)
            {
                var day = month.AddDays(_rng.Next(Math.Max(1, (int)(monthEnd - month).TotalDays)));
                joinedAt[joiners[next++]] = day < _end ? day : month;
            }
        }
        var foundingMembers = new int[teams.Count];
        for (var i = 0; i < engineers.Count; i++)
        {
            if (joinedAt[i] == _start)
            {
                foundingMembers[firstTeam[i].Index]++;
            }
        }

        var moves = new Dictionary<int, (TeamInfo To, DateTime At)>();
        var candidates = Enumerable.Range(0, engineers.Count).Where(i => joinedAt[i] == _start).ToList();
        _rng.Shuffle(candidates);
        bool TryMove(int i, TeamInfo to, DateTime at)
        {
            var from = firstTeam[i];
            if (moves.ContainsKey(i) || from.Index == to.Index || foundingMembers[from.Index] < 3)
            {
                return false;   // keep at least two founders in every team
            }
            moves[i] = (to, at);
            foundingMembers[from.Index]--;
            return true;
        }
        // The reorganisation: an engineer of each team that hands a service over follows it to its new team.
        foreach (var (from, to) in reorganisation.Moves.Values.Distinct())
        {
            foreach (var i in candidates.Where(i => firstTeam[i].Index == from.Index))
            {
                if (TryMove(i, to, reorganisation.At))
                {
                    break;
                }
            }
        }
        var wantedMoves = moves.Count + Math.Max(1, engineers.Count / 40);
        foreach (var i in candidates)
        {
            if (moves.Count == wantedMoves)
            {
                break;
            }
            TryMove(i, teams[(firstTeam[i].Index + 1 + _rng.Next(teams.Count - 1)) % teams.Count], MidnightAt(_rng.Between(0.3, 0.8)));
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

    /// <summary>When the reorganisation happens, and which services it hands from which team to which.</summary>
    private sealed record Reorganisation(DateTime At, Dictionary<int, (TeamInfo From, TeamInfo To)> Moves);

    /// <summary>One reorganisation midway hands a few services to other teams, so ownership must be read by date.</summary>
    private Reorganisation PlanReorganisation(List<ServiceInfo> services, List<TeamInfo> teams, TeamInfo[] firstOwners)
    {
        var reorganisedAt = MidnightAt(_rng.Between(0.4, 0.6));
        var candidates = services.Where(s => s.CreatedAt == _start).ToList();
        _rng.Shuffle(candidates);
        var moved = candidates.Take(Math.Max(1, services.Count / 30)).ToDictionary(
            s => s.Index,
            s => (firstOwners[s.Index], teams[(firstOwners[s.Index].Index + 1 + _rng.Next(teams.Count - 1)) % teams.Count]));
        return new Reorganisation(reorganisedAt, moved);
    }

    private static List<OwnershipRange> ReorganiseSomeServices(List<ServiceInfo> services, TeamInfo[] firstOwners, Reorganisation reorganisation)
    {
        var ownerships = new List<OwnershipRange>();
        foreach (var service in services)
        {
            var first = firstOwners[service.Index];
            if (reorganisation.Moves.TryGetValue(service.Index, out var move))
            {
                ownerships.Add(new OwnershipRange(service, first, service.CreatedAt, reorganisation.At));
                ownerships.Add(new OwnershipRange(service, move.To, reorganisation.At, null));
            }
            else
            {
                ownerships.Add(new OwnershipRange(service, first, service.CreatedAt, null));
            }
        }
        return ownerships;
    }

    /// <summary>
    /// One team — neither the best nor the worst, so it is judged against its own quarters rather than other
    /// tiers — has a bad calendar quarter in the second half of history: more failed changes, slower recovery.
    /// </summary>
    private void ChooseBadQuarter(List<TeamInfo> teams)
    {
        var ranked = teams.OrderBy(t => t.Profile.Performance).ToList();
        var team = ranked.Count > 2 ? ranked[1 + _rng.Next(ranked.Count - 2)] : ranked[^1];
        var at = MidnightAt(_rng.Between(0.5, 0.7));
        var from = new DateTime(at.Year, (((at.Month - 1) / 3) * 3) + 1, 1, 0, 0, 0, DateTimeKind.Utc);
        from = from < _start ? _start : from;
        var to = from.AddMonths(3) < _end ? from.AddMonths(3) : _end;
        team.BadQuarter = (from, to);
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
        var rolloutDays = ownerships.Select(o => o.Team).DistinctBy(t => t.Index).OrderBy(t => t.Index)
            .ToDictionary(t => t.Index, _ => _rng.Between(MinGoldenPathRolloutDays, MaxGoldenPathRolloutDays));
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
            if (!_rng.Chance(ShareOfServicesStayingOffGoldenPath) && GoldenPathMigrationAt(service, ownerships, rolloutDays) is { } migratedAt)
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

    /// <summary>When an adopting owner moves this service to the golden path: at any time in the team's roll-out after adopting (or taking it over), so a team's services move one by one.</summary>
    private DateTime? GoldenPathMigrationAt(ServiceInfo service, List<OwnershipRange> ownerships, Dictionary<int, double> rolloutDays)
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
                : WorkingHours.NextWorkingInstant(from.AddDays(_rng.Between(0, rolloutDays[ownership.Team.Index])).AddHours(_rng.Between(0, 24)));
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
