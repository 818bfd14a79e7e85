using System.CommandLine;
using System.Globalization;
using Analytics.Storage.Catalog;
using Analytics.Web.Security;
using Spectre.Console;

namespace Analytics.Web.Cli;

/// <summary>
/// <c>analytics users add|list|remove|set-roles</c>: the local accounts of Analytics:Auth:Mode=Local (docs/security.md).
/// A password is read from standard input when it is redirected, else prompted for; never from the command line.
/// </summary>
internal static class UserCommands
{
    public static Command Create()
    {
        var users = new Command("users", "Local accounts (Analytics:Auth:Mode=Local): add, list, remove, set roles.");
        users.Subcommands.Add(AddCommand());
        users.Subcommands.Add(ListCommand());
        users.Subcommands.Add(RemoveCommand());
        users.Subcommands.Add(SetRolesCommand());
        return users;
    }

    private static Argument<string> NameArgument() => new("name") { Description = "The user name (compared ignoring case)." };

    private static Option<string[]> RoleOption() => new("--role")
    {
        Description = $"A role: {string.Join(", ", AnalyticsRoles.All)} (repeat for several; admin holds all).",
        Required = true,
        AllowMultipleArgumentsPerToken = true,
    };

    private static Option<string[]> TeamOption() => new("--team")
    {
        Description = "With team-lead: a team (slug) whose rows the account sees; repeat for several. None: every team.",
        AllowMultipleArgumentsPerToken = true,
    };

    private static Command AddCommand()
    {
        var (name, role, team) = (NameArgument(), RoleOption(), TeamOption());
        // No --password: a password on the command line ends up in the shell history and the process list.
        var command = new Command("add", "Add an account; its password is read from standard input, or prompted for.") { name, role, team };
        command.SetAction((result, cancellationToken) => WithAccountsAsync(async (accounts, token) =>
        {
            var password = ReadPassword(Console.IsInputRedirected ? Console.In : null);
            return await AddAsync(accounts, result.GetValue(name)!, result.GetValue(role) ?? [], result.GetValue(team) ?? [], password, Console.Out, token);
        }, cancellationToken));
        return command;
    }

    private static Command ListCommand()
    {
        var command = new Command("list", "List the accounts: roles, teams and any lockout (never a password or its hash).");
        command.SetAction((_, cancellationToken) => WithAccountsAsync(async (accounts, token) =>
        {
            var table = new FittedTable().Columns("User", "Roles", "Teams", "Locked until (UTC)");
            foreach (var account in await accounts.ListAsync(token))
            {
                table.AddRow(account.UserName, account.Roles, account.Teams,
                    account.LockoutEnd?.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "");
            }
            table.Write();
            return 0;
        }, cancellationToken));
        return command;
    }

    private static Command RemoveCommand()
    {
        var name = NameArgument();
        var command = new Command("remove", "Remove an account.") { name };
        command.SetAction((result, cancellationToken) => WithAccountsAsync(async (accounts, token) =>
            await RemoveAsync(accounts, result.GetValue(name)!, Console.Out, token), cancellationToken));
        return command;
    }

    private static Command SetRolesCommand()
    {
        var (name, role, team) = (NameArgument(), RoleOption(), TeamOption());
        var command = new Command("set-roles", "Replace an account's roles (and teams).") { name, role, team };
        command.SetAction((result, cancellationToken) => WithAccountsAsync(async (accounts, token) =>
        {
            var roles = result.GetValue(role) ?? [];
            if (Unknown(roles, Console.Out))
            {
                return 2;
            }
            var found = await accounts.SetRolesAsync(result.GetValue(name)!, roles, result.GetValue(team) ?? [], token);
            Console.Out.WriteLine(found ? $"Roles of '{result.GetValue(name)}' set." : $"There is no account '{result.GetValue(name)}'.");
            return found ? 0 : 1;
        }, cancellationToken));
        return command;
    }

    /// <summary>Adds the account with the password hashed; 2 for an unknown role or a short password, 1 when the name is taken.</summary>
    internal static async Task<int> AddAsync(UserAccounts accounts, string name, IReadOnlyList<string> roles, IReadOnlyList<string> teams, string? password, TextWriter output,
        CancellationToken cancellationToken = default)
    {
        if (Unknown(roles, output))
        {
            return 2;
        }
        if (password is null || password.Length < LocalAccountPasswords.MinimumLength)
        {
            output.WriteLine($"The password needs at least {LocalAccountPasswords.MinimumLength} characters.");
            return 2;
        }
        try
        {
            await accounts.AddAsync(name, LocalAccountPasswords.Hash(password), roles, teams, cancellationToken);
        }
        catch (ArgumentException taken)
        {
            output.WriteLine(taken.Message);
            return 1;
        }
        output.WriteLine($"Account '{name.Trim()}' added ({string.Join(", ", roles)}).");
        return 0;
    }

    internal static async Task<int> RemoveAsync(UserAccounts accounts, string name, TextWriter output, CancellationToken cancellationToken = default)
    {
        var removed = await accounts.RemoveAsync(name, cancellationToken);
        output.WriteLine(removed ? $"Account '{name}' removed." : $"There is no account '{name}'.");
        return removed ? 0 : 1;
    }

    private static bool Unknown(IReadOnlyList<string> roles, TextWriter output)
    {
        var unknown = roles.Where(role => !AnalyticsRoles.All.Contains(role.Trim().ToLowerInvariant())).ToList();
        if (unknown.Count > 0 || roles.Count == 0)
        {
            output.WriteLine($"--role takes {string.Join(", ", AnalyticsRoles.All)} (was '{string.Join(", ", unknown)}').");
            return true;
        }
        return false;
    }

    /// <summary>The first line of <paramref name="redirected"/> (a pipe or file), else a hidden prompt typed twice.</summary>
    internal static string? ReadPassword(TextReader? redirected)
    {
        if (redirected is not null)
        {
            return redirected.ReadLine();
        }
        var first = AnsiConsole.Prompt(new TextPrompt<string>("Password:").Secret());
        var again = AnsiConsole.Prompt(new TextPrompt<string>("Again:").Secret());
        return first == again ? first : null;
    }

    private static Task<int> WithAccountsAsync(Func<UserAccounts, CancellationToken, Task<int>> action, CancellationToken cancellationToken) =>
        AnalyticsCommandLine.WithServicesAsync(async (services, token) =>
        {
            await services.GetRequiredService<CatalogDatabase>().MigrateAsync(token);
            return await action(services.GetRequiredService<UserAccounts>(), token);
        }, cancellationToken, handOver: false); // The catalog only (SQLite takes several processes); a prompt needs this terminal.
}
