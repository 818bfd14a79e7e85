using Analytics.Web.Cli;

// One executable: with no subcommand (or "serve") it runs the dashboard, the API and the scheduler;
// other subcommands (migrate, demo, dora, setup) run once and exit. See `analytics --help`.
return await AnalyticsCommandLine.RunAsync(args);
