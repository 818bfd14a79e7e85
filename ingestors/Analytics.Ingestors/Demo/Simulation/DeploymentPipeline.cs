namespace Analytics.Ingestors.Demo;

/// <summary>
/// Replays one service's delivery pipeline over its default branch: on each deploy slot, whatever has merged
/// since the last release goes to staging, then production. Some production deployments turn out bad and cause
/// an incident, repaired by a rollback or a hotfix; routine deploys wait until the incident is resolved.
/// </summary>
internal sealed class DeploymentPipeline(Organisation org, ServiceHistory history, PullRequestFactory pullRequests, Random rng)
{
    private const string Production = "production";
    private const string Staging = "staging";

    private readonly ServiceInfo _service = history.Service;
    private readonly List<MainlineEntry> _mainline = history.Mainline;

    private int _head = -1;                 // last mainline entry merged by the time being replayed
    private int _shippedThrough = -1;       // last mainline entry any successful production deployment shipped
    private DateTime _frozenUntil;          // an incident is being handled: no routine deploys
    private SimDeployment? _lastHealthyProduction;

    public void Run()
    {
        var times = new List<DateTime>();
        foreach (var day in WorkingHours.Workdays(_service.CreatedAt, org.End))
        {
            var profile = org.ProfileAt(_service, day.AddHours(12));
            times.Clear();
            for (var slots = rng.Poisson(profile.DeploySlotsPerWorkday); slots > 0; slots--)
            {
                times.Add(WorkingHours.RandomInstantOn(rng, day));
            }
            times.Sort();
            foreach (var at in times)
            {
                if (at >= _frozenUntil)
                {
                    TryRoutineDeploy(at, profile);
                }
            }
        }
        if (_service.EndsWithOpenIncident)
        {
            OpenIncidentAtEndOfHistory();
        }
    }

    private void TryRoutineDeploy(DateTime at, PerformanceProfile profile)
    {
        var head = HeadAt(at);
        if (head <= _shippedThrough)
        {
            return;   // nothing new to ship
        }
        var stagingFinished = WorkingHours.PlusMinutes(at, rng.Between(3, 8));
        var attemptStarted = WorkingHours.PlusMinutes(stagingFinished, rng.Between(2, 20));
        DateTime? attemptFailed = rng.Chance(profile.FailedAttemptRate) ? WorkingHours.PlusMinutes(attemptStarted, rng.Between(2, 6)) : null;
        var started = attemptFailed is { } failed ? WorkingHours.PlusMinutes(failed, rng.Between(10, 40)) : attemptStarted;
        var finished = WorkingHours.PlusMinutes(started, rng.Between(4, 12));
        if (finished > org.End)
        {
            return;
        }

        // The pipeline builds the head it saw when it started and promotes that same commit from staging to production.
        var sha = _mainline[head].Sha;
        Add(Staging, "success", "normal", "", sha, at, stagingFinished);
        if (attemptFailed is { } failedAt)
        {
            Add(Production, "failure", "normal", "", sha, attemptStarted, failedAt);   // pipeline failure, retried
        }
        var deployment = Add(Production, "success", "normal", "", sha, started, finished, shipThrough: head);
        if (!(rng.Chance(profile.ChangeFailureRate) && TryRecoverFromBadDeployment(deployment, profile)))
        {
            _lastHealthyProduction = deployment;
        }
    }

    /// <summary>
    /// The deployment broke production: an incident starts shortly after and the team rolls back or ships a
    /// hotfix, as fast as its profile allows. False (the deployment counts as healthy) if recovery would not
    /// finish before the end of history, so only the chosen few incidents are left open.
    /// </summary>
    private bool TryRecoverFromBadDeployment(SimDeployment bad, PerformanceProfile profile)
    {
        var incidentStarted = WorkingHours.PlusMinutes(bad.FinishedAt, Math.Max(1, rng.LogNormal(profile.DetectionMinutes, 0.5)));
        var recoveryMinutes = Math.Max(15, rng.LogNormal(profile.RecoveryHours * 60, 0.6));
        var title = string.Format(System.Globalization.CultureInfo.InvariantCulture, rng.Pick(NamePools.IncidentSymptoms), _service.Slug);
        var severity = Severity();
        var causedBy = rng.Chance(0.5) ? bad.Id : "";   // the rest must be attributed by inference

        // Each team has a preferred repair; if it cannot work out (nothing to roll back to, no one to write the fix), the other is tried.
        var resolvedAt = rng.Chance(profile.RollbackShare)
            ? TryRollBack(bad, incidentStarted, recoveryMinutes) ?? TryHotfix(bad, title, incidentStarted, recoveryMinutes)
            : TryHotfix(bad, title, incidentStarted, recoveryMinutes) ?? TryRollBack(bad, incidentStarted, recoveryMinutes);
        if (resolvedAt is not { } resolved)
        {
            return false;
        }

        history.Incidents.Add(new SimIncident(NextIncidentId(), severity, title, incidentStarted, resolved, causedBy));
        _frozenUntil = resolved;
        return true;
    }

    private DateTime? TryRollBack(SimDeployment bad, DateTime incidentStarted, double recoveryMinutes)
    {
        if (_lastHealthyProduction is not { } previous)
        {
            return null;
        }
        var started = WorkingHours.PlusMinutes(incidentStarted, 0.6 * recoveryMinutes);
        var finished = WorkingHours.PlusMinutes(started, rng.Between(2, 6));
        var resolved = WorkingHours.PlusMinutes(finished, Math.Max(1, 0.25 * recoveryMinutes));
        if (resolved > org.End)
        {
            return null;
        }
        // Going back to what ran before ships nothing new.
        _lastHealthyProduction = Add(Production, "success", "rollback", bad.Id, previous.Sha, started, finished);
        return resolved;
    }

    private DateTime? TryHotfix(SimDeployment bad, string incidentTitle, DateTime incidentStarted, double recoveryMinutes)
    {
        DateTime After(DateTime at, double fraction) => WorkingHours.PlusMinutes(at, Math.Max(1, fraction * recoveryMinutes));
        var firstCommitAt = After(incidentStarted, 0.15);
        var openedAt = After(firstCommitAt, 0.15);
        var approvedAt = After(openedAt, 0.15);
        var mergedAt = After(approvedAt, 0.1);
        var started = After(mergedAt, 0.1);
        var finished = WorkingHours.PlusMinutes(started, rng.Between(4, 10));
        var resolved = After(finished, 0.15);
        if (resolved > org.End || pullRequests.CreateHotfix(incidentTitle, firstCommitAt, openedAt, approvedAt, mergedAt) is not { } fix)
        {
            return null;
        }

        history.PullRequests.Add(fix);
        InsertIntoMainline(new MainlineEntry(mergedAt, fix.MergeSha, fix.Author, fix));
        var head = HeadAt(started);
        _lastHealthyProduction = Add(Production, "success", "hotfix", bad.Id, _mainline[head].Sha, started, finished, shipThrough: head);
        return resolved;
    }

    /// <summary>Two or three services end history mid-incident, so "open incidents" is never empty.</summary>
    private void OpenIncidentAtEndOfHistory()
    {
        var title = string.Format(System.Globalization.CultureInfo.InvariantCulture, rng.Pick(NamePools.IncidentSymptoms), _service.Slug);
        var severity = rng.Chance(0.4) ? "sev2" : "sev3";
        var last = _lastHealthyProduction;
        if (last is { Kind: "normal" } && last.FinishedAt >= org.End.AddDays(-3) && last.FinishedAt < org.End)
        {
            // Blame the latest release; as elsewhere, only half the incidents name it.
            var detectedAfter = Math.Min(rng.LogNormal(30, 0.5), (org.End - last.FinishedAt).TotalMinutes / 2);
            var startedAt = WorkingHours.PlusMinutes(last.FinishedAt, detectedAfter);
            history.Incidents.Add(new SimIncident(NextIncidentId(), severity, title, startedAt, null, rng.Chance(0.5) ? last.Id : ""));
        }
        else
        {
            var startedAt = WorkingHours.PlusMinutes(org.End, -rng.Between(60, 30 * 60));
            history.Incidents.Add(new SimIncident(NextIncidentId(), severity, title, startedAt, null, ""));
        }
    }

    /// <summary>Advances to the last mainline entry merged by <paramref name="at"/>; replay time never goes backwards.</summary>
    private int HeadAt(DateTime at)
    {
        while (_head + 1 < _mainline.Count && _mainline[_head + 1].MergedAt <= at)
        {
            _head++;
        }
        return _head;
    }

    /// <summary>Hotfixes merge after everything replayed so far, so indexes already recorded stay valid.</summary>
    private void InsertIntoMainline(MainlineEntry entry)
    {
        var index = _head + 1;
        while (index < _mainline.Count && _mainline[index].MergedAt <= entry.MergedAt)
        {
            index++;
        }
        _mainline.Insert(index, entry);
    }

    private SimDeployment Add(string environment, string status, string kind, string relatedId, string sha, DateTime started, DateTime finished, int? shipThrough = null)
    {
        var deployment = new SimDeployment
        {
            Id = $"{_service.Slug}-{history.Deployments.Count + 1}",
            Environment = environment,
            Status = status,
            Kind = kind,
            RelatedDeploymentId = relatedId,
            Sha = sha,
            StartedAt = started,
            FinishedAt = finished,
            FirstShipped = _shippedThrough + 1,
            LastShipped = shipThrough ?? _shippedThrough,
        };
        if (shipThrough is { } through)
        {
            _shippedThrough = through;
        }
        history.Deployments.Add(deployment);
        return deployment;
    }

    private string Severity() => rng.NextDouble() switch
    {
        < 0.1 => "sev1",
        < 0.45 => "sev2",
        _ => "sev3",
    };

    private string NextIncidentId() => $"{_service.Slug}-incident-{history.Incidents.Count + 1}";
}
