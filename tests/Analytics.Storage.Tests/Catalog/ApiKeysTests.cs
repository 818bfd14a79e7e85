using Microsoft.Data.Sqlite;
using static Analytics.Storage.Tests.Catalog.CatalogTestDatabase;

namespace Analytics.Storage.Tests.Catalog;

/// <summary>API keys in a real SQLite catalog: shown once, stored as a hash, checked, revoked, expired, and their use noted sparingly.</summary>
public sealed class ApiKeysTests : IAsyncLifetime
{
    private CatalogTestDatabase _catalog = null!;

    public async Task InitializeAsync() => _catalog = await CreateMigratedAsync();

    public async Task DisposeAsync() => await _catalog.DisposeAsync();

    private Task<CreatedApiKey> CreatePushKeyAsync(string source = "github-actions", DateTimeOffset? expiresAt = null) =>
        _catalog.Keys.CreateAsync(new ApiKeyRequest("ci", ApiKeys.PushPurpose, Source: source, Services: ["shop", " api ", "shop"], Kinds: ["deployments"], ExpiresAt: expiresAt), Tester);

    [Fact]
    public async Task A_created_key_is_returned_once_and_the_catalog_and_audit_trail_hold_only_its_hash_and_prefix()
    {
        var created = await CreatePushKeyAsync();

        Assert.Matches("^ak_[0-9a-f]{10}\\.[A-Za-z0-9_-]{43}$", created.Secret);
        Assert.StartsWith(created.Key.Prefix + ".", created.Secret);
        Assert.Equal("push as github-actions (services: api, shop; kinds: deployments)", created.Key.Scope);
        var listed = Assert.Single(await _catalog.Keys.ListAsync());
        Assert.Equal(created.Key, listed with { Services = created.Key.Services, Kinds = created.Key.Kinds });
        Assert.Equal(["api", "shop"], listed.Services);

        var secretPart = created.Secret[(created.Key.Prefix.Length + 1)..];
        var everything = await DumpAsync("ApiKeys") + await DumpAsync("AuditEntries");
        Assert.Contains(created.Key.Prefix, everything);
        Assert.DoesNotContain(secretPart, everything);
        var entry = Assert.Single((await _catalog.Audit.PageAsync(new AuditQuery(), 0, 10)).Entries);
        Assert.Equal(("tester", "key.create", $"key {created.Key.Prefix}", "192.0.2.10"), (entry.Actor, entry.Action, entry.Target, entry.RemoteAddress));
    }

    [Fact]
    public async Task A_key_authenticates_only_with_its_whole_secret_until_it_is_revoked_or_expires()
    {
        var created = await CreatePushKeyAsync(expiresAt: _catalog.Clock.Now.AddDays(90));
        var other = await CreatePushKeyAsync();

        var valid = await _catalog.Keys.AuthenticateAsync(created.Secret);
        Assert.Equal((ApiKeyStatus.Valid, created.Key.Prefix), (valid.Status, valid.Key!.Prefix));
        var wrong = await _catalog.Keys.AuthenticateAsync(created.Secret[..^1] + (created.Secret[^1] == 'A' ? 'B' : 'A'));
        Assert.Equal((ApiKeyStatus.WrongSecret, $"key {created.Key.Prefix}"), (wrong.Status, wrong.Actor));
        Assert.Equal(ApiKeyStatus.Unknown, (await _catalog.Keys.AuthenticateAsync("ak_0000000000." + new string('x', 43))).Status);
        Assert.Equal(ApiKeyStatus.Unknown, (await _catalog.Keys.AuthenticateAsync("not-a-key")).Status);

        await _catalog.Keys.RevokeAsync(other.Key.Prefix, Tester);
        Assert.Equal(ApiKeyStatus.Revoked, (await _catalog.Keys.AuthenticateAsync(other.Secret)).Status);
        Assert.Equal(ApiKeyStatus.Valid, (await _catalog.Keys.AuthenticateAsync(created.Secret)).Status);

        _catalog.Clock.Now = _catalog.Clock.Now.AddDays(90);
        var expired = await _catalog.Keys.AuthenticateAsync(created.Secret);
        Assert.Equal((ApiKeyStatus.Expired, $"key {created.Key.Prefix} expired"), (expired.Status, expired.Reason));
        Assert.Equal(["expired", "revoked"], (await _catalog.Keys.ListAsync()).Select(k => k.StatusAt(_catalog.Clock.Now)).Order());
        await Assert.ThrowsAsync<ArgumentException>(() => _catalog.Keys.RevokeAsync("ak_nope", Tester));
    }

    [Fact]
    public async Task The_last_use_is_written_at_most_once_a_minute()
    {
        var created = await CreatePushKeyAsync();
        var start = _catalog.Clock.Now;

        await _catalog.Keys.AuthenticateAsync(created.Secret);
        _catalog.Clock.Now = start.AddSeconds(50);
        await _catalog.Keys.AuthenticateAsync(created.Secret);
        Assert.Equal(start, Assert.Single(await _catalog.Keys.ListAsync()).LastUsedAt);

        _catalog.Clock.Now = start.AddSeconds(61);
        await _catalog.Keys.AuthenticateAsync(created.Secret);
        Assert.Equal(start.AddSeconds(61), Assert.Single(await _catalog.Keys.ListAsync()).LastUsedAt);
    }

    [Theory]
    [InlineData("push", null, null, "deployments", "A push key needs a source name")]
    [InlineData("push", "ci", "viewer", null, "A push key has no role")]
    [InlineData("push", "ci", null, "deployments,builds", "Kinds must be among deployments, incidents, commits, pull-requests, reviews; not 'deployments,builds'.")]
    [InlineData("read", null, "owner", null, "A read key needs a role: viewer, team-lead, survey-analyst, admin; not 'owner'.")]
    [InlineData("read", "ci", "viewer", null, "A read key has no source, services or kinds.")]
    [InlineData("write", "ci", null, null, "A key's purpose is push or read, not 'write'.")]
    public async Task An_incomplete_request_is_refused_naming_what_is_wrong_and_creates_nothing(string purpose, string? source, string? role, string? kinds, string message)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            _catalog.Keys.CreateAsync(new ApiKeyRequest("k", purpose, source, role, Kinds: kinds?.Split(',')), Tester));

        Assert.StartsWith(message, error.Message);
        Assert.Empty(await _catalog.Keys.ListAsync());
    }

    [Fact]
    public async Task A_read_key_carries_its_role_and_an_expiry_in_the_past_is_refused()
    {
        var read = await _catalog.Keys.CreateAsync(new ApiKeyRequest("portal", ApiKeys.ReadPurpose, Role: "team-lead"), Tester);
        Assert.Equal(("read as team-lead", "team-lead"), (read.Key.Scope, (await _catalog.Keys.AuthenticateAsync(read.Secret)).Key!.Role));

        var error = await Assert.ThrowsAsync<ArgumentException>(() => CreatePushKeyAsync(expiresAt: _catalog.Clock.Now.AddMinutes(-1)));
        Assert.Contains("must be in the future", error.Message);
    }

    /// <summary>Every value of every row of the table, as text.</summary>
    private async Task<string> DumpAsync(string table)
    {
        await using var connection = new SqliteConnection($"Data Source={_catalog.DatabasePath}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT * FROM {table}";
        await using var reader = await command.ExecuteReaderAsync();
        var text = new System.Text.StringBuilder();
        while (await reader.ReadAsync())
        {
            for (var i = 0; i < reader.FieldCount; i++)
            {
                var value = reader.GetValue(i);
                text.Append(value is byte[] bytes ? Convert.ToBase64String(bytes) + Convert.ToHexString(bytes) : value).Append('|');
            }
        }
        return text.ToString();
    }
}
