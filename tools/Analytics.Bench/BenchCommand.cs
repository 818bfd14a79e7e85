using System.CommandLine;
using System.Globalization;
using Analytics.Ingestors.Demo;
using Analytics.Simulators.Roi;
using Analytics.Storage.ClickHouse;
using Analytics.Storage.ClickHouse.Embedded;
using Spectre.Console;

namespace Analytics.Bench;

/// <summary><c>analytics-bench load|dora|refresh|devlake|devlake-ours|ingest|github|sources|pages|roi|webhooks</c>: measured figures for docs/benchmarks.md, never a timed unit test.</summary>
internal static class BenchCommand
{
    public static RootCommand Create()
    {
        var scale = new Option<string>("--scale") { Description = DemoScale.Names, DefaultValueFactory = _ => "s" };
        var seed = new Option<int>("--seed") { DefaultValueFactory = _ => 42 };
        var markdown = new Option<bool>("--markdown") { Description = "Print a Markdown table (for docs/benchmarks.md) instead of a terminal table." };
        var load = new Command("load", "Rows/s loading the generated organisation into the embedded engine vs INSERT … SELECT FROM numbers(N).") { scale, seed, markdown };
        load.SetAction(async (result, cancellationToken) =>
        {
            if (!DemoScale.TryParse(result.GetValue(scale), out var demoScale))
            {
                AnsiConsole.MarkupLineInterpolated($"[red]--scale must be {DemoScale.Names}.[/]");
                return 2;
            }
            var end = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero);
            var progress = new Progress<string>(message => AnsiConsole.MarkupLineInterpolated($"[grey]{message}[/]"));
            var report = await WithTemporaryDataPathAsync(dataPath => new LoadBenchmark(demoScale, result.GetValue(seed), end, dataPath).RunAsync(progress, cancellationToken));
            if (result.GetValue(markdown))
            {
                PrintMarkdown(report);
            }
            else
            {
                Print(report);
            }
            return 0;
        });
        var storeFolder = new Option<string?>("--store")
        {
            Description = "Load the generated organisation into this folder if it is empty or missing and keep it; reuse it if it holds the same scale and seed (dora and pages share one load). Default: a temporary folder, removed afterwards.",
        };
        var engineMemory = new Option<int?>("--engine-memory-mib")
        {
            Description = $"The embedded engine's memory limit (Analytics:Store:EngineMemoryLimitMiB). Default: dora ClickHouse's own (90 % of the machine), pages the app's ({StoreOptions.DefaultEngineMemoryLimitMiB}).",
        };
        var doraScale = new Option<string>("--scale") { Description = DemoScale.Names, DefaultValueFactory = _ => "l" };
        var dora = new Command("dora", "Time to compute every DORA figure for every team by month vs a plain scan of the same columns.") { doraScale, seed, storeFolder, engineMemory };
        dora.SetAction(async (result, cancellationToken) =>
        {
            if (!DemoScale.TryParse(result.GetValue(doraScale), out var demoScale) || result.GetValue(engineMemory) < 1)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]--scale must be {DemoScale.Names}; --engine-memory-mib at least 1.[/]");
                return 2;
            }
            if (!StoreUsable(result.GetValue(storeFolder), demoScale, result.GetValue(seed), out _))
            {
                return 2;
            }
            var memory = result.GetValue(engineMemory) is { } mib ? new EngineMemoryLimits(mib, 0) : null;
            var report = await BenchmarkStore.WithDataPathAsync(result.GetValue(storeFolder), dataPath =>
                new DoraBenchmark(demoScale, result.GetValue(seed), new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero), dataPath, memory)
                    .RunAsync(new Progress<string>(message => AnsiConsole.MarkupLineInterpolated($"[grey]{message}[/]")), cancellationToken));
            Console.WriteLine($"Scale {BenchmarkStore.Name(report.Scale)}: {report.RowsLoaded?.ToString("N0", CultureInfo.InvariantCulture) ?? "(not counted)"} rows loaded in {report.Load.TotalSeconds:0.0} s{(report.Reused ? " by an earlier run (store reused)" : "")}; " +
                $"engine memory limit {(memory is null ? "ClickHouse's default" : $"{memory.EngineMiB:N0} MiB")}; peak working set {report.PeakWorkingSetBytes / 1024 / 1024:N0} MiB");
            Console.WriteLine($"| refresh of the derived tables after the load (once per ingest) | {report.Refresh.TotalMilliseconds:N0} ms |");
            Console.WriteLine($"| DORA series by month, {report.Teams} teams + organisation ({report.SeriesPoints:N0} points) | {report.Series.TotalMilliseconds:N0} ms |");
            Console.WriteLine($"| plain scan of the event columns they are computed from (FINAL) | {report.Scan.TotalMilliseconds:N0} ms |");
            Console.WriteLine($"| plain scan of the derived columns the query reads | {report.DerivedScan.TotalMilliseconds:N0} ms |");
            Console.WriteLine($"| ratio (target ≤ 3) | {report.RatioToScan:0.00} |");
            return 0;
        });
        var devLakeScale = new Option<string>("--scale") { Description = DemoScale.Names, DefaultValueFactory = _ => "s" };
        var mariaDb = new Option<string?>("--mariadb") { Description = "Connection string of a MariaDB to use; by default one is started from Debian's mariadb-server with a data directory of its own under the temp folder." };
        var devLakeRepeats = new Option<int>("--repeats") { Description = "Timed sweeps over every team per figure, after one warm-up sweep", DefaultValueFactory = _ => 5 };
        var statementLimit = new Option<int>("--timeout") { Description = "Seconds a DevLake query may run before MariaDB stops it (the figure's time is then a lower bound)", DefaultValueFactory = _ => 120 };
        var devLakeTeams = new Option<int?>("--teams") { Description = "Sweep only the first N teams by name (default: every team; at L a full sweep through DevLake's queries takes hours)" };
        var devLake = new Command("devlake", "Each DORA figure of Apache DevLake's own dashboard on MariaDB against the product's query for the same teams and period, over the same generated organisation: time, ratio and values.")
        {
            devLakeScale, seed, mariaDb, devLakeRepeats, statementLimit, devLakeTeams,
        };
        devLake.SetAction(async (result, cancellationToken) =>
        {
            if (!DemoScale.TryParse(result.GetValue(devLakeScale), out var demoScale) || result.GetValue(devLakeRepeats) < 1 || result.GetValue(statementLimit) < 1 || result.GetValue(devLakeTeams) < 1)
            {
                AnsiConsole.MarkupLine($"[red]--scale must be {DemoScale.Names}; --repeats, --timeout and --teams at least 1.[/]");
                return 2;
            }
            var report = await WithTemporaryDataPathAsync(path =>
                new DevLake.DevLakeBenchmark(demoScale, result.GetValue(seed), new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero), path, result.GetValue(mariaDb),
                        result.GetValue(devLakeRepeats), TimeSpan.FromSeconds(result.GetValue(statementLimit)), result.GetValue(devLakeTeams))
                    .RunAsync(new Progress<string>(message => AnsiConsole.MarkupLineInterpolated($"[grey]{message}[/]")), cancellationToken));
            foreach (var line in report.MarkdownLines())
            {
                Console.WriteLine(line);
            }
            return 0;
        });
        var oursScale = new Option<string>("--scale") { Description = DemoScale.Names, DefaultValueFactory = _ => "l" };
        var oursTeams = new Option<int?>("--teams") { Description = "Sweep only the first N teams by name (default 4, as the DevLake run at L)", DefaultValueFactory = _ => 4 };
        var baseline = new Option<string?>("--baseline") { Description = "Another sql/clickhouse catalogue (e.g. main's) whose query files are timed interleaved with these; every team's rows must match." };
        var explore = new Option<string?>("--explore") { Description = "A folder of further .sql files to time per team with the figures' parameters." };
        var explainTo = new Option<string?>("--explain-to") { Description = "A folder to write each query's whole EXPLAIN indexes = 1 (first team) into." };
        var devLakeOurs = new Command("devlake-ours", "Our side of `devlake` alone, no MariaDB: the engine's fixed cost per query, then each DORA figure's file per team with what it read (parts, marks, rows, bytes) and its primary-key selection.")
        {
            oursScale, seed, devLakeRepeats, oursTeams, baseline, explore, explainTo,
        };
        devLakeOurs.SetAction(async (result, cancellationToken) =>
        {
            if (!DemoScale.TryParse(result.GetValue(oursScale), out var demoScale) || result.GetValue(devLakeRepeats) < 1 || result.GetValue(oursTeams) < 1)
            {
                AnsiConsole.MarkupLine($"[red]--scale must be {DemoScale.Names}; --repeats and --teams at least 1.[/]");
                return 2;
            }
            var lines = await WithTemporaryDataPathAsync(path =>
                new DevLake.OurQueriesProfile(demoScale, result.GetValue(seed), new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero), path,
                        result.GetValue(devLakeRepeats), result.GetValue(oursTeams), result.GetValue(baseline),
                        result.GetValue(explore), result.GetValue(explainTo))
                    .RunAsync(new Progress<string>(message => AnsiConsole.MarkupLineInterpolated($"[grey]{message}[/]")), cancellationToken));
            foreach (var line in lines)
            {
                Console.WriteLine(line);
            }
            return 0;
        });
                var ingestScale = new Option<string>("--scale") { Description = $"{DemoScale.Names}: the organisation whose deployments become the CSV", DefaultValueFactory = _ => "l" };
        var commits = new Option<int>("--git-commits") { Description = "Commits in the generated git repository", DefaultValueFactory = _ => 20_000 };
        var ingest = new Command("ingest", "Rows/s of the CSV and local git ingestion paths, end to end.") { ingestScale, seed, commits };
        ingest.SetAction(async (result, cancellationToken) =>
        {
            if (!DemoScale.TryParse(result.GetValue(ingestScale), out var demoScale))
            {
                AnsiConsole.MarkupLineInterpolated($"[red]--scale must be {DemoScale.Names}.[/]");
                return 2;
            }
            var report = await WithTemporaryDataPathAsync(path =>
                new IngestBenchmark(demoScale, result.GetValue(seed), result.GetValue(commits), path)
                    .RunAsync(new Progress<string>(message => AnsiConsole.MarkupLineInterpolated($"[grey]{message}[/]")), cancellationToken));
            static string F(double value) => value.ToString("N0", CultureInfo.InvariantCulture);
            Console.WriteLine("| path | rows | time (s) | rows/s |");
            Console.WriteLine("|---|---:|---:|---:|");
            Console.WriteLine($"| CSV deployments (read, check every row, insert) | {F(report.CsvRows)} | {report.Csv.TotalSeconds:0.00} | {F(report.CsvRows / report.Csv.TotalSeconds)} |");
            Console.WriteLine($"| git clone ({string.Join(", ", report.GitRows.Select(pair => $"{pair.Key} {F(pair.Value)}"))}; walk, insert, link) | {F(report.GitRowsTotal)} | {report.Git.TotalSeconds:0.00} | {F(report.GitRowsTotal / report.Git.TotalSeconds)} |");
            return 0;
        });
        var pageScale = new Option<string>("--scale") { Description = DemoScale.Names, DefaultValueFactory = _ => "l" };
        var requests = new Option<int>("--requests") { Description = "Timed requests per page", DefaultValueFactory = _ => 30 };
        var browser = new Option<bool>("--browser") { Description = "Also time every page (not the /api/* answers) in Chromium until its figures and charts are rendered." };
        var chromium = new Option<string>("--chromium") { Description = "The Chromium to drive (never downloaded).", DefaultValueFactory = _ => BrowserPageBenchmark.DefaultChromium };
        var only = new Option<string[]>("--only") { Description = "Time only the pages and APIs whose name or path contains one of these (e.g. --only team leadership /api/dora).", AllowMultipleArgumentsPerToken = true };
        var warmUps = new Option<int>("--warm-ups") { Description = "Untimed requests per page before the timed ones", DefaultValueFactory = _ => 2 };
        var pages = new Command("pages", "Server time (p50/p95) and bytes of every page and /api/* figure over the generated organisation, the app's restart to first page and peak resident memory; with --browser also every page's render time in Chromium.")
        {
            pageScale, seed, requests, browser, chromium, storeFolder, engineMemory, only, warmUps,
        };
        pages.SetAction(async (result, cancellationToken) =>
        {
            if (!DemoScale.TryParse(result.GetValue(pageScale), out var demoScale) || result.GetValue(requests) < 1 || result.GetValue(warmUps) < 0 || result.GetValue(engineMemory) < 1)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]--scale must be {DemoScale.Names}; --requests and --engine-memory-mib at least 1, --warm-ups at least 0.[/]");
                return 2;
            }
            if (result.GetValue(browser) && !File.Exists(result.GetValue(chromium)))
            {
                AnsiConsole.MarkupLineInterpolated($"[red]No Chromium at {result.GetValue(chromium)} (apt-get install chromium, or --chromium <path>); a browser is never downloaded.[/]");
                return 2;
            }
            var storePath = result.GetValue(storeFolder);
            if (!StoreUsable(storePath, demoScale, result.GetValue(seed), out var loaded))
            {
                return 2;
            }
            var today = new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero);
            var options = new PageBenchmarkOptions(
                Loaded: loaded is not null,
                // The app loaded the empty store (up to today, as its demo load does): record it for the next run.
                OnLoaded: storePath is null ? null : firstStart => BenchmarkStore.Mark(Path.GetFullPath(storePath),
                    new LoadedOrganisation(BenchmarkStore.Name(demoScale), result.GetValue(seed), today, null, firstStart.TotalSeconds, null, DateTimeOffset.UtcNow)),
                EngineMemoryMiB: result.GetValue(engineMemory),
                Only: result.GetValue(only),
                WarmUps: result.GetValue(warmUps),
                // Plain lines: the console's markup would wrap a long row.
                OnTiming: timing => Console.WriteLine(timing.MarkdownRow()));
            var report = await BenchmarkStore.WithDataPathAsync(storePath, path =>
                new PageBenchmark(result.GetValue(pageScale)!, result.GetValue(seed), result.GetValue(requests), path, result.GetValue(browser) ? result.GetValue(chromium) : null, options)
                    .RunAsync(new Progress<string>(message => AnsiConsole.MarkupLineInterpolated($"[grey]{message}[/]")), cancellationToken));
            static string MiB(long bytes) => (bytes / 1024.0 / 1024.0).ToString("N0", CultureInfo.InvariantCulture);
            var firstStart = report.FirstStart is { } time ? $"{time.TotalSeconds:0.0} s" : $"not measured (store reused: {loaded!.Describe()})";
            Console.WriteLine($"Scale {report.Scale}, {Environment.ProcessorCount} cores; engine memory limit {result.GetValue(engineMemory)?.ToString("N0", CultureInfo.InvariantCulture) ?? $"{StoreOptions.DefaultEngineMemoryLimitMiB:N0} (the app's default)"} MiB; " +
                $"first start (load + refresh + first page) {firstStart}; " +
                $"restart to first page {report.RestartToFirstPage.TotalSeconds:0.00} s; app resident after restart {MiB(report.ResidentAfterStart)} MiB, peak {MiB(report.PeakResident)} MiB");
            Console.WriteLine();
            Console.WriteLine("| page | requests | p50 (ms) | p95 (ms) | bytes |");
            Console.WriteLine("|---|---:|---:|---:|---:|");
            foreach (var timing in report.Timings)
            {
                Console.WriteLine(timing.MarkdownRow());
            }
            return 0;
        });
        var profileStore = new Option<string>("--store") { Description = "A store `pages --store` loaded (it holds the pages' targets).", Required = true };
        var profileRequests = new Option<int>("--requests") { Description = "Profiled requests per page", DefaultValueFactory = _ => 5 };
        var profileChromium = new Option<string?>("--chromium") { Description = "Also load each page once in this Chromium (never downloaded) and count the ClickHouse calls of the whole load, the interactive render's included." };
        var pageProfile = new Command("page-profile", "Per page, the ClickHouse calls its server render makes (by SQL file): calls and median ms per request, in this process over a loaded store.")
        {
            profileStore, profileRequests, only, warmUps, profileChromium,
        };
        pageProfile.SetAction(async (result, cancellationToken) =>
        {
            if (result.GetValue(profileRequests) < 1 || result.GetValue(warmUps) < 0)
            {
                AnsiConsole.MarkupLine("[red]--requests must be at least 1, --warm-ups at least 0.[/]");
                return 2;
            }
            var lines = await new PageProfile(Path.GetFullPath(result.GetValue(profileStore)!), result.GetValue(profileRequests), result.GetValue(warmUps), result.GetValue(only) ?? [], result.GetValue(profileChromium))
                .RunAsync(new Progress<string>(message => AnsiConsole.MarkupLineInterpolated($"[grey]{message}[/]")), cancellationToken);
            foreach (var line in lines)
            {
                Console.WriteLine(line);
            }
            return 0;
        });
        // The app process the pages benchmark starts and stops (not for direct use).
        var serveData = new Option<string>("--data") { Required = true };
        var servePort = new Option<int>("--port") { Required = true };
        var pagesServe = new Command("pages-serve", "The app process of `pages` (started by it).") { pageScale, seed, serveData, servePort, engineMemory };
        pagesServe.Hidden = true;
        pagesServe.SetAction(async (result, cancellationToken) =>
        {
            await PageBenchmark.ServeAsync(result.GetValue(pageScale)!, result.GetValue(seed), result.GetValue(serveData)!, result.GetValue(servePort), result.GetValue(engineMemory), cancellationToken);
            return 0;
        });
        var repositories = new Option<int>("--repositories") { Description = "Repositories of the simulated organisation", DefaultValueFactory = _ => 50 };
        var pullRequests = new Option<int>("--pull-requests") { Description = "Pull requests per repository", DefaultValueFactory = _ => 2_000 };
        var gitHub = new Command("github", "HTTP requests, rate-limit points and rows/s of a full and an incremental sync of a simulated GitHub organisation.") { repositories, pullRequests };
        gitHub.SetAction(async (result, cancellationToken) =>
        {
            if (result.GetValue(repositories) < 1 || result.GetValue(pullRequests) < 0)
            {
                AnsiConsole.MarkupLine("[red]--repositories must be at least 1 and --pull-requests at least 0.[/]");
                return 2;
            }
            var report = await WithTemporaryDataPathAsync(path =>
                new GitHubBenchmark(result.GetValue(repositories), result.GetValue(pullRequests), path)
                    .RunAsync(new Progress<string>(message => AnsiConsole.MarkupLineInterpolated($"[grey]{message}[/]")), cancellationToken));
            foreach (var line in report.MarkdownLines())
            {
                Console.WriteLine(line);
            }
            return 0;
        });
        var projects = new Option<int>("--projects") { Description = "GitLab: projects of the simulated group", DefaultValueFactory = _ => 10 };
        var mergeRequests = new Option<int>("--merge-requests") { Description = "GitLab: merge requests per project", DefaultValueFactory = _ => 200 };
        var incidents = new Option<int>("--incidents") { Description = "Jira, PagerDuty and Opsgenie: incidents over the last 200 days", DefaultValueFactory = _ => 2_000 };
        var serviceRequests = new Option<int>("--requests") { Description = "Jira: service requests over the last 200 days", DefaultValueFactory = _ => 1_000 };
        var sources = new Command("sources", "HTTP requests and rate-limit cost of a full and an unchanged re-sync of GitLab, Jira (Cloud and Data Center), PagerDuty and Opsgenie, each from its simulator.")
        {
            projects, mergeRequests, incidents, serviceRequests,
        };
        sources.SetAction(async (result, cancellationToken) =>
        {
            if (result.GetValue(projects) < 1 || result.GetValue(mergeRequests) < 0 || result.GetValue(incidents) < SourcesBenchmark.OpenIncidents || result.GetValue(serviceRequests) < 0)
            {
                AnsiConsole.MarkupLine($"[red]--projects must be at least 1, --incidents at least {SourcesBenchmark.OpenIncidents}, --merge-requests and --requests at least 0.[/]");
                return 2;
            }
            var report = await WithTemporaryDataPathAsync(path =>
                new SourcesBenchmark(result.GetValue(projects), result.GetValue(mergeRequests), result.GetValue(incidents), result.GetValue(serviceRequests), path)
                    .RunAsync(new Progress<string>(message => AnsiConsole.MarkupLineInterpolated($"[grey]{message}[/]")), cancellationToken));
            foreach (var line in report.MarkdownLines())
            {
                Console.WriteLine(line);
            }
            return 0;
        });
        var rounds = new Option<int>("--rounds") { Description = "Timed rounds (merge, deployment, status), after one warm-up round", DefaultValueFactory = _ => 30 };
        var webhookScale = new Option<string>("--scale") { Description = $"none (an empty store, as the webhook tests), {DemoScale.Names}: a demo organisation loaded first", DefaultValueFactory = _ => "none" };
        var webhooks = new Command("webhooks", "Signed GitHub webhook deliveries to the running app: each delivery's answer time, and from a deployment_status delivery until GET /api/dora counts the deployment.")
        {
            rounds, webhookScale,
        };
        webhooks.SetAction(async (result, cancellationToken) =>
        {
            var store = result.GetValue(webhookScale);
            if (result.GetValue(rounds) is < 1 or > 1000 || (store != "none" && !DemoScale.TryParse(store, out _)))
            {
                AnsiConsole.MarkupLine($"[red]--rounds must be 1 to 1000 and --scale none, {DemoScale.Names}.[/]");
                return 2;
            }
            var report = await WithTemporaryDataPathAsync(path =>
                new WebhookBenchmark(result.GetValue(rounds), store == "none" ? null : store, path)
                    .RunAsync(new Progress<string>(message => AnsiConsole.MarkupLineInterpolated($"[grey]{message}[/]")), cancellationToken));
            foreach (var line in report.MarkdownLines())
            {
                Console.WriteLine(line);
            }
            return 0;
        });
        var organisations = new Option<int>("--organisations") { Description = "Generated organisations per run (with and without an effect)", DefaultValueFactory = _ => 200 };
        var resamples = new Option<int>("--resamples") { Description = "Bootstrap resamples per organisation", DefaultValueFactory = _ => 1000 };
        var roi = new Command("roi", "ROI coverage study: how often the 90% interval contains a known injected effect, and where estimates centre without one.") { organisations, resamples, seed };
        roi.SetAction(async (result, cancellationToken) =>
        {
            if (result.GetValue(organisations) < 1 || result.GetValue(resamples) < 100)
            {
                AnsiConsole.MarkupLine("[red]--organisations must be at least 1 and --resamples at least 100.[/]");
                return 2;
            }
            var progress = new Progress<string>(message => AnsiConsole.MarkupLineInterpolated($"[grey]{message}[/]"));
            var (withEffect, without) = await WithTemporaryDataPathAsync(async path => (
                await RoiCoverageStudy.RunAsync(path, result.GetValue(organisations), GoldenPathEffect.Typical, result.GetValue(seed), resamples: result.GetValue(resamples), progress: progress, cancellationToken: cancellationToken),
                await RoiCoverageStudy.RunAsync(path, result.GetValue(organisations), GoldenPathEffect.None, result.GetValue(seed) + 1_000_000, resamples: result.GetValue(resamples), progress: progress, cancellationToken: cancellationToken)));
            foreach (var line in RoiCoverageMarkdown.Lines(withEffect, without))
            {
                Console.WriteLine(line);
            }
            return 0;
        });
        var refreshScale = new Option<string>("--scale") { Description = DemoScale.Names, DefaultValueFactory = _ => "s" };
        var copyOf = new Option<string?>("--copy-of")
        {
            Description = "A store `dora` or `pages --store` loaded with the same scale and seed: the benchmark refreshes a copy of it (it writes into what it refreshes), so the load and the first whole rebuild are not repeated. Default: load into a temporary folder.",
        };
        var refreshRounds = new Option<int>("--rounds") { Description = "Rounds (a service each) of push, linking, ingest and catalog change; each catalog change costs a whole rebuild", DefaultValueFactory = _ => 3 };
        var refresh = new Command("refresh", "The derived tables' refresh after a pushed deployment, one repository's ingest and a catalog change: per service and repository where it can, against the whole rebuild.")
        {
            refreshScale, seed, copyOf, refreshRounds, engineMemory,
        };
        refresh.SetAction(async (result, cancellationToken) =>
        {
            if (!DemoScale.TryParse(result.GetValue(refreshScale), out var demoScale) || result.GetValue(refreshRounds) < 1 || result.GetValue(engineMemory) < 1)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]--scale must be {DemoScale.Names}; --rounds and --engine-memory-mib at least 1.[/]");
                return 2;
            }
            var source = result.GetValue(copyOf) is { } folder ? Path.GetFullPath(folder) : null;
            if (source is not null && (!StoreUsable(source, demoScale, result.GetValue(seed), out var loaded) || loaded is null))
            {
                AnsiConsole.MarkupLineInterpolated($"[red]--copy-of {source}: no organisation of scale {BenchmarkStore.Name(demoScale)}, seed {result.GetValue(seed)} is loaded there (load it with `pages --store`).[/]");
                return 2;
            }
            var memory = result.GetValue(engineMemory) is { } mib ? new EngineMemoryLimits(mib, 0) : null;
            var report = await WithTemporaryDataPathAsync(path =>
            {
                if (source is not null)
                {
                    AnsiConsole.MarkupLineInterpolated($"[grey]copying {source}…[/]");
                    BenchmarkStore.Copy(source, path);
                }
                return new RefreshBenchmark(demoScale, result.GetValue(seed), new DateTimeOffset(DateTime.UtcNow.Date, TimeSpan.Zero), path, result.GetValue(refreshRounds), memory)
                    .RunAsync(new Progress<string>(message => AnsiConsole.MarkupLineInterpolated($"[grey]{message}[/]")), cancellationToken);
            });
            foreach (var line in report.MarkdownLines())
            {
                Console.WriteLine(line);
            }
            return 0;
        });
        var bench = new RootCommand("Benchmarks whose figures go in docs/benchmarks.md.");
        bench.Subcommands.Add(refresh);
        bench.Subcommands.Add(roi);
        bench.Subcommands.Add(webhooks);
        bench.Subcommands.Add(gitHub);
        bench.Subcommands.Add(sources);
        bench.Subcommands.Add(pages);
        bench.Subcommands.Add(pagesServe);
        bench.Subcommands.Add(pageProfile);
        bench.Subcommands.Add(ingest);
        bench.Subcommands.Add(load);
        bench.Subcommands.Add(dora);
        bench.Subcommands.Add(devLake);
        bench.Subcommands.Add(devLakeOurs);
        return bench;
    }

    /// <summary>Benchmarks get an engine folder of their own, removed afterwards.</summary>
    private static Task<T> WithTemporaryDataPathAsync<T>(Func<string, Task<T>> run) => BenchmarkStore.WithDataPathAsync(null, run);

    /// <summary>
    /// False (with the reason printed) when <paramref name="store"/> holds another organisation or an unfinished
    /// load; <paramref name="loaded"/> is what it holds, null when it is to be loaded (or no store was given).
    /// </summary>
    private static bool StoreUsable(string? store, DemoScale scale, int seed, out LoadedOrganisation? loaded)
    {
        loaded = null;
        if (store is null)
        {
            return true;
        }
        try
        {
            loaded = BenchmarkStore.Find(Path.GetFullPath(store), scale, seed);
            return true;
        }
        catch (InvalidOperationException error)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]{error.Message}[/]");
            return false;
        }
    }

    private static void PrintMarkdown(LoadBenchmarkReport report)
    {
        static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
        Console.WriteLine($"Scale {report.Scale}, seed {report.Seed}, chDB {report.EngineVersion}, {Environment.ProcessorCount} cores, peak working set {report.PeakWorkingSetBytes / 1024 / 1024} MiB");
        Console.WriteLine();
        Console.WriteLine("| table | rows | generate (s) | load (s) | load rows/s | floor (s) | floor rows/s | load ÷ floor |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in report.Tables)
        {
            Console.WriteLine($"| {row.Table} | {F(row.Rows, "N0")} | {F(row.Generation.TotalSeconds, "0.000")} | {F(row.Load.TotalSeconds, "0.000")} | {F(row.LoadRowsPerSecond, "N0")} | {F(row.Floor.TotalSeconds, "0.000")} | {F(row.FloorRowsPerSecond, "N0")} | {F(row.LoadRowsPerSecond / row.FloorRowsPerSecond, "0.00")} |");
        }
        Console.WriteLine($"| **all** | {F(report.Rows, "N0")} | | {F(report.Tables.Sum(t => t.Load.TotalSeconds), "0.000")} | {F(report.LoadRowsPerSecond, "N0")} | {F(report.Tables.Sum(t => t.Floor.TotalSeconds), "0.000")} | {F(report.FloorRowsPerSecond, "N0")} | {F(report.ShareOfFloor, "0.00")} |");
    }

    private static void Print(LoadBenchmarkReport report)
    {
        static string Rate(double value) => value.ToString("N0", CultureInfo.InvariantCulture);
        var table = new Table().AddColumns("Table", "Rows", "Generate only (s)", "Load (s)", "Load rows/s", "Floor (s)", "Floor rows/s", "Load ÷ floor");
        foreach (var row in report.Tables)
        {
            table.AddRow(row.Table, row.Rows.ToString("N0", CultureInfo.InvariantCulture), row.Generation.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture),
                row.Load.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture), Rate(row.LoadRowsPerSecond),
                row.Floor.TotalSeconds.ToString("0.000", CultureInfo.InvariantCulture), Rate(row.FloorRowsPerSecond),
                (row.LoadRowsPerSecond / row.FloorRowsPerSecond).ToString("0.00", CultureInfo.InvariantCulture));
        }
        table.AddRow("[bold]all[/]", report.Rows.ToString("N0", CultureInfo.InvariantCulture), "", report.Tables.Sum(t => t.Load.TotalSeconds).ToString("0.000", CultureInfo.InvariantCulture),
            Rate(report.LoadRowsPerSecond), report.Tables.Sum(t => t.Floor.TotalSeconds).ToString("0.000", CultureInfo.InvariantCulture), Rate(report.FloorRowsPerSecond),
            report.ShareOfFloor.ToString("0.00", CultureInfo.InvariantCulture));
        AnsiConsole.MarkupLineInterpolated($"[bold]Scale {report.Scale}, seed {report.Seed}, chDB {report.EngineVersion}, {Environment.ProcessorCount} cores[/]");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"Peak working set: {report.PeakWorkingSetBytes / 1024 / 1024:N0} MiB. Target: load ≥ 1/3 of the floor → {(report.ShareOfFloor >= 1 / 3.0 ? "met" : "NOT met")}.");
    }
}
