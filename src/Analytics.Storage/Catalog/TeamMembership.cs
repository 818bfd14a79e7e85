namespace Analytics.Storage.Catalog;

/// <summary>A person belongs to a team during [ValidFrom, ValidTo); ValidTo null means still a member.</summary>
public class TeamMembership
{
    public int Id { get; set; }

    public int PersonId { get; set; }

    public Person Person { get; set; } = null!;

    public int TeamId { get; set; }

    public Team Team { get; set; } = null!;

    public DateTimeOffset ValidFrom { get; set; }

    public DateTimeOffset? ValidTo { get; set; }
}
