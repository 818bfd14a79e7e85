using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Storage.Catalog;

/// <summary>Who acts, and from where: a signed-in user's name and remote IP, "cli:&lt;os user&gt;" from "local", or "anonymous".</summary>
public sealed record AuditActor(string Name, string? RemoteAddress)
{
    public const string Anonymous = "anonymous";

    /// <summary>The person at the command line: the operating system's user name.</summary>
    public static AuditActor CommandLine { get; } = new($"cli:{Environment.UserName}", "local");
}

/// <summary>
/// One thing to record. <paramref name="Before"/> and <paramref name="After"/> are JSON (catalog edits); never put a
/// secret in any field: keys appear by their prefix only.
/// </summary>
public sealed record AuditRecord(AuditActor Actor, string Action, string Target, string Outcome, string? Before = null, string? After = null)
{
    public const string Succeeded = "succeeded";
}

/// <summary>Appends to the tamper-evident audit trail. Sign-in code records its failures through this.</summary>
public interface IAuditTrail
{
    Task RecordAsync(AuditRecord record, CancellationToken cancellationToken = default);
}

/// <summary>A filter over the trail; every part optional. <paramref name="To"/> is exclusive.</summary>
public sealed record AuditQuery(string? Actor = null, string? Action = null, DateTimeOffset? From = null, DateTimeOffset? To = null);

/// <summary>A page of the trail, newest first, and how many entries match the filter in all.</summary>
public sealed record AuditPage(IReadOnlyList<AuditEntry> Entries, int Total);

/// <summary>The result of checking the chain: intact, or the first entry that does not hold and why.</summary>
public sealed record AuditVerification(long EntriesChecked, long? FirstBrokenId, string? Problem)
{
    public bool Intact => FirstBrokenId is null;
}

/// <summary>
/// The audit trail in the catalog. Each entry stores the previous entry's hash and its own SHA-256 over a canonical
/// serialisation of all its fields (previous hash included), so changing, inserting or removing an entry in the middle
/// breaks the chain at that entry. Appends are serialised: one writer at a time in this process, and across processes
/// by SQLite's write lock, taken by the transaction that reads the last hash and inserts the next entry.
/// </summary>
public sealed class AuditTrail(IDbContextFactory<CatalogDbContext> contextFactory, TimeProvider clock) : IAuditTrail
{
    /// <summary>The previous hash of the first entry.</summary>
    public static readonly string GenesisHash = new('0', 64);

    private readonly SemaphoreSlim _writer = new(1, 1);

    public async Task RecordAsync(AuditRecord record, CancellationToken cancellationToken = default)
    {
        await _writer.WaitAsync(cancellationToken);
        try
        {
            await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
            // Microsoft.Data.Sqlite begins IMMEDIATE: the write lock is held from the read of the last entry to the insert.
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var last = await db.AuditEntries.AsNoTracking().OrderByDescending(e => e.Id)
                .Select(e => new { e.Id, e.Hash }).FirstOrDefaultAsync(cancellationToken);
            var entry = new AuditEntry
            {
                Id = (last?.Id ?? 0) + 1,
                At = clock.GetUtcNow(),
                Actor = record.Actor.Name,
                Action = record.Action,
                Target = record.Target,
                Outcome = record.Outcome,
                RemoteAddress = record.Actor.RemoteAddress,
                Before = record.Before,
                After = record.After,
                PreviousHash = last?.Hash ?? GenesisHash,
                Hash = "",
            };
            entry.Hash = HashOf(entry);
            db.AuditEntries.Add(entry);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        finally
        {
            _writer.Release();
        }
    }

    /// <summary>The entries matching <paramref name="query"/>, newest first, <paramref name="take"/> from <paramref name="skip"/>.</summary>
    public async Task<AuditPage> PageAsync(AuditQuery query, int skip, int take, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(skip);
        ArgumentOutOfRangeException.ThrowIfNegative(take);
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var entries = db.AuditEntries.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.Actor))
        {
            entries = entries.Where(e => e.Actor.Contains(query.Actor.Trim()));
        }
        if (!string.IsNullOrWhiteSpace(query.Action))
        {
            entries = entries.Where(e => e.Action.StartsWith(query.Action.Trim()));
        }
        if (query.From is { } from)
        {
            entries = entries.Where(e => e.At >= from);
        }
        if (query.To is { } to)
        {
            entries = entries.Where(e => e.At < to);
        }
        var total = await entries.CountAsync(cancellationToken);
        var page = await entries.OrderByDescending(e => e.Id).Skip(skip).Take(take).ToListAsync(cancellationToken);
        return new AuditPage(page, total);
    }

    /// <summary>Walks the chain from the first entry; names the first entry whose number, previous hash or own hash does not hold.</summary>
    public async Task<AuditVerification> VerifyAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var previousHash = GenesisHash;
        long expectedId = 1, checkedCount = 0;
        await foreach (var entry in db.AuditEntries.AsNoTracking().OrderBy(e => e.Id).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            var problem = entry.Id != expectedId ? $"entry {expectedId} is missing (the next entry is {entry.Id})"
                : entry.PreviousHash != previousHash ? "its previous hash is not the hash of the entry before it (an entry was removed or replaced)"
                : entry.Hash != HashOf(entry) ? "its content does not match its hash (it was altered)"
                : null;
            if (problem is not null)
            {
                return new AuditVerification(checkedCount, entry.Id, problem);
            }
            previousHash = entry.Hash;
            expectedId++;
            checkedCount++;
        }
        return new AuditVerification(checkedCount, null, null);
    }

    /// <summary>SHA-256 (lower-case hex) of the entry's canonical form: a JSON array of every field but the hash, in a fixed order, time as UTC ticks.</summary>
    public static string HashOf(AuditEntry entry)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            json.WriteNumberValue(entry.Id);
            json.WriteNumberValue(entry.At.UtcTicks);
            foreach (var field in new[] { entry.Actor, entry.Action, entry.Target, entry.Outcome, entry.RemoteAddress, entry.Before, entry.After, entry.PreviousHash })
            {
                if (field is null)
                {
                    json.WriteNullValue();
                }
                else
                {
                    json.WriteStringValue(field);
                }
            }
            json.WriteEndArray();
        }
        return Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()));
    }

    /// <summary>Rows as the audit trail keeps them: compact JSON, or null when there are none.</summary>
    public static string? Json(IReadOnlyCollection<object> rows) => rows.Count == 0 ? null : JsonSerializer.Serialize(rows);
}
