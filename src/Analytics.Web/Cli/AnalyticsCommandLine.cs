using System.CommandLine;
using System.Text.Json;
using Analytics.Ingestors.Demo;
using Analytics.Storage;
using Analytics.Storage.Catalog;
using Analytics.Storage.ClickHouse;
using Analytics.Storage.ClickHouse.Embedded;
using Analytics.Storage.Metrics;
using Analytics.Web.Cli.HandOver;
using Analytics.Web.Hosting;
using Microsoft.Extensions.Options;
using Spectre.Console;

namespace Analytics.Web.Cli;

/// <summary>The subcommands of the one executable. Each builds the same services the dashboard uses.</summary>
public static class AnalyticsCommandLine
{
    public static RootCommand Create()
    {
        var root = new RootCommand("Engineering metrics: DORA, SPACE and platform adoption. With no subcommand, runs the dashboard.");
        var serve = new Command("serve", "Run the dashboard, the JSON API and the scheduler (the default). ASP.NET options such as --urls pass through.");
        root.TreatUnmatchedTokensAsErrors = false;
        serve.TreatUnmatchedTokensAsErrors = false;
        root.Options.Add(CommandLog.CreateOption());
        root.SetAction((result, cancellationToken) => ServeAsync(result.UnmatchedTokens, CommandLog.ExplicitLevel(result), cancellationToken));
        serve.SetAction((result, cancellationToken) => ServeAsync(result.UnmatchedTokens, CommandLog.ExplicitLevel(result), cancellationToken));
        root.Subcommands.Add(serve);
        root.Subcommands.Add(MigrateCommand());
        root.Subcommands.Add(DemoCommand());
        root.Subcommands.Add(DoraCommand.Create());
        root.Subcommands.Add(SpaceCommand.Create());
        root.Subcommands.Add(ReportCommand.Create());
        root.Subcommands.Add(DeliveryCommands.Digest());
        root.Subcommands.Add(SetupCommand());
        var ingest = IngestCommands.Ingest();
        ingest.Subcommands.Add(GitCommands.Create());
        ingest.Subcommands.Add(GitHubCommands.Create());
        root.Subcommands.Add(ingest);
        root.Subcommands.Add(IngestCommands.Runs());
        root.Subcommands.Add(KeyCommands.Create());
        root.Subcommands.Add(AuditCommands.Create());
        root.Subcommands.Add(UserCommands.Create());
        root.Subcommands.Add(SurveyCommands.Create());
        root.Subcommands.Add(BackupCommands.Backup());
        root.Subcommands.Add(BackupCommands.Restore());
        return root;
    }

    /// <summary>
    /// Runs the command <paramref name="arguments"/> name, as <c>Program</c> does: a command that opens the store is handed
    /// to the app running on it when there is one (<see cref="CommandChannelClient"/>); failures end as one line
    /// (<see cref="CommandFailures"/>).
    /// </summary>
    public static Task<int> RunAsync(string[] arguments)
    {
        HandOverArguments.Value = arguments;
        FittedTable.UseColumnsVariable();
        var parsed = Create().Parse(arguments);
        RequestedLogLevel.Value = CommandLog.Level(parsed);
        return CommandFailures.RunAsync(
            () => parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }),
            Console.Error,
            CommandFailures.WriteDetailToFile);
    }

    // The command line as typed, for handing the command over; unset when a test invokes a parsed command directly.
    private static readonly AsyncLocal<string[]?> HandOverArguments = new();

    // The --log-level typed, for a command's own host; unset (Warning) when a test invokes a parsed command directly.
    private static readonly AsyncLocal<LogLevel?> RequestedLogLevel = new();

    /// <param name="logLevel">--log-level when given: the dashboard's default level instead of its configuration's.</param>
    private static async Task<int> ServeAsync(IReadOnlyList<string> aspNetArguments, LogLevel? logLevel, CancellationToken cancellationToken)
    {
        var builder = ServeBuilder(aspNetArguments, logLevel is { } level ? [new("Logging:LogLevel:Default", level.ToString())] : null);
        // After the initializer (hosted services start in order): the channel opens on a store that is open and ready.
        builder.Services.AddHostedService<CommandChannelServer>();
        builder.Logging.AddProvider(CommandLog.ForHandedOverCommands());
        await using var app = builder.Build();
        app.Services.ValidateOptions();
        try
        {
            // Opened now, before the host starts: a store another process holds is a one-line refusal, not a failed start-up.
            app.Services.GetRequiredService<IClickHouseStore>();
        }
        catch (StoreInUseException busy)
        {
            throw new StoreUnavailableException($"{busy.Message} Let that command finish (or stop that process), then start the dashboard.", busy);
        }
        app.MapAnalytics();
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            foreach (var url in app.Urls)
            {
                Console.WriteLine($"Dashboard: {url}/");
            }
        });
        await app.RunAsync(cancellationToken);
        return 0;
    }

    /// <summary>The dashboard's host as <c>serve</c> builds it; <paramref name="settings"/> (tests) are laid over every other source.</summary>
    internal static WebApplicationBuilder ServeBuilder(IReadOnlyList<string> aspNetArguments, IEnumerable<KeyValuePair<string, string?>>? settings = null)
    {
        // Content root = the executable's folder, so appsettings.json is found whatever the working directory.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = [.. aspNetArguments],
            ContentRootPath = AppContext.BaseDirectory,
            ApplicationName = typeof(AnalyticsCommandLine).Assembly.GetName().Name,
        });
        builder.Configuration.AddInMemoryCollection(settings ?? []);
        builder.AddAnalyticsWeb();
        return builder;
    }

    /// <summary>The host every other command builds (never started); <paramref name="settings"/> (tests) are laid over every other source.</summary>
    internal static HostApplicationBuilder CommandBuilder(IEnumerable<KeyValuePair<string, string?>>? settings = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory });
        // A command's own output is the point: its services' log lines from --log-level (default warnings and errors),
        // whatever appsettings.json says, on standard error as the app would stream them for a handed-over command.
        builder.Configuration.AddInMemoryCollection([new("Logging:LogLevel:Default", (RequestedLogLevel.Value ?? LogLevel.Warning).ToString()), .. settings ?? []]);
        builder.Logging.ClearProviders().AddProvider(CommandLog.ForThisProcess());
        builder.Services.AddAnalyticsServices(builder.Configuration);
        builder.Services.AddQueryServices(builder.Configuration);
        return builder;
    }

    private static Command MigrateCommand()
    {
        var command = new Command("migrate", "Apply pending ClickHouse and catalog migrations, then refresh the catalog mirror.");
        command.SetAction((_, cancellationToken) => WithServicesAsync(async (services, token) =>
        {
            await services.GetRequiredService<StoreStartup>().RunAsync(token);
            AnsiConsole.MarkupLine("[green]Migrations applied.[/]");
            return 0;
        }, cancellationToken));
        return command;
    }

    private static Command DemoCommand()
    {
        var scale = new Option<string>("--scale") { Description = "tiny, s (12 teams, 18 months) or l (200 teams, 36 months)", DefaultValueFactory = _ => "s" };
        var seed = new Option<int>("--seed") { Description = "Random seed; the same seed gives the same organisation.", DefaultValueFactory = _ => 42 };
        var command = new Command("demo", "Load the demo organisation, ending today (loading it again the same day adds nothing).") { scale, seed };
        command.SetAction((result, cancellationToken) => WithServicesAsync(async (services, token) =>
        {
            if (!DemoScale.TryParse(result.GetValue(scale), out var demoScale))
            {
                AnsiConsole.MarkupLineInterpolated($"[red]--scale must be {DemoScale.Names}, not '{result.GetValue(scale)}'.[/]");
                return 2;
            }
            var initializer = services.GetRequiredService<AnalyticsInitializer>();
            await services.GetRequiredService<StoreStartup>().RunAsync(token);
            var summary = await initializer.LoadDemoAsync(demoScale, result.GetValue(seed), token);
            var table = new FittedTable().Columns("Table", "Rows");
            foreach (var (name, rows) in summary.RowsPerTable)
            {
                table.AddRow(name, rows.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
            }
            table.Write();
            return 0;
        }, cancellationToken));
        return command;
    }

    private static Command SetupCommand()
    {
        var command = new Command("setup", "Fetch the embedded ClickHouse engine (chDB) into the per-user cache if it is not there yet.");
        command.SetAction(_ =>
        {
            var path = ChDbLibrary.EnsureLoaded(null, Console.WriteLine);
            Console.WriteLine($"chDB {ChDbLibrary.EngineVersion} at {path}");
            return 0;
        });
        return command;
    }

    /// <summary>The exit code of an ingest command whose source is already running elsewhere.</summary>
    public const int SourceBusyExitCode = CommandFailures.SourceBusy;

    /// <summary>
    /// <see cref="WithServicesAsync"/> for a command that reads figures: on its own it first brings the store to the current
    /// schema (a fresh store then answers with no figures rather than unknown tables); the app has done so at its start.
    /// Figures from a demo store say so, on standard error (standard output stays the figures, for --format json or csv).
    /// </summary>
    internal static Task<int> WithStoreAsync(Func<IServiceProvider, CancellationToken, Task<int>> action, CancellationToken cancellationToken) =>
        WithServicesAsync(async (services, token) =>
        {
            if (CommandContext.Current is null)
            {
                await services.GetRequiredService<StoreStartup>().RunAsync(token);
            }
            if (await services.GetRequiredService<CatalogSeeding>().IsDemoAsync(token))
            {
                Console.Error.WriteLine(CatalogSeeding.DemoNotice);
            }
            return await action(services, token);
        }, cancellationToken);

    /// <summary>
    /// Runs <paramref name="action"/> with the services of the app when the app runs it for a CLI; else hands the
    /// command to the app serving the same store when one answers (unless <paramref name="handOver"/> is false: a
    /// command that never opens the ClickHouse store); else builds a host of its own.
    /// </summary>
    internal static async Task<int> WithServicesAsync(Func<IServiceProvider, CancellationToken, Task<int>> action, CancellationToken cancellationToken, bool handOver = true)
    {
        if (CommandContext.Current is { } handedOver)
        {
            return await action(handedOver.Services, cancellationToken);
        }
        using var host = CommandBuilder().Build();
        host.Services.ValidateOptions();
        var channel = CommandChannel.For(host.Services.GetRequiredService<IOptions<StoreOptions>>().Value);
        if (handOver && channel is not null && HandOverArguments.Value is { } arguments
            && await CommandChannelClient.TryRunAsync(channel, arguments, cancellationToken) is { } exitCode)
        {
            return exitCode;
        }
        try
        {
            return await action(host.Services, cancellationToken);
        }
        catch (StoreInUseException busy)
        {
            throw new StoreUnavailableException(
                $"{busy.Message} No app answers on {channel?.SocketPath}: if it is another command, let it finish and try again; if it is the dashboard starting, try again once it prints 'Dashboard:'.", busy);
        }
    }
}
