using Analytics.Ingestors.Runs;

namespace Analytics.Ingestors.Sources;

/// <summary>
/// A remote source's run failed; the message says why, with its secrets masked (even where a server echoed them), and
/// it carries no inner exception whose message or response body might quote them.
/// </summary>
public sealed class SourceIngestException(string message) : Exception(message)
{
    /// <summary>
    /// What leaves a source's run for <paramref name="error"/>: a cancellation the caller asked for stays one (the
    /// runner records it as such, whatever it surfaced as on the way); anything else becomes this, secrets masked.
    /// </summary>
    public static Exception From(Exception error, CancellationToken cancellationToken, params string[] secrets)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return new OperationCanceledException("The run was cancelled.", cancellationToken);
        }
        var message = IngestRunner.Describe(error);
        foreach (var secret in secrets.Where(s => s.Length > 0))
        {
            message = message.Replace(secret, "***", StringComparison.Ordinal);
        }
        return new SourceIngestException(message);
    }
}
