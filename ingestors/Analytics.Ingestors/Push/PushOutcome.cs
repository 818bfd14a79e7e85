namespace Analytics.Ingestors.Push;

/// <summary>What became of one push; the web app's push API turns each kind into its HTTP answer.</summary>
public abstract record PushOutcome
{
    private PushOutcome()
    {
    }

    /// <summary>No bearer token, or one that belongs to no push source. Nothing was stored or recorded.</summary>
    /// <param name="TokenMissing">True when the request carried no Authorization header at all.</param>
    public sealed record Unauthorized(bool TokenMissing) : PushOutcome;

    /// <summary>The body was refused; nothing was stored, and the refused run is on record.</summary>
    /// <param name="Errors">What is wrong, keyed by field: "started_at", or "[2].started_at" in an array; "body" for the whole body.</param>
    public sealed record Invalid(string EventName, Dictionary<string, string[]> Errors) : PushOutcome
    {
        /// <summary>One sentence naming the first problem, e.g. "The deployments were not stored: [1].status …".</summary>
        public string Summary => $"The {EventName}s were not stored: {Errors.First().Key} {Errors.First().Value[0]}.";
    }

    /// <summary>The events were valid but could not be written; nothing was stored, the failed run is on record.</summary>
    public sealed record StoreUnavailable(int RunId) : PushOutcome;

    /// <summary>Every event was stored by one succeeded run.</summary>
    public sealed record Accepted(PushAccepted Answer) : PushOutcome;
}

/// <summary>The answer to an accepted push.</summary>
public sealed record PushAccepted(string Source, int RunId, long Accepted);
