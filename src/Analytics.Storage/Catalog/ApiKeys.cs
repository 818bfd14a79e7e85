using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;

namespace Analytics.Storage.Catalog;

/// <summary>What a new key may do. Push: <paramref name="Source"/>, optionally <paramref name="Services"/> and <paramref name="Kinds"/>; read: <paramref name="Role"/>.</summary>
public sealed record ApiKeyRequest(
    string Name, string Purpose, string? Source = null, string? Role = null,
    IReadOnlyList<string>? Services = null, IReadOnlyList<string>? Kinds = null, DateTimeOffset? ExpiresAt = null);

/// <summary>A key as lists show it: never its secret.</summary>
public sealed record ApiKeyInfo(
    string Prefix, string Name, string Purpose, string? Source, string? Role, IReadOnlyList<string>? Services, IReadOnlyList<string>? Kinds,
    DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt)
{
    /// <summary>"active", "revoked" or "expired" at <paramref name="now"/>.</summary>
    public string StatusAt(DateTimeOffset now) => RevokedAt is not null ? "revoked" : ExpiresAt <= now ? "expired" : "active";

    /// <summary>What the key may do, in a few words: "push as github-actions (services: a, b; kinds: deployments)" or "read as viewer".</summary>
    public string Scope => Purpose == ApiKeys.ReadPurpose
        ? $"read as {Role}"
        : $"push as {Source}" + (Services is null && Kinds is null ? ""
            : $" ({string.Join("; ", new[] { Services is null ? null : $"services: {string.Join(", ", Services)}", Kinds is null ? null : $"kinds: {string.Join(", ", Kinds)}" }.OfType<string>())})");
}

/// <summary>A key just created: <see cref="Secret"/> is the whole key, to be shown once and never again.</summary>
public sealed record CreatedApiKey(ApiKeyInfo Key, string Secret);

public enum ApiKeyStatus
{
    Valid,

    /// <summary>Not in the form of a catalog key, or no key has its prefix.</summary>
    Unknown,

    /// <summary>The prefix is known but the secret is wrong.</summary>
    WrongSecret,
    Revoked,
    Expired,
}

/// <summary>The outcome of presenting a key: its status and, when its prefix is known, the key.</summary>
public sealed record ApiKeyCheck(ApiKeyStatus Status, ApiKeyInfo? Key)
{
    /// <summary>Who presented it, for the audit trail: "key ak_…" when the prefix is known, else anonymous.</summary>
    public string Actor => Key is null ? AuditActor.Anonymous : $"key {Key.Prefix}";

    /// <summary>Why it was refused, without any part of the secret.</summary>
    public string Reason => Status switch
    {
        ApiKeyStatus.Valid => "valid",
        ApiKeyStatus.Unknown => "no such key",
        ApiKeyStatus.WrongSecret => $"wrong secret for key {Key!.Prefix}",
        ApiKeyStatus.Revoked => $"key {Key!.Prefix} was revoked",
        _ => $"key {Key!.Prefix} expired",
    };
}

/// <summary>
/// API keys in the catalog: created (the secret is returned once), listed, revoked, and checked when presented. A key is
/// "ak_" + 10 hex digits (its public prefix) + "." + 256 random bits in base64url; only the SHA-256 of the whole key is
/// stored and it is compared in constant time. The last-used time is written at most once a minute per key. Creating
/// and revoking are recorded in the audit trail, by prefix only.
/// </summary>
public sealed partial class ApiKeys(IDbContextFactory<CatalogDbContext> contextFactory, IAuditTrail audit, TimeProvider clock)
{
    public const string PushPurpose = "push";
    public const string ReadPurpose = "read";

    /// <summary>The roles a read key may carry; the same names as the web app's AnalyticsRoles.</summary>
    public static readonly IReadOnlyList<string> Roles = ["viewer", "team-lead", "survey-analyst", "admin"];

    /// <summary>The event kinds a push key may be limited to.</summary>
    public static readonly IReadOnlyList<string> EventKinds = ["deployments", "incidents", "commits", "pull-requests", "reviews"];

    /// <summary>How stale the last-used time may be before a use writes it again.</summary>
    public static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    /// <summary>Creates a key; refused (<see cref="ArgumentException"/> naming the field and the reason) when the request is incomplete.</summary>
    public async Task<CreatedApiKey> CreateAsync(ApiKeyRequest request, AuditActor actor, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var services = Normalise(request.Services);
        var kinds = Normalise(request.Kinds);
        Require(!string.IsNullOrWhiteSpace(request.Name), "A key needs a name (what it is for).");
        if (request.Purpose == PushPurpose)
        {
            Require(request.Source is not null && NamePattern().IsMatch(request.Source), $"A push key needs a source name (letters, digits, '-', '_', '.'), not '{request.Source}'.");
            Require(request.Role is null, "A push key has no role; a read key has no source.");
            Require(services?.All(NamePattern().IsMatch) ?? true, $"Services must be service names, not '{string.Join(",", request.Services ?? [])}'.");
            Require(kinds?.All(EventKinds.Contains) ?? true, $"Kinds must be among {string.Join(", ", EventKinds)}; not '{string.Join(",", request.Kinds ?? [])}'.");
        }
        else
        {
            Require(request.Purpose == ReadPurpose, $"A key's purpose is {PushPurpose} or {ReadPurpose}, not '{request.Purpose}'.");
            Require(request.Role is not null && Roles.Contains(request.Role), $"A read key needs a role: {string.Join(", ", Roles)}; not '{request.Role}'.");
            Require(request.Source is null && services is null && kinds is null, "A read key has no source, services or kinds.");
        }
        Require(request.ExpiresAt is null || request.ExpiresAt > now, $"The expiry ({request.ExpiresAt:yyyy-MM-dd HH:mm} UTC) must be in the future.");

        var prefix = "ak_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5));
        var secret = $"{prefix}.{Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32))}";
        var key = new ApiKey
        {
            Name = request.Name.Trim(),
            Prefix = prefix,
            SecretHash = Digest(secret),
            Purpose = request.Purpose,
            Role = request.Role,
            Source = request.Source,
            Services = services is null ? null : string.Join(",", services),
            Kinds = kinds is null ? null : string.Join(",", kinds),
            CreatedAt = now,
            ExpiresAt = request.ExpiresAt,
        };
        await using (var db = await contextFactory.CreateDbContextAsync(cancellationToken))
        {
            db.ApiKeys.Add(key);
            await db.SaveChangesAsync(cancellationToken);
        }
        var info = Info(key);
        await audit.RecordAsync(new AuditRecord(actor, "key.create", $"key {prefix}", AuditRecord.Succeeded, After: AuditTrail.Json([info])), cancellationToken);
        return new CreatedApiKey(info, secret);
    }

    /// <summary>Every key, newest first.</summary>
    public async Task<IReadOnlyList<ApiKeyInfo>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var keys = await db.ApiKeys.AsNoTracking().OrderByDescending(k => k.Id).ToListAsync(cancellationToken);
        return keys.Select(Info).ToList();
    }

    /// <summary>Revokes the key with this prefix at once; revoking it again changes nothing. Unknown prefix: <see cref="ArgumentException"/>.</summary>
    public async Task<ApiKeyInfo> RevokeAsync(string prefix, AuditActor actor, CancellationToken cancellationToken = default)
    {
        ApiKey key;
        await using (var db = await contextFactory.CreateDbContextAsync(cancellationToken))
        {
            key = await db.ApiKeys.SingleOrDefaultAsync(k => k.Prefix == prefix.Trim(), cancellationToken)
                ?? throw new ArgumentException($"There is no key '{prefix}'; `analytics keys list` shows the prefixes.");
            key.RevokedAt ??= clock.GetUtcNow();
            await db.SaveChangesAsync(cancellationToken);
        }
        var info = Info(key);
        await audit.RecordAsync(new AuditRecord(actor, "key.revoke", $"key {key.Prefix}", AuditRecord.Succeeded, After: AuditTrail.Json([info])), cancellationToken);
        return info;
    }

    /// <summary>Checks a presented key (the bearer token); notes its use (at most once a minute).</summary>
    public async Task<ApiKeyCheck> AuthenticateAsync(string presented, CancellationToken cancellationToken = default)
    {
        var prefix = PrefixOf(presented);
        if (prefix is null)
        {
            return new ApiKeyCheck(ApiKeyStatus.Unknown, null);
        }
        await using var db = await contextFactory.CreateDbContextAsync(cancellationToken);
        var key = await db.ApiKeys.AsNoTracking().SingleOrDefaultAsync(k => k.Prefix == prefix, cancellationToken);
        if (key is null)
        {
            return new ApiKeyCheck(ApiKeyStatus.Unknown, null);
        }
        var now = clock.GetUtcNow();
        var info = Info(key);
        if (!CryptographicOperations.FixedTimeEquals(Digest(presented), key.SecretHash))
        {
            return new ApiKeyCheck(ApiKeyStatus.WrongSecret, info);
        }
        if (key.RevokedAt is not null)
        {
            return new ApiKeyCheck(ApiKeyStatus.Revoked, info);
        }
        if (key.ExpiresAt <= now)
        {
            return new ApiKeyCheck(ApiKeyStatus.Expired, info);
        }
        var stale = now - LastUsedResolution;
        await db.ApiKeys.Where(k => k.Id == key.Id && (k.LastUsedAt == null || k.LastUsedAt < stale))
            .ExecuteUpdateAsync(set => set.SetProperty(k => k.LastUsedAt, now), cancellationToken);
        return new ApiKeyCheck(ApiKeyStatus.Valid, info);
    }

    /// <summary>The public prefix of a presented key, or null when it is not in the form of a catalog key (e.g. a configured push token).</summary>
    public static string? PrefixOf(string presented)
    {
        var match = KeyPattern().Match(presented);
        return match.Success ? match.Groups[1].Value : null;
    }

    private static ApiKeyInfo Info(ApiKey key) => new(
        key.Prefix, key.Name, key.Purpose, key.Source, key.Role, Split(key.Services), Split(key.Kinds),
        key.CreatedAt, key.ExpiresAt, key.LastUsedAt, key.RevokedAt);

    private static List<string>? Split(string? list) => list?.Split(',').ToList();

    private static List<string>? Normalise(IReadOnlyList<string>? list)
    {
        var items = list?.Select(item => item.Trim()).Where(item => item.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return items is { Count: > 0 } ? items : null;
    }

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }

    [GeneratedRegex("^(ak_[0-9a-f]{10})\\.[A-Za-z0-9_-]{43}$")]
    private static partial Regex KeyPattern();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex NamePattern();
}
