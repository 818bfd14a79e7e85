namespace Analytics.Ingestors.Csv;

/// <summary>Configuration section "Analytics:Surveys". Checked by <see cref="SurveyOptionsValidator"/>.</summary>
public sealed class SurveyOptions
{
    public const string Section = "Analytics:Surveys";

    /// <summary>Secret the per-wave respondent keys derive from (user-secrets or environment, never the repository). Never logged.</summary>
    public string? RespondentSalt { get; set; }

    /// <summary>Instead of <see cref="RespondentSalt"/>: a file holding the secret, readable by its owner only (mode 0600).</summary>
    public string? KeyFile { get; set; }
}
