using System.Globalization;
using Analytics.Ingestors.Csv;
using Analytics.Ingestors.Tests.Runs;
using Analytics.Core.Dora;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Analytics.Ingestors.Tests.Csv;

/// <summary>CSV import of event files into the embedded engine: what is accepted, what is refused, and how it is reported.</summary>
public sealed class CsvImportTests : IAsyncLifetime
{
    private const string DeploymentsHeader = "deployment_id,service,environment,status,started_at,finished_at";
    private IngestTestHost _host = null!;

    public async Task InitializeAsync() => _host = await IngestTestHost.CreateAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private CsvImporter Importer => _host.Get<CsvImporter>();

    private Task<CsvImportReport> ImportAsync(string path, CsvKind? kind = null, bool skipInvalid = false) =>
        Importer.ImportAsync(path, kind, "csv-test", skipInvalid);

    private static string Future(int days) => DateTime.UtcNow.AddDays(days).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    [Fact]
    public async Task The_documented_samples_import_completely_and_again_add_nothing()
    {
        var first = await ImportAsync(RepositoryFiles.SamplesCsv);

        Assert.False(first.HasErrors, string.Join(Environment.NewLine, first.Errors));
        Assert.Equal(4, first.RowsPerTable["deployments"]);
        Assert.Equal(2, first.RowsPerTable["incidents"]);
        Assert.Equal(4, first.RowsPerTable["survey_responses"]);
        Assert.Equal(3, first.RowsPerTable["service_requests"]);
        Assert.Equal(3, first.RowsPerTable["teams"]);
        // The mirror was refreshed, so metric SQL sees the imported ownership at once.
        Assert.Equal(3, await _host.CountAsync("catalog_service_ownership"));
        var productionDeployments = await _host.CountAsync("production_deployments");
        Assert.Equal(2, productionDeployments);

        var second = await ImportAsync(RepositoryFiles.SamplesCsv);

        Assert.False(second.HasErrors, string.Join(Environment.NewLine, second.Errors));
        foreach (var table in new[] { "deployments", "incidents", "survey_responses", "service_requests" })
        {
            Assert.Equal(first.RowsPerTable[table], await _host.CountAsync($"{table} FINAL"));
        }
        Assert.Equal(productionDeployments, await _host.CountAsync("production_deployments"));
        Assert.Equal(3, await _host.CountAsync("catalog_service_ownership"));
        Assert.Equal(3, await _host.WithCatalogAsync(db => db.Teams.CountAsync()));
        Assert.Equal(3, await _host.WithCatalogAsync(db => db.TeamMemberships.CountAsync()));
        Assert.Equal(3, await _host.WithCatalogAsync(db => db.ServiceTemplates.CountAsync()));
    }

    [Fact]
    public async Task A_duplicated_id_within_a_file_is_reported_with_both_lines_and_nothing_is_imported()
    {
        var path = _host.WriteFile("deployments.csv", $"""
            {DeploymentsHeader}
            d-1,payments-api,production,success,2026-04-14T09:00:00Z,2026-04-14T09:10:00Z
            d-2,payments-api,production,success,2026-04-14T10:00:00Z,2026-04-14T10:10:00Z
            d-1,payments-api,production,failure,2026-04-14T11:00:00Z,2026-04-14T11:10:00Z
            """);

        var report = await ImportAsync(path);

        var error = Assert.Single(report.Errors);
        Assert.Equal((path, 4, "deployment_id"), (error.File, error.Line, error.Column));
        Assert.Contains($"deployment_id 'd-1' is duplicated: it already appears in {path} line 2", error.Reason);
        Assert.Equal(0, report.Files.Single().RowsImported);
        Assert.Equal(0, await _host.CountAsync("deployments"));
    }

    [Fact]
    public async Task A_duplicated_id_across_files_is_reported_in_the_second_file()
    {
        _host.WriteFile("in/deployments-a.csv", $"{DeploymentsHeader}\nd-7,payments-api,production,success,2026-04-14T09:00:00Z,2026-04-14T09:10:00Z\n");
        var second = _host.WriteFile("in/deployments-b.csv", $"{DeploymentsHeader}\nd-8,payments-api,production,success,2026-04-15T09:00:00Z,2026-04-15T09:10:00Z\nd-7,payments-api,production,success,2026-04-14T09:00:00Z,2026-04-14T09:10:00Z\n");

        var report = await ImportAsync(Path.Combine(_host.Folder, "in"));

        var error = Assert.Single(report.Errors);
        Assert.Equal((second, 3, "deployment_id"), (error.File, error.Line, error.Column));
        Assert.Contains("deployments-a.csv line 2", error.Reason);
        Assert.Equal([1L, 0L], report.Files.Select(f => f.RowsImported));
        Assert.Equal(1, await _host.CountAsync("deployments"));
    }

    [Fact]
    public async Task A_team_missing_from_the_catalog_is_refused()
    {
        _host.WriteFile("in/teams.csv", "slug,name\npayments,Payments\n");
        var requests = _host.WriteFile("in/service-requests.csv", """
            request_id,team,kind,channel,requested_at,fulfilled_at
            SR-1,payments,database,self_service,2026-04-10T09:00:00Z,2026-04-10T09:04:00Z
            SR-2,paymnets,database,ticket,2026-04-10T09:00:00Z,
            """);

        var report = await ImportAsync(Path.Combine(_host.Folder, "in"));

        var error = Assert.Single(report.Errors);
        Assert.Equal((requests, 3, "team"), (error.File, error.Line, error.Column));
        Assert.Contains("'paymnets' is not a team in the catalog", error.Reason);
        Assert.Equal(0, await _host.CountAsync("service_requests"));
    }

    /// <summary>
    /// The optional status and closed_at columns of service requests, through the importer and the engine: SR-1
    /// self-service fulfilled in 600 s, SR-2 a self-service request that failed (closed, never fulfilled), SR-3 with no
    /// status but a fulfilment time (fulfilled, 1,200 s), SR-4 a ticket fulfilled in 86,400 s, SR-5 cancelled. January:
    /// 3 fulfilled, 2 by self-service (ratio 2/3, median 900 s: the failed one is in neither), success 2 of 3.
    /// A second file's contradictions are each refused with its line and field.
    /// </summary>
    [Fact]
    public async Task Failed_service_requests_are_closed_but_never_fulfilled()
    {
        _host.WriteFile("teams.csv", "slug,name\npayments,Payments\n");
        await ImportAsync(Path.Combine(_host.Folder, "teams.csv"));
        var good = _host.WriteFile("service-requests.csv", """
            request_id,team,kind,channel,requested_at,fulfilled_at,status,closed_at
            SR-1,payments,database,self_service,2026-01-10T09:00:00Z,2026-01-10T09:10:00Z,fulfilled,
            SR-2,payments,database,self_service,2026-01-11T09:00:00Z,,failed,2026-01-11T09:03:00Z
            SR-3,payments,database,self_service,2026-01-12T09:00:00Z,2026-01-12T09:20:00Z,,
            SR-4,payments,database,ticket,2026-01-13T09:00:00Z,2026-01-14T09:00:00Z,,
            SR-5,payments,database,self_service,2026-01-15T09:00:00Z,,cancelled,2026-01-15T09:01:00Z
            """);

        var imported = await ImportAsync(good);

        Assert.False(imported.HasErrors, string.Join(Environment.NewLine, imported.Errors));
        var adoption = new Analytics.Storage.Metrics.AdoptionQueries(_host.EngineStore, new SqlFiles(), Options.Create(new MetricOptions()));
        var figure = (await adoption.SelfServiceAsync(new Analytics.Storage.Metrics.SpaceRequest(
            new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 2, 1, 0, 0, 0, TimeSpan.Zero)))).Organisation;
        Assert.Equal((3L, 2L, 1L), (figure.Fulfilled, figure.SelfServiceFulfilled, figure.SelfServiceFailed));
        Assert.Equal(TimeSpan.FromSeconds(900), figure.SelfService.Median);
        Assert.Equal(2 / 3.0, figure.SelfServiceSuccessRate!.Value, 9);

        var bad = _host.WriteFile("service-requests-bad.csv", """
            request_id,team,kind,channel,requested_at,fulfilled_at,status,closed_at
            SR-6,payments,database,self_service,2026-01-10T09:00:00Z,,fulfilled,
            SR-7,payments,database,self_service,2026-01-10T09:00:00Z,2026-01-10T09:10:00Z,failed,
            SR-8,payments,database,self_service,2026-01-10T09:00:00Z,,open,2026-01-10T09:10:00Z
            SR-9,payments,database,self_service,2026-01-10T09:00:00Z,,failed,2026-01-09T09:10:00Z
            """);
        var refused = await ImportAsync(bad, CsvKind.ServiceRequests);
        Assert.Equal(
            [
                (2, "fulfilled_at", "is required for a fulfilled request (status fulfilled)"),
                (3, "fulfilled_at", "must be empty for a request that is failed (a failed request was never fulfilled)"),
                (4, "closed_at", "must be empty for an open request"),
            ],
            refused.Errors.Take(3).Select(e => (e.Line, e.Column, e.Reason)));
        Assert.Equal((5, "closed_at"), (refused.Errors.ElementAt(3).Line, refused.Errors.ElementAt(3).Column));
    }

    [Fact]
    public async Task Dates_in_the_future_are_refused()
    {
        var path = _host.WriteFile("incidents.csv", $"""
            incident_id,service,severity,title,started_at,resolved_at
            INC-1,payments-api,sev2,Outage,2026-04-14T09:00:00Z,{Future(3)}
            """);

        var report = await ImportAsync(path);

        var error = Assert.Single(report.Errors);
        Assert.Equal((2, "resolved_at"), (error.Line, error.Column));
        Assert.Contains("is in the future", error.Reason);
    }

    [Fact]
    public async Task A_header_only_file_imports_nothing_without_error_and_a_zero_byte_file_is_reported()
    {
        var headerOnly = _host.WriteFile("in/deployments.csv", DeploymentsHeader + "\n");
        var zeroBytes = _host.WriteFile("in/incidents.csv", "");

        var report = await ImportAsync(Path.Combine(_host.Folder, "in"));

        var deployments = report.Files.Single(f => f.Path == headerOnly);
        Assert.Equal((0, 0L, false), (deployments.RowsRead, deployments.RowsImported, deployments.HasErrors));
        var error = Assert.Single(report.Files.Single(f => f.Path == zeroBytes).Errors);
        Assert.Null(error.Line);
        Assert.Contains("the file is empty (zero bytes)", error.Reason);
    }

    [Fact]
    public async Task A_utf8_byte_order_mark_before_the_header_is_ignored()
    {
        var path = Path.Combine(_host.Folder, "deployments.csv");
        await File.WriteAllBytesAsync(path,
            [0xEF, 0xBB, 0xBF, .. System.Text.Encoding.UTF8.GetBytes($"{DeploymentsHeader}\nd-1,payments-api,production,success,2026-04-14T09:00:00Z,2026-04-14T09:10:00Z\n")]);

        var report = await ImportAsync(path);

        Assert.False(report.HasErrors, string.Join(Environment.NewLine, report.Errors));
        Assert.Equal(1, await _host.CountAsync("deployments", "deployment_id = 'd-1'"));
    }

    [Fact]
    public async Task A_quoted_field_may_hold_line_breaks_and_later_lines_are_still_numbered_right()
    {
        var path = _host.WriteFile("incidents.csv", """"
            incident_id,service,severity,title,started_at
            INC-1,payments-api,sev2,"Card payments failing
            after the release, ""again""",2026-04-14T09:00:00Z
            INC-2,payments-api,sev9,Second,2026-04-14T10:00:00Z
            """");

        var invalid = await ImportAsync(path);
        var error = Assert.Single(invalid.Errors);
        Assert.Equal((4, "severity"), (error.Line, error.Column));

        File.WriteAllText(path, File.ReadAllText(path).Replace("sev9", "sev3"));
        var report = await ImportAsync(path);

        Assert.False(report.HasErrors);
        var titles = await _host.EngineStore.QueryAsync<TitleRow>("SELECT title FROM incidents FINAL WHERE incident_id = 'INC-1'");
        Assert.Equal("Card payments failing\nafter the release, \"again\"", Assert.Single(titles).Title.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task A_semicolon_separated_file_is_recognised_and_refused()
    {
        var path = _host.WriteFile("deployments.csv", "deployment_id;service;environment;status;started_at;finished_at\nd-1;payments-api;production;success;2026-04-14T09:00:00Z;2026-04-14T09:10:00Z\n");

        var report = await ImportAsync(path);

        var error = Assert.Single(report.Errors);
        Assert.Equal((path, (int?)null), (error.File, error.Line));
        Assert.Contains("separated by semicolons (;), not commas", error.Reason);
        Assert.Equal(0, await _host.CountAsync("deployments"));
    }

    [Fact]
    public async Task Missing_required_columns_are_named()
    {
        var path = _host.WriteFile("deployments.csv", "deployment_id,service,status,finished_at\nd-1,payments-api,success,2026-04-14T09:10:00Z\n");

        var report = await ImportAsync(path);

        var error = Assert.Single(report.Errors);
        Assert.Contains("missing required columns environment, started_at", error.Reason);
    }

    [Fact]
    public async Task Bad_enum_values_are_refused_with_the_allowed_values()
    {
        var path = _host.WriteFile("service-requests.csv", "request_id,team,kind,channel,requested_at\nSR-1,payments,database,email,2026-04-10T09:00:00Z\n");
        _host.WriteFile("teams.csv", "slug,name\npayments,Payments\n");
        await ImportAsync(Path.Combine(_host.Folder, "teams.csv"));

        var report = await ImportAsync(path);

        var error = Assert.Single(report.Errors);
        Assert.Equal((2, "channel"), (error.Line, error.Column));
        Assert.Equal("'email' is not one of: self_service, ticket", error.Reason);
    }

    [Fact]
    public async Task Every_problem_of_every_row_is_reported_and_by_default_nothing_of_the_file_is_imported()
    {
        var path = _host.WriteFile("deployments.csv", $"""
            {DeploymentsHeader}
            d-1,payments-api,production,success,2026-04-14T09:00:00Z,2026-04-14T09:10:00Z
            d-2,payments-api,production,succeeded,2026-04-14T09:00:00,2026-04-14T09:10:00Z
            d-3,payments-api,production,success,2026-04-14,
            """);

        var report = await ImportAsync(path);

        Assert.Equal(
            [(3, "status"), (3, "started_at"), (4, "started_at"), (4, "finished_at")],
            report.Errors.Select(e => (e.Line ?? 0, e.Column ?? "")).ToList());
        Assert.Contains(report.Errors, e => e.Reason.Contains("has no UTC offset", StringComparison.Ordinal));
        Assert.Contains(report.Errors, e => e.Reason.Contains("is a date without a time", StringComparison.Ordinal));
        Assert.Equal(0, await _host.CountAsync("deployments"));
        Assert.False(File.Exists(CsvImporter.RejectedPathOf(path)));
    }

    [Fact]
    public async Task Skip_invalid_imports_the_valid_rows_and_writes_the_rejected_ones_with_reasons_beside_the_file()
    {
        var path = _host.WriteFile("deployments.csv", $"""
            {DeploymentsHeader}
            d-1,payments-api,production,success,2026-04-14T09:00:00Z,2026-04-14T09:10:00Z
            d-2,payments-api,production,succeeded,2026-04-14T09:00:00Z,2026-04-14T09:10:00Z
            d-3,payments-api,production,success,2026-04-15T09:00:00Z,2026-04-15T09:10:00Z
            """);

        var report = await ImportAsync(path, skipInvalid: true);

        Assert.Equal(2, report.Files.Single().RowsImported);
        Assert.Equal(2, await _host.CountAsync("deployments FINAL"));
        var rejectedPath = Path.Combine(_host.Folder, "deployments.rejected.csv");
        Assert.Equal(rejectedPath, report.Files.Single().RejectedPath);
        var rejected = File.ReadAllLines(rejectedPath);
        Assert.Equal($"rejected_line,{DeploymentsHeader},rejected_reason", rejected[0]);
        Assert.Equal("3,d-2,payments-api,production,succeeded,2026-04-14T09:00:00Z,2026-04-14T09:10:00Z,\"status: 'succeeded' is not one of: success, failure, error, in_progress, queued, cancelled\"", rejected[1]);
        Assert.Equal(2, rejected.Length);

        // Fixed in place, the rejected file imports as it is (its own columns are ignored).
        File.WriteAllText(rejectedPath, File.ReadAllText(rejectedPath).Replace(",succeeded,", ",success,"));
        var fixedReport = await ImportAsync(rejectedPath, CsvKind.Deployments);
        Assert.False(fixedReport.HasErrors, string.Join(Environment.NewLine, fixedReport.Errors));
        Assert.Equal(3, await _host.CountAsync("deployments FINAL"));
    }

    [Fact]
    public async Task A_re_sent_deployment_must_keep_the_service_and_day_that_identify_its_row()
    {
        var path = _host.WriteFile("deployments.csv", $"{DeploymentsHeader}\nd-1,payments-api,production,success,2026-04-14T09:00:00Z,2026-04-14T09:10:00Z\n");
        await ImportAsync(path);
        File.WriteAllText(path, $"{DeploymentsHeader}\nd-1,payments-api,production,success,2026-04-15T09:00:00Z,2026-04-15T09:10:00Z\n");

        var report = await ImportAsync(path);

        var error = Assert.Single(report.Errors);
        Assert.Equal("started_at", error.Column);
        Assert.Contains("already stored with started_at on 2026-04-14", error.Reason);
        Assert.Equal(1, await _host.CountAsync("deployments FINAL"));
    }

    [Fact]
    public async Task A_file_whose_name_does_not_say_its_format_is_reported_unless_kind_says_it()
    {
        var path = _host.WriteFile("export.csv", $"{DeploymentsHeader}\nd-1,payments-api,production,success,2026-04-14T09:00:00Z,2026-04-14T09:10:00Z\n");

        var unnamed = await ImportAsync(path);
        var named = await ImportAsync(path, CsvKind.Deployments);

        Assert.Contains("the file name does not say what it holds", Assert.Single(unnamed.Errors).Reason);
        Assert.Equal(1, named.RowsPerTable["deployments"]);
    }

    private sealed record TitleRow(string Title);
}
