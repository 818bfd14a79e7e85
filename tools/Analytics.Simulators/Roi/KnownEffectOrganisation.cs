namespace Analytics.Simulators.Roi;

/// <summary>
/// The true effect of the golden path a <see cref="KnownEffectOrganisation"/> injects from each adopting team's
/// adoption date: relative changes of deployments a month, lead time and recovery time (−0.3 = 30% less), and a change
/// of the change failure rate in percentage points (as a fraction). <see cref="None"/> injects nothing.
/// </summary>
public sealed record GoldenPathEffect(double Deployments, double LeadTime, double ChangeFailureRate, double Recovery)
{
    public static GoldenPathEffect None { get; } = new(0, 0, 0, 0);

    /// <summary>The effect the coverage study recovers: +20% deployments, −30% lead time, −5 points failure rate, −20% recovery.</summary>
    public static GoldenPathEffect Typical { get; } = new(0.2, -0.3, -0.05, -0.2);
}

/// <summary>One service of the organisation: its team, and from when (if ever) it runs on the golden-path template.</summary>
public sealed record KnownEffectService(string Service, string Team, DateTime? GoldenFrom);

/// <summary>A production deployment, the commits it shipped (committed at), and the incident it caused (started, resolved), if any.</summary>
public sealed record KnownEffectDeployment(string Id, string Service, DateTime Finished, IReadOnlyList<DateTime> Commits, (DateTime Started, DateTime Resolved)? Incident);

/// <summary>
/// A small engineering organisation (UTC, whole months of history from <see cref="Start"/>) with a known effect of the
/// golden path on each DORA key, for the ROI's coverage study and its oracle agreement test (docs/metrics.md, "ROI").
/// <para>Each team owns one service; half the teams (rounded down) adopt, each at the start of its own month between
/// <c>2·N + 1</c> and <c>Months − N − 2</c> (staggered), by moving its service onto the golden-path template. A team's
/// level of each key is its own (log-normal across teams), times a month shock shared by every team (a common trend), times
/// a shock of its own per month (noise); deployments are Poisson around the monthly rate, each ships 1–3 commits whose lead
/// times are log-normal around the team's level, and fails (an incident caused by it) with the team's failure probability;
/// incidents are resolved after a log-normal recovery time. From the adoption date every deployment of an adopter gets
/// the effect: rate × (1 + Deployments), lead time × (1 + LeadTime), failure probability + ChangeFailureRate, recovery
/// × (1 + Recovery). Same arguments, same organisation; randomness only from <c>new Random(seed)</c>.</para>
/// </summary>
public sealed class KnownEffectOrganisation
{
    public const string GoldenTemplate = "golden";
    public const string LegacyTemplate = "legacy";

    public KnownEffectOrganisation(int seed, GoldenPathEffect effect, int teams = 14, int months = 12, int roiMonths = 2, DateTime? start = null)
    {
        if (teams < 4 || roiMonths < 1 || months < (3 * roiMonths) + 3)
        {
            throw new ArgumentException($"A known-effect organisation needs at least 4 teams and 3·N + 3 months (teams {teams}, months {months}, N {roiMonths}).");
        }
        Seed = seed;
        Effect = effect;
        Months = months;
        RoiMonths = roiMonths;
        Start = start ?? new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var random = new Random(seed);
        var monthShock = Enumerable.Range(0, months).Select(_ => (Rate: Normal(random, 0.1), Lead: Normal(random, 0.1), Recovery: Normal(random, 0.1))).ToList();
        var adopting = Enumerable.Range(0, teams).OrderBy(_ => random.Next()).Take(teams / 2).ToHashSet();
        var services = new List<KnownEffectService>();
        var deployments = new List<KnownEffectDeployment>();
        for (var t = 0; t < teams; t++)
        {
            var team = $"team-{t:00}";
            var service = $"svc-{t:00}";
            DateTime? goldenFrom = adopting.Contains(t) ? Start.AddMonths(random.Next((2 * roiMonths) + 1, months - roiMonths - 1)) : null;
            services.Add(new KnownEffectService(service, team, goldenFrom));
            var rate = 10 * Math.Exp(Normal(random, 0.3));
            var lead = 30 * Math.Exp(Normal(random, 0.5));
            var failure = 0.15 + (0.1 * random.NextDouble());
            var recovery = 3 * Math.Exp(Normal(random, 0.5));
            var n = 0;
            for (var m = 0; m < months; m++)
            {
                var monthStart = Start.AddMonths(m);
                var days = (monthStart.AddMonths(1) - monthStart).TotalDays;
                var treated = goldenFrom is { } from && monthStart >= from;
                var monthRate = rate * Math.Exp(monthShock[m].Rate + Normal(random, 0.1)) * (treated ? 1 + effect.Deployments : 1);
                var monthLead = lead * Math.Exp(monthShock[m].Lead + Normal(random, 0.15)) * (treated ? 1 + effect.LeadTime : 1);
                var monthRecovery = recovery * Math.Exp(monthShock[m].Recovery + Normal(random, 0.15)) * (treated ? 1 + effect.Recovery : 1);
                var monthFailure = Math.Clamp(failure + (treated ? effect.ChangeFailureRate : 0), 0, 1);
                var count = Poisson(random, monthRate);
                // Deployments finish at whole seconds inside the month, leaving its last day free for incidents to resolve in it too.
                foreach (var at in Enumerable.Range(0, count).Select(_ => monthStart.AddSeconds(Math.Floor(random.NextDouble() * (days - 1) * 86_400))).Order())
                {
                    var commits = Enumerable.Range(0, 1 + random.Next(3))
                        .Select(_ => at.AddSeconds(-Math.Round(monthLead * 3600 * Math.Exp(Normal(random, 0.6))))).ToList();
                    (DateTime, DateTime)? incident = random.NextDouble() < monthFailure
                        ? (at.AddMinutes(30), at.AddMinutes(30).AddSeconds(Math.Round(monthRecovery * 3600 * Math.Exp(Normal(random, 0.5)))))
                        : null;
                    deployments.Add(new KnownEffectDeployment($"{service}-{n++}", service, at, commits, incident));
                }
            }
        }
        Services = services;
        Deployments = deployments;
    }

    public int Seed { get; }

    public GoldenPathEffect Effect { get; }

    public int Months { get; }

    /// <summary>N: the before and after windows the organisation is made for (adoption months leave room for them and the earlier window).</summary>
    public int RoiMonths { get; }

    /// <summary>The first instant of history (UTC, a month start).</summary>
    public DateTime Start { get; }

    /// <summary>The end of history: <see cref="Start"/> + <see cref="Months"/>.</summary>
    public DateTime End => Start.AddMonths(Months);

    public IReadOnlyList<KnownEffectService> Services { get; }

    public IReadOnlyList<KnownEffectDeployment> Deployments { get; }

    /// <summary>
    /// The organisation as rows of the store's tables (catalog and events), each table with its columns, for
    /// <c>IClickHouseStore.InsertAsync</c>; the service's template range starts at its adoption date.
    /// </summary>
    public IEnumerable<(string Table, string[] Columns, IEnumerable<object?[]> Rows)> Tables()
    {
        var since = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        yield return ("catalog_production_environments", ["source", "pattern"], [["", "production"]]);
        yield return ("catalog_templates", ["template", "latest_version", "is_golden_path"], [[GoldenTemplate, "1.0.0", true], [LegacyTemplate, "1.0.0", false]]);
        yield return ("catalog_services", ["service", "repository", "default_branch"], Services.Select(s => new object?[] { s.Service, Repository(s.Service), "main" }));
        yield return ("catalog_service_ownership", ["service", "team", "valid_from", "valid_to"], Services.Select(s => new object?[] { s.Service, s.Team, since, null }));
        yield return ("catalog_service_templates", ["service", "template", "template_version", "valid_from", "valid_to"], Services.SelectMany(s => s.GoldenFrom is { } from
            ? new object?[][] { [s.Service, LegacyTemplate, "1.0.0", since, from], [s.Service, GoldenTemplate, "1.0.0", from, null] }
            : [[s.Service, LegacyTemplate, "1.0.0", since, null]]));
        yield return ("deployments", ["deployment_id", "service", "environment", "status", "kind", "related_deployment_id", "repository", "sha", "started_at", "finished_at", "url", "source"],
            Deployments.Select(d => new object?[] { d.Id, d.Service, "production", "success", "normal", "", Repository(d.Service), $"{d.Id}-0", d.Finished.AddMinutes(-5), d.Finished, "", "known-effect" }));
        yield return ("commits", ["repository", "sha", "parents", "author_email", "author_name", "authored_at", "committer_email", "committed_at", "message", "source"],
            Deployments.SelectMany(d => d.Commits.Select((at, i) => new object?[] { Repository(d.Service), $"{d.Id}-{i}", Array.Empty<string>(), "dev@example.com", "Dev", at, "dev@example.com", at, "change", "known-effect" })));
        yield return ("deployment_commits", ["deployment_id", "service", "repository", "sha", "link"],
            Deployments.SelectMany(d => d.Commits.Select((_, i) => new object?[] { d.Id, d.Service, Repository(d.Service), $"{d.Id}-{i}", "exact" })));
        yield return ("incidents", ["incident_id", "service", "severity", "title", "started_at", "resolved_at", "caused_by_deployment_id", "url", "source"],
            Deployments.Where(d => d.Incident is not null).Select(d => new object?[] { $"inc-{d.Id}", d.Service, "sev2", "failure", d.Incident!.Value.Started, d.Incident.Value.Resolved, d.Id, "", "known-effect" }));
    }

    private static string Repository(string service) => $"acme/{service}";

    private static double Normal(Random random, double sigma) =>
        sigma * Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static int Poisson(Random random, double mean)
    {
        // Knuth's method: the rates here are small (tens a month).
        var limit = Math.Exp(-mean);
        var k = 0;
        var p = random.NextDouble();
        while (p > limit)
        {
            k++;
            p *= random.NextDouble();
        }
        return k;
    }
}
