namespace Analytics.Storage.Tests.Space;

/// <summary>
/// A small organisation, January 2025, worked by hand in the tests that use it.
/// <code>
/// teams      alpha: ann, bob (moves to beta 01-22), eve (joins 01-15)   beta: cat, fay (joins 01-25)   gamma: gus (since 2024-12-10)
///            dan reviews but is in no catalog. dependabot[bot] is a bot.
/// services   api, docs → alpha   web, tmp → beta   ops, lab → gamma   (repositories acme/&lt;service&gt;)
/// templates  java (golden, latest 3.2.0), node (golden, latest 2.5.1), legacy-skeleton (latest 1.9.0)
///            api: legacy 1.8.0, then java 3.1.0 from 01-15; web: legacy 1.9.0; ops: node 2.3.0; docs: node 1.0.0;
///            lab: node v2.5.0-rc.1; tmp: "scratch" 0.1.0 (a template the catalog does not know)
/// deploys    d1 api 01-05, d2 api 01-20 (ships eve's e1), d3 web 01-21, d4 web to staging 01-22, d6 ops 01-25, d5 api 02-03
/// PRs        #1 api ann 01-06 09:00, merged 12:00, reviewed by bob 10:00
///            #2 api bob 01-09 09:00, merged 01-10; reviewed by cat 11:00 and ann 13:00
///            #3 web cat 01-11 09:00, merged 01-12; reviews: dependabot 09:10 (bot), cat 09:30 (own), ann 10:00, dan 12:00
///            #4 web by dependabot (bot) merged 01-13; #5 api ann opened 01-25, still open; #6 web cat closed unmerged 01-04;
///            #7 web cat opened 01-30, merged 02-02; #8 in acme/unknown (no service) by gus, opened 01-28, still open
/// requests   sr1 alpha environment self-service 600 s; sr2 alpha database ticket 48 h; sr3 alpha environment ticket 24 h;
///            sr4 beta dns self-service 1,200 s; sr5 beta dns self-service never fulfilled;
///            sr6 gamma dns ticket requested 2024-12-30, fulfilled 01-02 (72 h)
/// </code>
/// </summary>
internal static class EngineeringScenario
{
    public static readonly DateTimeOffset January = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset February = new(2025, 2, 1, 0, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset March = new(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);

    public static async Task<IClickHouseStore> CreateAsync()
    {
        var store = await EmbeddedEngine.NewMigratedDatabaseAsync("space");
        foreach (var statement in Sql.Split(";\n", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            await store.ExecuteAsync(statement);
        }
        return store;
    }

    private const string Sql = """
        INSERT INTO catalog_production_environments (source, pattern) VALUES ('', 'production');
        INSERT INTO catalog_services (service, repository, default_branch) VALUES
            ('api', 'acme/api', 'main'), ('web', 'acme/web', 'main'), ('ops', 'acme/ops', 'main'),
            ('docs', 'acme/docs', 'main'), ('lab', 'acme/lab', 'main'), ('tmp', 'acme/tmp', 'main');
        INSERT INTO catalog_service_ownership VALUES
            ('api', 'alpha', '2020-01-01 00:00:00', NULL), ('docs', 'alpha', '2020-01-01 00:00:00', NULL),
            ('web', 'beta', '2020-01-01 00:00:00', NULL), ('tmp', 'beta', '2020-01-01 00:00:00', NULL),
            ('ops', 'gamma', '2020-01-01 00:00:00', NULL), ('lab', 'gamma', '2020-01-01 00:00:00', NULL);
        INSERT INTO catalog_team_membership VALUES
            ('p-ann', 'alpha', '2024-01-01 00:00:00', NULL),
            ('p-bob', 'alpha', '2024-01-01 00:00:00', '2025-01-22 00:00:00'), ('p-bob', 'beta', '2025-01-22 00:00:00', NULL),
            ('p-eve', 'alpha', '2025-01-15 00:00:00', NULL),
            ('p-cat', 'beta', '2024-01-01 00:00:00', NULL), ('p-fay', 'beta', '2025-01-25 00:00:00', NULL),
            ('p-gus', 'gamma', '2024-12-10 00:00:00', NULL);
        INSERT INTO catalog_identities VALUES
            ('p-ann', 'github_login', 'ann', false), ('p-ann', 'git_email', 'ann@x', false), ('p-bob', 'github_login', 'bob', false),
            ('p-eve', 'github_login', 'eve', false), ('p-eve', 'git_email', 'eve@x', false), ('p-cat', 'github_login', 'cat', false),
            ('p-fay', 'github_login', 'fay', false), ('p-gus', 'github_login', 'gus', false),
            ('bot-dependabot', 'github_login', 'dependabot[bot]', true);
        INSERT INTO catalog_templates VALUES ('java', '3.2.0', true), ('node', '2.5.1', true), ('legacy-skeleton', '1.9.0', false);
        INSERT INTO catalog_service_templates VALUES
            ('api', 'legacy-skeleton', '1.8.0', '2024-01-01 00:00:00', '2025-01-15 00:00:00'), ('api', 'java', '3.1.0', '2025-01-15 00:00:00', NULL),
            ('web', 'legacy-skeleton', '1.9.0', '2024-01-01 00:00:00', NULL), ('ops', 'node', '2.3.0', '2024-01-01 00:00:00', NULL),
            ('docs', 'node', '1.0.0', '2024-01-01 00:00:00', NULL), ('lab', 'node', 'v2.5.0-rc.1', '2024-06-01 00:00:00', NULL),
            ('tmp', 'scratch', '0.1.0', '2024-06-01 00:00:00', NULL);
        INSERT INTO deployments (deployment_id, service, environment, status, kind, related_deployment_id, repository, sha, started_at, finished_at, url, source) VALUES
            ('d1', 'api', 'production', 'success', 'normal', '', 'acme/api', 'a1', '2025-01-05 10:00:00', '2025-01-05 10:05:00', '', 't'),
            ('d2', 'api', 'production', 'success', 'normal', '', 'acme/api', 'e1', '2025-01-20 10:00:00', '2025-01-20 10:05:00', '', 't'),
            ('d3', 'web', 'production', 'success', 'normal', '', 'acme/web', 'w1', '2025-01-21 10:00:00', '2025-01-21 10:05:00', '', 't'),
            ('d4', 'web', 'staging', 'success', 'normal', '', 'acme/web', 'w1', '2025-01-22 10:00:00', '2025-01-22 10:05:00', '', 't'),
            ('d6', 'ops', 'production', 'success', 'normal', '', 'acme/ops', 'o1', '2025-01-25 10:00:00', '2025-01-25 10:05:00', '', 't'),
            ('d5', 'api', 'production', 'success', 'normal', '', 'acme/api', 'a2', '2025-02-03 10:00:00', '2025-02-03 10:05:00', '', 't');
        INSERT INTO commits (repository, sha, parents, author_email, author_name, authored_at, committer_email, committed_at, message, source) VALUES
            ('acme/api', 'a1', [], 'ann@x', 'Ann', '2025-01-04 10:00:00', 'ann@x', '2025-01-04 10:00:00', 'm', 't'),
            ('acme/api', 'e1', ['a1'], ' Eve@X', 'Eve', '2025-01-19 10:00:00', 'eve@x', '2025-01-19 10:00:00', 'm', 't');
        INSERT INTO deployment_commits (deployment_id, service, repository, sha, link) VALUES
            ('d1', 'api', 'acme/api', 'a1', 'exact'), ('d2', 'api', 'acme/api', 'e1', 'exact');
        INSERT INTO pull_requests (repository, number, title, author_login, author_is_bot, base_branch, opened_at, first_commit_at, first_review_at, merged_at, closed_at, merge_sha, url, source) VALUES
            ('acme/api', 1, 't', 'ann', false, 'main', '2025-01-06 09:00:00', NULL, NULL, '2025-01-06 12:00:00', '2025-01-06 12:00:00', 'a1', '', 't'),
            ('acme/api', 2, 't', 'bob', false, 'main', '2025-01-09 09:00:00', NULL, NULL, '2025-01-10 09:00:00', '2025-01-10 09:00:00', 'x2', '', 't'),
            ('acme/web', 3, 't', 'cat', false, 'main', '2025-01-11 09:00:00', NULL, NULL, '2025-01-12 09:00:00', '2025-01-12 09:00:00', 'x3', '', 't'),
            ('acme/web', 4, 't', 'dependabot[bot]', true, 'main', '2025-01-13 08:00:00', NULL, NULL, '2025-01-13 09:00:00', '2025-01-13 09:00:00', 'x4', '', 't'),
            ('acme/api', 5, 't', 'ann', false, 'main', '2025-01-25 09:00:00', NULL, NULL, NULL, NULL, '', '', 't'),
            ('acme/web', 6, 't', 'cat', false, 'main', '2025-01-03 09:00:00', NULL, NULL, NULL, '2025-01-04 09:00:00', '', '', 't'),
            ('acme/web', 7, 't', 'cat', false, 'main', '2025-01-30 09:00:00', NULL, NULL, '2025-02-02 09:00:00', '2025-02-02 09:00:00', 'x7', '', 't'),
            ('acme/unknown', 8, 't', 'gus', false, 'main', '2025-01-28 09:00:00', NULL, NULL, NULL, NULL, '', '', 't');
        INSERT INTO pull_request_reviews (repository, number, review_id, reviewer_login, reviewer_is_bot, state, submitted_at, source) VALUES
            ('acme/api', 1, 'r1', 'bob', false, 'approved', '2025-01-06 10:00:00', 't'),
            ('acme/api', 2, 'r2', 'cat', false, 'approved', '2025-01-09 11:00:00', 't'),
            ('acme/api', 2, 'r3', 'ann', false, 'commented', '2025-01-09 13:00:00', 't'),
            ('acme/web', 3, 'r4', 'ann', false, 'approved', '2025-01-11 10:00:00', 't'),
            ('acme/web', 3, 'r5', 'Dan', false, 'commented', '2025-01-11 12:00:00', 't'),
            ('acme/web', 3, 'r6', 'cat', false, 'commented', '2025-01-11 09:30:00', 't'),
            ('acme/web', 3, 'r7', 'dependabot[bot]', true, 'commented', '2025-01-11 09:10:00', 't');
        INSERT INTO service_requests (request_id, team, kind, channel, requested_at, fulfilled_at, source) VALUES
            ('sr1', 'alpha', 'environment', 'self_service', '2025-01-07 10:00:00', '2025-01-07 10:10:00', 't'),
            ('sr2', 'alpha', 'database', 'ticket', '2025-01-08 09:00:00', '2025-01-10 09:00:00', 't'),
            ('sr3', 'alpha', 'environment', 'ticket', '2025-01-20 09:00:00', '2025-01-21 09:00:00', 't'),
            ('sr4', 'beta', 'dns', 'self_service', '2025-01-09 09:00:00', '2025-01-09 09:20:00', 't'),
            ('sr5', 'beta', 'dns', 'self_service', '2025-01-30 09:00:00', NULL, 't'),
            ('sr6', 'gamma', 'dns', 'ticket', '2024-12-30 09:00:00', '2025-01-02 09:00:00', 't')
        """;
}
