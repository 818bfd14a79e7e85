namespace Analytics.Ingestors.Demo;

/// <summary>
/// Creates one service's pull requests: everyday feature work by the owning team, dependency bumps by a bot,
/// and hotfixes on demand. Reviews come from teammates (sometimes from another team, now and then a bot comment,
/// and the author answering on their own PR — which, like the bot, must not count as review pickup).
/// </summary>
internal sealed class PullRequestFactory(Organisation org, ServiceInfo service, Random rng)
{
    private const double DependencyUpdatesPerWorkday = 0.08;
    private const double ChanceOfRebasedBranch = 0.15;
    private const double ChanceOfBotComment = 0.08;
    private const double ChanceOfAuthorComment = 0.12;
    private const double ChanceOfSecondReviewer = 0.25;
    private const double ChanceOfCrossTeamReviewer = 0.1;
    private const double ChanceOfAbandonment = 0.03;
    private const double ChanceOfSquashMerge = 0.85;

    private static readonly string[] Verbs = ["Add", "Fix", "Refactor", "Improve", "Remove unused", "Update", "Speed up", "Document"];
    private static readonly string[] FollowUpMessages = ["Add tests", "Fix lint", "Handle empty input", "Update docs", "Tidy up", "Rename for clarity"];

    private readonly List<PersonInfo> _members = [];
    private int _sequence;

    /// <summary>Feature work and dependency bumps for every working day of the service's life, not yet numbered.</summary>
    public List<SimPullRequest> CreateEverydayWork()
    {
        var pullRequests = new List<SimPullRequest>();
        foreach (var day in WorkingHours.Workdays(service.CreatedAt, org.End))
        {
            var noon = day.AddHours(12);
            var team = org.OwnerAt(service, noon);
            var profile = org.ProfileAt(service, noon);
            var features = rng.Poisson(profile.PullRequestsPerEngineerPerWorkday * team.EngineersPerService);
            for (var i = 0; i < features; i++)
            {
                if (CreateFeature(WorkingHours.RandomInstantOn(rng, day), team, profile) is { } feature)
                {
                    pullRequests.Add(feature);
                }
            }
            if (rng.Chance(DependencyUpdatesPerWorkday) && CreateDependencyUpdate(WorkingHours.RandomInstantOn(rng, day), team, profile) is { } update)
            {
                pullRequests.Add(update);
            }
        }
        return pullRequests;
    }

    /// <summary>
    /// A one-commit fix written under incident pressure (wall-clock times, not office hours). Null if no single
    /// owning-team member can have written and merged it, e.g. because the service changed hands meanwhile.
    /// </summary>
    public SimPullRequest? CreateHotfix(string incidentTitle, DateTime firstCommitAt, DateTime openedAt, DateTime approvedAt, DateTime mergedAt)
    {
        if (!org.HasOneOwnerThroughout(service, firstCommitAt, mergedAt))
        {
            return null;
        }
        var team = org.OwnerAt(service, firstCommitAt);
        org.MembersAt(team, firstCommitAt, _members);
        _members.RemoveAll(p => !org.IsMemberThroughout(p, team, firstCommitAt, mergedAt));
        if (_members.Count == 0)
        {
            return null;
        }

        var author = rng.Pick(_members);
        var title = $"Hotfix: {incidentTitle}";
        var pullRequest = NewPullRequest(author, title, $"hotfix/{Slug(incidentTitle)}");
        pullRequest.Commits.Add(new SimBranchCommit(rng.Sha(), firstCommitAt, firstCommitAt, title));
        pullRequest.OpenedAt = openedAt;
        pullRequest.Reviews.Add(new SimReview(PickReviewer(team, author, approvedAt), "approved", approvedAt));
        Merge(pullRequest, mergedAt, squash: true);
        return pullRequest;
    }

    private SimPullRequest? CreateFeature(DateTime firstCommitAt, TeamInfo team, PerformanceProfile profile)
    {
        org.MembersAt(team, firstCommitAt, _members);
        if (_members.Count == 0)
        {
            return null;
        }
        var author = rng.Pick(_members);
        var feature = rng.Pick(NamePools.Features);
        var verb = rng.Pick(Verbs);
        var pullRequest = NewPullRequest(author, $"{verb} {feature}", $"{Slug(verb)}-{Slug(feature)}");

        // Coding: a few commits spread over working hours, then the PR opens.
        var commitCount = 1 + rng.Poisson(profile.ExtraCommitsPerPullRequest);
        var at = firstCommitAt;
        for (var k = 0; k < commitCount; k++)
        {
            if (k > 0)
            {
                at = WorkingHours.Add(at, rng.Exponential(profile.CodingHours / commitCount));
            }
            pullRequest.Commits.Add(new SimBranchCommit(rng.Sha(), at, at, k == 0 ? pullRequest.Title : rng.Pick(FollowUpMessages)));
        }
        pullRequest.OpenedAt = WorkingHours.Add(at, Math.Max(1.0 / 60, rng.Exponential(0.5)));
        if (pullRequest.OpenedAt > org.End)
        {
            return null;   // still being coded when history ends: no PR exists yet
        }
        if (rng.Chance(ChanceOfRebasedBranch))
        {
            RebaseJustBeforeOpening(pullRequest);
        }

        var approvedAt = Review(pullRequest, team, profile);
        if (rng.Chance(ChanceOfAbandonment))
        {
            Close(pullRequest, WorkingHours.Add(pullRequest.OpenedAt, rng.Exponential(24)));
        }
        else
        {
            var mergedAt = WorkingHours.Add(approvedAt, Math.Max(1.0 / 60, rng.Exponential(profile.MergeDelayHours)));
            // Attribution must hold for every commit: if the author changed teams or the service changed hands
            // while the PR was in flight, the PR is abandoned instead (it happens).
            if (org.HasOneOwnerThroughout(service, firstCommitAt, mergedAt) && org.IsMemberThroughout(author, team, firstCommitAt, mergedAt))
            {
                Merge(pullRequest, mergedAt, squash: rng.Chance(ChanceOfSquashMerge));
            }
            else
            {
                Close(pullRequest, mergedAt);
            }
        }
        return ClipToEndOfHistory(pullRequest);
    }

    private SimPullRequest? CreateDependencyUpdate(DateTime at, TeamInfo team, PerformanceProfile profile)
    {
        var dependency = rng.Pick(NamePools.Dependencies);
        var (major, minor) = (rng.Next(1, 6), rng.Next(0, 20));
        var title = $"Bump {dependency} from {major}.{minor}.0 to {major}.{minor + 1}.0";
        var bot = org.DependencyBot;
        var pullRequest = NewPullRequest(bot, title, $"dependabot/{Slug(dependency)}-{major}.{minor + 1}.0");
        pullRequest.Commits.Add(new SimBranchCommit(rng.Sha(), at, at, title));
        pullRequest.OpenedAt = WorkingHours.PlusMilliseconds(at, rng.Between(2_000, 20_000));

        var reviewedAt = WorkingHours.Add(pullRequest.OpenedAt, rng.LogNormal(profile.ReviewPickupHours * 1.5, 0.8));
        pullRequest.Reviews.Add(new SimReview(PickReviewer(team, bot, reviewedAt), "approved", reviewedAt));
        if (rng.Chance(0.2))
        {
            Close(pullRequest, WorkingHours.Add(pullRequest.OpenedAt, rng.Between(24, 120)));   // superseded by a newer bump
        }
        else
        {
            Merge(pullRequest, WorkingHours.Add(reviewedAt, Math.Max(1.0 / 60, rng.Exponential(profile.MergeDelayHours))), squash: true);
        }
        return ClipToEndOfHistory(pullRequest);
    }

    /// <summary>Adds the reviews and returns when the PR was (last) approved.</summary>
    private DateTime Review(SimPullRequest pullRequest, TeamInfo team, PerformanceProfile profile)
    {
        var opened = pullRequest.OpenedAt;
        if (rng.Chance(ChanceOfBotComment))
        {
            pullRequest.Reviews.Add(new SimReview(org.ReviewBot, "commented", WorkingHours.PlusMinutes(opened, rng.Between(1, 6))));
        }
        if (rng.Chance(ChanceOfAuthorComment))
        {
            pullRequest.Reviews.Add(new SimReview(pullRequest.Author, "commented", WorkingHours.PlusMinutes(opened, rng.Between(2, 30))));
        }

        var firstReviewAt = WorkingHours.Add(opened, rng.LogNormal(profile.ReviewPickupHours, 0.8));
        var reviewer = PickReviewer(team, pullRequest.Author, firstReviewAt);
        var approvedAt = firstReviewAt;
        if (rng.Chance(profile.ChangesRequestedRate))
        {
            pullRequest.Reviews.Add(new SimReview(reviewer, "changes_requested", firstReviewAt));
            var fixedAt = WorkingHours.Add(firstReviewAt, Math.Max(1.0 / 60, rng.Exponential(1.5)));
            pullRequest.Commits.Add(new SimBranchCommit(rng.Sha(), fixedAt, fixedAt, "Address review comments"));
            approvedAt = WorkingHours.Add(fixedAt, Math.Max(1.0 / 60, rng.LogNormal(profile.ReviewPickupHours / 2, 0.6)));
        }
        pullRequest.Reviews.Add(new SimReview(reviewer, "approved", approvedAt));

        if (rng.Chance(ChanceOfSecondReviewer))
        {
            var secondAt = WorkingHours.Add(opened, rng.LogNormal(profile.ReviewPickupHours, 0.8));
            var second = PickReviewer(team, pullRequest.Author, secondAt, alsoExcluding: reviewer);
            pullRequest.Reviews.Add(new SimReview(second, rng.Chance(0.7) ? "approved" : "commented", secondAt));
            approvedAt = secondAt > approvedAt ? secondAt : approvedAt;
        }
        return approvedAt;
    }

    private PersonInfo PickReviewer(TeamInfo team, PersonInfo author, DateTime at, PersonInfo? alsoExcluding = null)
    {
        if (rng.Chance(ChanceOfCrossTeamReviewer))
        {
            var otherTeam = org.Teams[(team.Index + 1 + rng.Next(org.Teams.Count - 1)) % org.Teams.Count];
            org.MembersAt(otherTeam, at, _members);
            if (_members.Count > 0)
            {
                return rng.Pick(_members);
            }
        }
        org.MembersAt(team, at, _members);
        _members.RemoveAll(p => p.Index == author.Index || p.Index == alsoExcluding?.Index);
        if (_members.Count > 0)
        {
            return rng.Pick(_members);
        }
        // A one-person team on this date: someone from elsewhere reviews.
        PersonInfo stranger;
        do
        {
            stranger = rng.Pick(org.Engineers);
        }
        while (stranger.Index == author.Index);
        return stranger;
    }

    private void RebaseJustBeforeOpening(SimPullRequest pullRequest)
    {
        var rebasedAt = WorkingHours.PlusMinutes(pullRequest.OpenedAt, -rng.Between(1, 10));
        for (var i = 0; i < pullRequest.Commits.Count; i++)
        {
            var commit = pullRequest.Commits[i];
            pullRequest.Commits[i] = commit with { CommittedAt = rebasedAt > commit.AuthoredAt ? rebasedAt : commit.AuthoredAt };
        }
    }

    private void Merge(SimPullRequest pullRequest, DateTime mergedAt, bool squash)
    {
        pullRequest.MergedAt = mergedAt;
        pullRequest.ClosedAt = mergedAt;
        pullRequest.SquashMerged = squash;
        pullRequest.MergeSha = rng.Sha();
    }

    private static void Close(SimPullRequest pullRequest, DateTime closedAt)
    {
        pullRequest.ClosedAt = closedAt;
        pullRequest.Reviews.RemoveAll(r => r.SubmittedAt > closedAt);
        pullRequest.Commits.RemoveAll(c => c.CommittedAt > closedAt);
    }

    /// <summary>Whatever would happen after the end of history has not happened yet: the PR is still open.</summary>
    private SimPullRequest ClipToEndOfHistory(SimPullRequest pullRequest)
    {
        var end = org.End;
        pullRequest.Reviews.RemoveAll(r => r.SubmittedAt > end);
        pullRequest.Commits.RemoveAll(c => c.CommittedAt > end);
        if (pullRequest.ClosedAt > end)
        {
            pullRequest.MergedAt = null;
            pullRequest.ClosedAt = null;
            pullRequest.MergeSha = "";
        }
        return pullRequest;
    }

    private SimPullRequest NewPullRequest(PersonInfo author, string title, string branch) =>
        new() { Sequence = _sequence++, Author = author, Title = title, Branch = branch };

    private static string Slug(string text) =>
        new(text.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray());
}
