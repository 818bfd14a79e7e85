namespace Analytics.Ingestors.Push;

/// <summary>What became of one push; the web app's push API turns each kind into its HTTP answer.</summary>
public abstract record PushOutcome
{
    private PushOutcome()
    {
    }

    /// <summary>No bearer token, or one that is no valid push token or key (unknown, wrong, revoked, expired). Nothing was stored or recorded as a run.</summary>
    /// <param name="TokenMissing">True when the request carried no Authorization header at all.</param>
    /// <param name="Actor">Who tried, for the audit trail: "key ak_…" when the key's prefix is known, else anonymous.</param>
    /// <param name="Reason">Why, without any part of the secret, e.g. "key ak_3f9a1c22b7 was revoked".</param>
    public sealed record Unauthorized(bool TokenMissing, string Actor, string Reason) : PushOutcome;

    /// <summary>A valid key that may not push this: a read key, or an event kind or service outside the key's scope. Nothing was stored.</summary>
    public sealed record Forbidden(string Actor, string Reason) : PushOutcome;

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
