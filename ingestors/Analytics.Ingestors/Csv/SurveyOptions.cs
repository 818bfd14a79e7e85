namespace Analytics.Ingestors.Csv;

/// <summary>Configuration section "Analytics:Surveys". Checked by <see cref="SurveyOptionsValidator"/>.</summary>
public sealed class SurveyOptions
{
    public const string Section = "Analytics:Surveys";

    /// <summary>Secret key of the respondent hash (user-secrets or environment, never the repository). Never logged.</summary>
    public string? RespondentSalt { get; set; }
}
