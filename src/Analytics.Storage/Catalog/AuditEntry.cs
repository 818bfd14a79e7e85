namespace Analytics.Storage.Catalog;

/// <summary>
/// One entry of the audit trail: who did what to which target, from where, when and with what outcome, with the
/// catalog's rows before and after for edits. Entries form a hash chain (<see cref="PreviousHash"/>,
/// <see cref="Hash"/>), so an altered or removed entry is found by <see cref="AuditTrail.VerifyAsync"/>.
/// </summary>
public class AuditEntry
{
    /// <summary>1, 2, 3…: assigned by the one writer, in order.</summary>
    public long Id { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>Who: a user name, "key ak_…" for an API key, "cli:&lt;os user&gt;", or "anonymous".</summary>
    public required string Actor { get; set; }

    /// <summary>What, e.g. "catalog.team.save", "key.create", "request.denied".</summary>
    public required string Action { get; set; }

    /// <summary>What it was done to, e.g. "team alpha", "key ak_3f9a1c22b7", "GET /api/dora".</summary>
    public required string Target { get; set; }

    /// <summary>"succeeded", "refused: …", "401: …".</summary>
    public required string Outcome { get; set; }

    /// <summary>The remote IP address, or "local" for the CLI; null when unknown.</summary>
    public string? RemoteAddress { get; set; }

    /// <summary>JSON of the catalog rows an edit changed or removed, as they were.</summary>
    public string? Before { get; set; }

    /// <summary>JSON of the catalog rows an edit added or changed, as they are now.</summary>
    public string? After { get; set; }

    /// <summary>The previous entry's <see cref="Hash"/> (64 zeros for the first entry).</summary>
    public required string PreviousHash { get; set; }

    /// <summary>SHA-256 (hex) of this entry's canonical form, which includes <see cref="PreviousHash"/>.</summary>
    public required string Hash { get; set; }
}
