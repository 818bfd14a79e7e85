using System.Globalization;

namespace Analytics.Web.Components.Shared;

/// <summary>How figures are written on every page, so the same number reads the same everywhere.</summary>
public static class Figures
{
    public static string Duration(TimeSpan? value) => value switch
    {
        null => "—",
        { TotalMinutes: < 1 } v => $"{v.TotalSeconds:0} s",
        { TotalHours: < 1 } v => $"{v.TotalMinutes:0} min",
        { TotalDays: < 2 } v => $"{v.TotalHours:0.0} h",
        { } v => $"{v.TotalDays:0.0} d",
    };

    public static string Percent(double? rate) => rate is { } value ? value.ToString("0.0%", CultureInfo.InvariantCulture) : "—";

    public static string Number(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    public static string TeamName(string team) => team switch
    {
        "" => "Organisation",
        _ => team,
    };
}
