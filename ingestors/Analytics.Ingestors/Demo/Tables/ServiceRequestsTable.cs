namespace Analytics.Ingestors.Demo;

/// <summary>
/// service_requests: teams asking the platform for environments, databases, repositories and DNS. Tickets take
/// days, self-service minutes; teams on the golden path mostly self-serve.
/// </summary>
internal static class ServiceRequestsTable
{
    public static readonly string[] Columns = ["request_id", "team", "kind", "channel", "requested_at", "fulfilled_at", "source"];

    private const double RequestsPerEngineerPerWorkday = 0.02;
    private const double SelfServiceShareBeforeGoldenPath = 0.2;
    private const double SelfServiceShareOnGoldenPath = 0.8;
    private const double ChanceOfNeverFulfilled = 0.015;

    private static readonly (string Kind, double Weight)[] Kinds = [("environment", 0.3), ("repository", 0.25), ("database", 0.2), ("dns", 0.25)];

    public static DemoTable Create(Organisation org) => new("service_requests", Columns, Rows(org));

    private static IEnumerable<object?[]> Rows(Organisation org)
    {
        var rng = new Random(org.ServiceRequestSeed);
        var number = 0;
        foreach (var day in WorkingHours.Workdays(org.Start, org.End))
        {
            foreach (var team in org.Teams)
            {
                var requests = rng.Poisson(org.TeamSizeAt(team, day.AddHours(12)) * RequestsPerEngineerPerWorkday);
                for (var i = 0; i < requests; i++)
                {
                    var requestedAt = WorkingHours.RandomInstantOn(rng, day);
                    var kind = PickKind(rng);
                    var selfService = rng.Chance(team.HasAdoptedGoldenPathBy(requestedAt) ? SelfServiceShareOnGoldenPath : SelfServiceShareBeforeGoldenPath);
                    var minutes = selfService ? rng.LogNormal(8, 0.6) : rng.LogNormal(2.5 * 24 * 60, 0.7);
                    DateTime? fulfilledAt = WorkingHours.PlusMinutes(requestedAt, Math.Max(1, minutes));
                    if (fulfilledAt > org.End || rng.Chance(ChanceOfNeverFulfilled))
                    {
                        fulfilledAt = null;
                    }
                    yield return
                    [
                        $"SR-{++number:D6}", team.Slug, kind, selfService ? "self_service" : "ticket", requestedAt, fulfilledAt, Organisation.Source,
                    ];
                }
            }
        }
    }

    private static string PickKind(Random rng)
    {
        var roll = rng.NextDouble();
        foreach (var (kind, weight) in Kinds)
        {
            roll -= weight;
            if (roll < 0)
            {
                return kind;
            }
        }
        return Kinds[^1].Kind;
    }
}
