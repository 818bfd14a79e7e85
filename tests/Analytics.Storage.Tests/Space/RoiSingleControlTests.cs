using Analytics.Core.Space;

namespace Analytics.Storage.Tests.Space;

/// <summary>
/// An adopter with a single comparable control, through the real engine (N = 1; data from 01-02, so February is the
/// first whole month). A1–A4 adopt in April (before March, after May): controls C1, C2 and A5 (not yet adopted). A5 adopts in June (before May,
/// after July): C2 was dissolved on 06-01, so C1 is its only control. Deployments a month, February to July:
/// <code>
/// A1 2,2,3,4,4,4   A2 3,3,3,6,6,6   A3 1,2,2,3,3,3   A4 2,4,4,6,6,6   A5 2,2,2,2,3,5   C1 2,2,2,3,3,3   C2 4,4,4,4,0,0
/// </code>
/// A5: May 2 → July 5 against C1 3 → 3: effect log 2.5. Resampling teams with replacement would leave C1 out of many
/// resamples and A5 with them; Dirichlet weights keep A5's comparison in every one.
/// </summary>
public sealed class RoiSingleControlTests : IAsyncLifetime
{
    private IClickHouseStore _store = default!;

    public async Task InitializeAsync()
    {
        _store = await EmbeddedEngine.NewMigratedDatabaseAsync("roi1");
        await _store.ExecuteAsync("INSERT INTO catalog_production_environments (source, pattern) VALUES ('', 'production')");
        string[] teams = ["A1", "A2", "A3", "A4", "A5", "C1", "C2"];
        await _store.ExecuteAsync($"INSERT INTO catalog_service_ownership VALUES {string.Join(", ", teams.Select(t => $"('{t.ToLowerInvariant()}', '{t}', '2020-01-01 00:00:00', {(t == "C2" ? "'2025-06-01 00:00:00'" : "NULL")})"))}");
        await _store.ExecuteAsync("INSERT INTO catalog_templates VALUES ('java', '3.2.0', true), ('legacy', '1.0.0', false)");
        string Templates(string service, string? goldenFrom) => goldenFrom is null
            ? $"('{service}', 'legacy', '1.0.0', '2020-01-01 00:00:00', NULL)"
            : $"('{service}', 'legacy', '1.0.0', '2020-01-01 00:00:00', '{goldenFrom}'), ('{service}', 'java', '3.2.0', '{goldenFrom}', NULL)";
        await _store.ExecuteAsync($"INSERT INTO catalog_service_templates VALUES {string.Join(", ",
            Templates("a1", "2025-04-01 00:00:00"), Templates("a2", "2025-04-01 00:00:00"), Templates("a3", "2025-04-01 00:00:00"),
            Templates("a4", "2025-04-01 00:00:00"), Templates("a5", "2025-06-01 00:00:00"), Templates("c1", null), Templates("c2", null))}");
        var deployments = new List<string> { Deployment("c1-jan", "c1", new DateTime(2025, 1, 2)) };
        void Add(string service, params int[] perMonth)
        {
            for (var m = 0; m < perMonth.Length; m++)
            {
                for (var i = 0; i < perMonth[m]; i++)
                {
                    deployments.Add(Deployment($"{service}-{m + 2}-{i}", service, new DateTime(2025, m + 2, 2 + i)));
                }
            }
        }
        Add("a1", 2, 2, 3, 4, 4, 4); Add("a2", 3, 3, 3, 6, 6, 6); Add("a3", 1, 2, 2, 3, 3, 3); Add("a4", 2, 4, 4, 6, 6, 6);
        Add("a5", 2, 2, 2, 2, 3, 5); Add("c1", 2, 2, 2, 3, 3, 3); Add("c2", 4, 4, 4, 4, 0, 0);
        await _store.ExecuteAsync($"INSERT INTO deployments (deployment_id, service, environment, status, kind, related_deployment_id, repository, sha, started_at, finished_at, url, source) VALUES {string.Join(", ", deployments)}");
    }

    public async Task DisposeAsync() => await _store.DisposeAsync();

    private static string Deployment(string id, string service, DateTime day) =>
        $"('{id}', '{service}', 'production', 'success', 'normal', '', 'acme/{service}', '{id}', '{day:yyyy-MM-dd} 10:00:00', '{day:yyyy-MM-dd} 10:05:00', '', 't')";

    [Fact]
    public async Task An_adopter_with_one_control_keeps_its_comparison_in_every_resample()
    {
        var options = Options.Create(new MetricOptions());
        var sql = new SqlFiles();
        var result = await new RoiQueries(_store, sql, options, Options.Create(new SpaceOptions()), new DoraQueries(_store, sql, options))
            .RoiAsync(new RoiRequest(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 8, 1, 0, 0, 0, TimeSpan.Zero), Months: 1));

        var frequency = Assert.Single(result.Dora, e => e.Key == RoiKey.DeploymentsPerMonth);
        Assert.Equal(["A1", "A2", "A3", "A4", "A5"], frequency.Teams.Select(t => t.Team));
        Assert.Equal([3, 3, 3, 3, 1], frequency.Teams.Select(t => t.Controls));   // A5, not yet adopted by June, is a control of A1–A4
        Assert.Equal(Math.Log(2.5), frequency.Teams[4].Effect!.Value, 12);
        Assert.Equal((5, 3, false), (frequency.Adopters, frequency.ControlTeams, frequency.TooFewTeams));
        Assert.Equal((2000, 2000), (frequency.Resamples, frequency.UsableResamples));
        Assert.True(frequency.Lower < frequency.Estimate && frequency.Estimate < frequency.Upper, $"{frequency.Lower} < {frequency.Estimate} < {frequency.Upper}");
        Assert.Contains("90% interval", frequency.Verdict, StringComparison.Ordinal);
    }
}
