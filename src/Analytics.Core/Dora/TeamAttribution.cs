namespace Analytics.Core.Dora;

public static class TeamAttribution
{
    /// <summary>The team of events whose service had no owner at the event's time: shown, never dropped.</summary>
    public const string Unassigned = "unassigned";
}
