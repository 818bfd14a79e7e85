using System.Diagnostics;

namespace Analytics.Testing;

/// <summary>Plain git, run as a process: what the tests' histories are made with and what their oracles read.</summary>
public static class GitProcess
{
    /// <summary>Runs <c>git -C <paramref name="repository"/> …</c>, feeding it <paramref name="input"/>, and returns its standard output.</summary>
    public static string Run(string repository, string? input, params string[] arguments)
    {
        var start = new ProcessStartInfo("git")
        {
            RedirectStandardInput = input is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = repository,
        };
        start.ArgumentList.Add("-C");
        start.ArgumentList.Add(repository);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var git = Process.Start(start) ?? throw new InvalidOperationException("git did not start.");
        var output = git.StandardOutput.ReadToEndAsync();
        var error = git.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            git.StandardInput.Write(input);
            git.StandardInput.Close();
        }
        git.WaitForExit();
        return git.ExitCode == 0
            ? output.Result
            : throw new InvalidOperationException($"git {string.Join(' ', arguments)} failed ({git.ExitCode}): {error.Result}");
    }
}
