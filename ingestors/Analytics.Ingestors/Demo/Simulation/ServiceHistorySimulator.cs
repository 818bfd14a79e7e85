namespace Analytics.Ingestors.Demo;

/// <summary>
/// Simulates one service from its own seed, so any table can regenerate any service's history on demand
/// (and identically) instead of keeping every service's history in memory.
/// </summary>
internal static class ServiceHistorySimulator
{
    /// <summary>Each service in turn; only one history is alive at a time.</summary>
    public static IEnumerable<ServiceHistory> All(Organisation org) => org.Services.Select(service => Simulate(org, service));

    public static ServiceHistory Simulate(Organisation org, ServiceInfo service)
    {
        var rng = new Random(service.Seed);
        var history = new ServiceHistory(service);
        var pullRequests = new PullRequestFactory(org, service, rng);

        history.Mainline.Add(InitialCommit(org, service, rng));
        history.PullRequests.AddRange(pullRequests.CreateEverydayWork());
        history.Mainline.AddRange(history.PullRequests
            .Where(pr => pr.MergedAt is not null)
            .OrderBy(pr => pr.MergedAt)
            .ThenBy(pr => pr.Sequence)
            .Select(pr => new MainlineEntry(pr.MergedAt!.Value, pr.MergeSha, pr.Author, pr)));

        new DeploymentPipeline(org, history, pullRequests, rng).Run();

        // GitHub numbers pull requests in the order they are opened.
        history.PullRequests.Sort((a, b) => a.OpenedAt != b.OpenedAt ? a.OpenedAt.CompareTo(b.OpenedAt) : a.Sequence.CompareTo(b.Sequence));
        for (var i = 0; i < history.PullRequests.Count; i++)
        {
            history.PullRequests[i].Number = i + 1;
        }
        return history;
    }

    /// <summary>The repository's root commit, made by the owning team when the service is created.</summary>
    private static MainlineEntry InitialCommit(Organisation org, ServiceInfo service, Random rng)
    {
        var at = WorkingHours.NextWorkingInstant(service.CreatedAt);
        var members = new List<PersonInfo>();
        org.MembersAt(org.OwnerAt(service, at), at, members);
        return new MainlineEntry(at, rng.Sha(), rng.Pick(members), pullRequest: null);
    }
}
