namespace Analytics.Storage.Catalog;

/// <summary>A human (or bot) who authors commits, pull requests and deployments.</summary>
public class Person
{
    public int Id { get; set; }

    /// <summary>Key from the people directory, e.g. "p-0042". Unique.</summary>
    public required string ExternalId { get; set; }

    public required string DisplayName { get; set; }

    /// <summary>Bots (dependabot, release automation) are excluded from people metrics.</summary>
    public bool IsBot { get; set; }

    public List<PersonIdentity> Identities { get; set; } = [];
}

/// <summary>How an identity was observed in source data.</summary>
public enum IdentityKind
{
    GitEmail,
    GitHubLogin,
}

/// <summary>
/// One name a person appears under in source data. (Kind, Value) is unique, so an email or
/// login can never resolve to two people.
/// </summary>
public class PersonIdentity
{
    private string _value = "";

    public int Id { get; set; }

    public int PersonId { get; set; }

    public Person Person { get; set; } = null!;

    public IdentityKind Kind { get; set; }

    /// <summary>
    /// Always stored lower-cased and trimmed: git and GitHub treat emails and logins
    /// case-insensitively, and the unique index must too.
    /// </summary>
    public required string Value
    {
        get => _value;
        set => _value = Normalize(value);
    }

    /// <summary>The form identity values are stored and looked up in.</summary>
    public static string Normalize(string value) => value.Trim().ToLowerInvariant();
}
