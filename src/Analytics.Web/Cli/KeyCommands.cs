using System.CommandLine;
using System.Globalization;
using Analytics.Storage.Catalog;
using Analytics.Web.Security;
using Spectre.Console;

namespace Analytics.Web.Cli;

/// <summary><c>analytics keys create|list|revoke</c>: push keys for sources and read keys for portals and scripts.</summary>
internal static class KeyCommands
{
    public static Command Create()
    {
        var keys = new Command("keys", "Create, list and revoke API keys: push keys (one source) and read keys (one role).");
        keys.Subcommands.Add(CreateCommand());
        keys.Subcommands.Add(ListCommand());
        keys.Subcommands.Add(RevokeCommand());
        return keys;
    }

    private static Command CreateCommand()
    {
        var source = new Option<string?>("--source") { Description = "Push key: the source it pushes as." };
        var services = new Option<string?>("--services") { Description = "Push key: only these services, comma-separated (default: any)." };
        var kinds = new Option<string?>("--kinds") { Description = "Push key: only these event kinds, deployments and/or incidents (default: both)." };
        var read = new Option<bool>("--read") { Description = "A read key for the JSON API instead of a push key." };
        var role = new Option<string?>("--role") { Description = $"Read key: its role, {AnalyticsRoles.Viewer}, {AnalyticsRoles.TeamLead}, {AnalyticsRoles.SurveyAnalyst} or {AnalyticsRoles.Admin}." };
        var name = new Option<string?>("--name") { Description = "What the key is for (default: the source or role and today's date)." };
        var expires = new Option<string>("--expires") { Description = "Lifetime in days (90d) or 'never'.", DefaultValueFactory = _ => "90d" };
        var command = new Command("create", "Create a key and print it once: it is stored only as a hash and cannot be shown again.")
        {
            source, services, kinds, read, role, name, expires,
        };
        command.SetAction((result, cancellationToken) => AnalyticsCommandLine.WithServicesAsync(async (provider, token) =>
        {
            var expiry = result.GetValue(expires)!.Trim();
            DateTimeOffset? expiresAt = null;
            if (expiry != "never")
            {
                if (!expiry.EndsWith('d') || !int.TryParse(expiry[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var days) || days < 1)
                {
                    AnsiConsole.MarkupLineInterpolated($"[red]--expires must be a number of days such as 90d, or never; not '{expiry}'.[/]");
                    return 2;
                }
                expiresAt = provider.GetRequiredService<TimeProvider>().GetUtcNow().AddDays(days);
            }
            var isRead = result.GetValue(read);
            var subject = isRead ? result.GetValue(role) : result.GetValue(source);
            var request = new ApiKeyRequest(
                result.GetValue(name) ?? $"{subject} {DateTime.UtcNow:yyyy-MM-dd}",
                isRead ? ApiKeys.ReadPurpose : ApiKeys.PushPurpose,
                Source: result.GetValue(source), Role: result.GetValue(role),
                Services: List(result.GetValue(services)), Kinds: List(result.GetValue(kinds)), ExpiresAt: expiresAt);
            await provider.GetRequiredService<CatalogDatabase>().MigrateAsync(token);
            CreatedApiKey created;
            try
            {
                created = await provider.GetRequiredService<ApiKeys>().CreateAsync(request, AuditActor.CommandLine, token);
            }
            catch (ArgumentException error)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]{error.Message}[/]");
                return 2;
            }
            AnsiConsole.MarkupLineInterpolated($"Key {created.Key.Prefix} ({created.Key.Scope}), {Expiry(created.Key.ExpiresAt)}. Store it now: it is not shown again.");
            // On a line of its own, never wrapped or marked up, so it can be copied or piped.
            Console.WriteLine(created.Secret);
            return 0;
        }, cancellationToken));
        return command;
    }

    private static Command ListCommand()
    {
        var command = new Command("list", "List the keys by prefix: scope, expiry, last use, status. Never the secrets.");
        command.SetAction((_, cancellationToken) => AnalyticsCommandLine.WithServicesAsync(async (provider, token) =>
        {
            await provider.GetRequiredService<CatalogDatabase>().MigrateAsync(token);
            var keys = await provider.GetRequiredService<ApiKeys>().ListAsync(token);
            if (keys.Count == 0)
            {
                AnsiConsole.MarkupLine("[grey]No keys yet: analytics keys create --source <name>.[/]");
                return 0;
            }
            var now = provider.GetRequiredService<TimeProvider>().GetUtcNow();
            // Most important first (a narrow terminal loses the last): the prefix is what revoke takes, then whether the key works.
            var table = new FittedTable().Columns("Prefix", "Name", "Status", "Scope", "Expires", "Last used", "Created (UTC)");
            foreach (var key in keys)
            {
                table.AddRow(key.Prefix, key.Name, key.StatusAt(now), key.Scope, key.ExpiresAt is { } at ? Day(at) : "never",
                    key.LastUsedAt is { } used ? used.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "never", Day(key.CreatedAt));
            }
            table.Write();
            return 0;
        }, cancellationToken));
        return command;
    }

    private static Command RevokeCommand()
    {
        var prefix = new Argument<string>("prefix") { Description = "The key's prefix, as keys list shows it (ak_…)." };
        var command = new Command("revoke", "Revoke a key at once; its requests get 401 from then on.") { prefix };
        command.SetAction((result, cancellationToken) => AnalyticsCommandLine.WithServicesAsync(async (provider, token) =>
        {
            await provider.GetRequiredService<CatalogDatabase>().MigrateAsync(token);
            try
            {
                var key = await provider.GetRequiredService<ApiKeys>().RevokeAsync(result.GetValue(prefix)!, AuditActor.CommandLine, token);
                AnsiConsole.MarkupLineInterpolated($"Key {key.Prefix} ({key.Scope}) is revoked.");
                return 0;
            }
            catch (ArgumentException error)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]{error.Message}[/]");
                return 2;
            }
        }, cancellationToken));
        return command;
    }

    private static List<string>? List(string? commaSeparated) => commaSeparated?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();

    private static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Expiry(DateTimeOffset? at) => at is { } day ? $"expires {Day(day)}" : "never expires";
}
