namespace Analytics.Ingestors.Demo;

/// <summary>
/// The service templates: two golden-path templates that release new versions during history, and one
/// legacy skeleton nobody maintains any more.
/// </summary>
internal sealed record TemplateCatalog(TemplateInfo Java, TemplateInfo Node, TemplateInfo Legacy)
{
    public IReadOnlyList<TemplateInfo> All => [Java, Node, Legacy];

    public static TemplateCatalog Create(DateTime start, DateTime end)
    {
        DateTime At(double fraction) => WorkingHours.NextWorkingInstant(start + ((end - start) * fraction)).Date.AddHours(11);

        return new TemplateCatalog(
            new TemplateInfo("service-template-java", "Java service (golden path)", IsGoldenPath: true,
                [new("3.0.0", start.AddDays(-60)), new("3.1.0", At(0.35)), new("3.2.0", At(0.7))]),
            new TemplateInfo("service-template-node", "Node.js service (golden path)", IsGoldenPath: true,
                [new("2.3.0", start.AddDays(-90)), new("2.4.0", At(0.45)), new("2.5.1", At(0.8))]),
            new TemplateInfo("legacy-service-skeleton", "Legacy service skeleton", IsGoldenPath: false,
                [new("1.7.2", start.AddDays(-400)), new("1.8.0", start.AddDays(-300)), new("1.9.0", start.AddDays(-200))]));
    }

    /// <summary>The newest version released by <paramref name="at"/>.</summary>
    public static string VersionAt(TemplateInfo template, DateTime at) =>
        template.Releases.Last(r => r.ReleasedAt <= at).Version;
}
