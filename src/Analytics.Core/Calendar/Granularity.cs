namespace Analytics.Core.Calendar;

/// <summary>How a series is cut, in the organisation's time zone.</summary>
public enum Granularity
{
    Day,
    /// <summary>ISO week, starting on Monday.</summary>
    Week,
    Month,
}
