using Analytics.Core.Space;
using Analytics.Web.Cli;
using Spectre.Console;

namespace Analytics.Web.Tests.Cli;

/// <summary>
/// <c>analytics space roi</c> as a table says what the dashboard's ROI panel says (PlatformPanels.razor): the keys in
/// words, which way is better, teams by name; no identifier of the code (DeploymentsPerMonth, LeadTimeHours, …).
/// </summary>
public sealed class RoiTableTests
{
    private static DidEstimate Estimate(RoiKey key, bool higherIsBetter, bool tooFewTeams = false) =>
        new(key, higherIsBetter, key != RoiKey.ChangeFailureRate, 0.12, tooFewTeams ? null : 0.02, tooFewTeams ? null : 0.2, 0.01, -0.03, 0.04,
            tooFewTeams ? 2 : 6, 5, 4, 1000, tooFewTeams ? 0 : 990, tooFewTeams, $"verdict of {key}", []);

    private static RoiResult Result() => new(
        new DateTimeOffset(2025, 12, 1, 0, 0, 0, TimeSpan.Zero),
        new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero),
        new RoiAssumptions(3, 100, "EUR", [], 1000, 7, 0.9, 0.5, 3, 4, new Dictionary<string, double>(), 0.25),
        [
            Estimate(RoiKey.DeploymentsPerMonth, higherIsBetter: true),
            Estimate(RoiKey.LeadTimeHours, higherIsBetter: false),
            Estimate(RoiKey.ChangeFailureRate, higherIsBetter: false),
            Estimate(RoiKey.RecoveryHours, higherIsBetter: false, tooFewTeams: true),
        ],
        [new RoiExclusion("payments", new DateOnly(2026, 10, 1), "the 3 months after the adoption month end after 2026-11-30")],
        new SavingsFigure("", 40, 60, 120.5, 2, 150, 15000),
        [])
    {
        LeadTimeUnit = Analytics.Core.Dora.LeadTimeUnit.PullRequest,
    };

    private static string Printed(RoiResult roi)
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 240;
        SpaceTables.Roi(roi, console);
        return output.ToString();
    }

    [Fact]
    public void The_keys_and_teams_are_named_as_on_the_dashboard_never_by_their_code_names()
    {
        var printed = Printed(Result());

        // The panel's words for the four keys (Figures.RoiKeyName), in the table and before each verdict; which way is
        // better and a small sample, as its effect column says them; its column headers; teams by name.
        string[] phrases =
        [
            "│ Deployment frequency (deployments a month) ", "│ Lead time for changes (median, per pull request) ",
            "│ Change failure rate ", "│ Time to restore service (median) ",
            "Deployment frequency (deployments a month): verdict of DeploymentsPerMonth",
            "Time to restore service (median): verdict of RecoveryHours",
            "+12.0% (higher is better)", "+12.0% (lower is better) (low confidence)", "│ Key ", "Adopting teams (n)",
            "Left out: payments (adopted 2026-10): the 3 months after the adoption month end after 2026-11-30",
        ];
        Assert.All(phrases, phrase => Assert.Contains(phrase, printed, StringComparison.Ordinal));
        // No code name outside the verdicts this test wrote with them.
        var outsideVerdicts = string.Join('\n', printed.Split('\n').Where(line => !line.Contains("verdict of", StringComparison.Ordinal)));
        Assert.All(Enum.GetNames<RoiKey>(), name => Assert.DoesNotContain(name, outsideVerdicts, StringComparison.Ordinal));
    }
}
