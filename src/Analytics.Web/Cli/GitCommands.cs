using System.CommandLine;
using System.Globalization;
using Analytics.Ingestors.Git;
using Analytics.Ingestors.Runs;
using Analytics.Storage;
using Analytics.Storage.ClickHouse;
using LibGit2Sharp;
using Spectre.Console;

namespace Analytics.Web.Cli;

/// <summary>
/// <c>analytics ingest git &lt;path&gt; --service &lt;slug&gt;</c>: reads a local clone's commits and deployment tags into
/// the store, registering the service first if the catalog does not know it, then links its deployments to commits.
/// </summary>
internal static class GitCommands
{
    /// <summary>The <c>git</c> subcommand of <c>ingest</c>.</summary>
    public static Command Create()
    {
        var path = new Argument<string>("path") { Description = "A local clone: its work tree (or a folder inside it) or a bare repository." };
        var service = new Option<string>("--service") { Description = "The service its tags deploy; registered (without an owner) if the catalog does not have it.", Required = true };
        var tagPattern = new Option<string>("--tag-pattern")
        {
            Description = "Tags that are production deployments: a glob (v*) or a regular expression between slashes (/^v\\d+\\.\\d+\\.\\d+$/).",
            DefaultValueFactory = _ => TagPattern.Default,
        };
        var repository = new Option<string?>("--repository") { Description = "owner/name; default: the catalog's, else the origin remote's, else local/<folder>." };
        var command = new Command("git", "Ingest a local git clone: commits on the default branch and tags as production deployments; then link deployments to commits.")
        {
            path, service, tagPattern, repository,
        };
        command.SetAction((result, cancellationToken) => IngestAsync(
            CommandContext.FullPath(result.GetValue(path)!), result.GetValue(service)!, result.GetValue(tagPattern)!, result.GetValue(repository), cancellationToken));
        return command;
    }

    private static Task<int> IngestAsync(string clonePath, string serviceSlug, string tagPatternText, string? repository, CancellationToken cancellationToken)
    {
        TagPattern tagPattern;
        try
        {
            tagPattern = TagPattern.Parse(tagPatternText);
        }
        catch (ArgumentException error)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]--tag-pattern: {error.Message}[/]");
            return Task.FromResult(2);
        }
        return AnalyticsCommandLine.WithServicesAsync((services, token) => IngestAsync(services, clonePath, serviceSlug, tagPattern, repository, token), cancellationToken);
    }

    private static async Task<int> IngestAsync(
        IServiceProvider services, string clonePath, string serviceSlug, TagPattern tagPattern, string? repository, CancellationToken cancellationToken)
    {
        await services.GetRequiredService<StoreStartup>().RunAsync(cancellationToken);

        GitServiceTarget target;
        try
        {
            target = await services.GetRequiredService<GitServiceRegistration>().EnsureServiceAsync(serviceSlug, clonePath, repository, cancellationToken);
        }
        catch (Exception error) when (error is InvalidOperationException or RepositoryNotFoundException)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]{error.Message}[/]");
            return 2;
        }
        if (target.Registered)
        {
            AnsiConsole.MarkupLineInterpolated(
                $"Registered service [bold]{target.Service}[/] ({target.Repository}, default branch {target.DefaultBranch}) without an owner: its figures count for unassigned.");
        }

        var source = new GitIngestSource(
            services.GetRequiredService<GitRepositoryIngestor>(),
            new GitIngestRequest(clonePath, target.Service, target.Repository, target.DefaultBranch, tagPattern));
        var outcome = await services.GetRequiredService<IngestRunner>().RunAsync(source, cancellationToken);
        if (!outcome.Succeeded)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]Ingest run {outcome.RunId} failed: {outcome.Error}[/]");
            return 1;
        }

        var table = new FittedTable().Columns("Table", "Rows");
        foreach (var (name, rows) in outcome.RowsPerTable)
        {
            table.AddRow(name, rows.ToString("N0", CultureInfo.InvariantCulture));
        }
        table.Write();
        AnsiConsole.MarkupLineInterpolated(
            $"{target.DefaultBranch} at {source.LastResult!.BranchHead[..12]}; {source.LastResult.MatchedTags} tags match {tagPattern}. deployment_commits counts all the service's links after relinking.");
        return 0;
    }
}
