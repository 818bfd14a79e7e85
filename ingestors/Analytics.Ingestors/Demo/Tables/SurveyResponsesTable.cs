using System.Security.Cryptography;
using System.Text;

namespace Analytics.Ingestors.Demo;

/// <summary>
/// survey_responses: a quarterly developer-experience pulse. About 70% of engineers answer; scores follow their
/// team's performance, rise once the team is on the golden path and drop in its bad quarter. Respondents appear only as a salted hash.
/// </summary>
internal static class SurveyResponsesTable
{
    public const string HashSalt = "demo-salt:";

    public static readonly string[] Columns = ["survey_id", "respondent_hash", "team", "question", "score", "answered_at", "source"];

    private const double Participation = 0.7;
    private const double WorkingHoursOpen = 8 * 9;   // answers trickle in over about eight working days

    public static DemoTable Create(Organisation org) => new("survey_responses", Columns, Rows(org));

    /// <summary>Hex SHA-256 of the salt and the person's external id: stable per person, never the id itself.</summary>
    public static string RespondentHash(string personExternalId) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(HashSalt + personExternalId)));

    private static IEnumerable<object?[]> Rows(Organisation org)
    {
        var rng = new Random(org.SurveySeed);
        var hashes = new string?[org.Engineers.Count];
        foreach (var (surveyId, opensAt) in Surveys(org))
        {
            foreach (var person in org.Engineers)
            {
                if (!rng.Chance(Participation))
                {
                    continue;
                }
                var answeredAt = WorkingHours.Add(opensAt, rng.Between(0, WorkingHoursOpen));
                var team = org.TeamOf(person, answeredAt);
                if (answeredAt > org.End || team is null)
                {
                    continue;   // history ended first, or they had not joined yet
                }
                var hash = hashes[person.Index] ??= RespondentHash(person.ExternalId);
                foreach (var (question, score) in Answers(rng, team, answeredAt))
                {
                    yield return [surveyId, hash, team.Slug, question, score, answeredAt, Organisation.Source];
                }
            }
        }
    }

    /// <summary>One survey per calendar quarter, opening on the first Monday of the quarter's second month.</summary>
    private static IEnumerable<(string SurveyId, DateTime OpensAt)> Surveys(Organisation org)
    {
        var quarter = new DateTime(org.Start.Year, (((org.Start.Month - 1) / 3) * 3) + 1, 1, 0, 0, 0, DateTimeKind.Utc);
        for (; quarter < org.End; quarter = quarter.AddMonths(3))
        {
            var opensAt = quarter.AddMonths(1);
            while (opensAt.DayOfWeek != DayOfWeek.Monday)
            {
                opensAt = opensAt.AddDays(1);
            }
            opensAt = opensAt.AddHours(9);
            if (opensAt >= org.Start && opensAt < org.End)
            {
                yield return ($"pulse-{quarter.Year}-q{((quarter.Month - 1) / 3) + 1}", opensAt);
            }
        }
    }

    /// <summary>NPS is 0–10; the rest are Likert 1–5. For "interruptions", higher means interrupted more.</summary>
    private static IEnumerable<(string Question, short Score)> Answers(Random rng, TeamInfo team, DateTime at)
    {
        var p = team.Profile.Performance;
        var onGoldenPath = team.HasAdoptedGoldenPathBy(at) ? 1 : 0;
        var inBadQuarter = team.IsInBadQuarterAt(at) ? 1 : 0;   // firefighting shows in the pulse too
        yield return ("nps", Score(rng, 5.2 + (2.6 * p) + (1.6 * onGoldenPath) - (1.5 * inBadQuarter), 1.6, 0, 10));
        yield return ("satisfaction", Score(rng, 2.7 + (1.2 * p) + (0.5 * onGoldenPath) - (0.6 * inBadQuarter), 0.8, 1, 5));
        yield return ("flow", Score(rng, 2.5 + (1.3 * p) + (0.5 * onGoldenPath) - (0.5 * inBadQuarter), 0.8, 1, 5));
        yield return ("interruptions", Score(rng, 3.6 - (1.2 * p) - (0.4 * onGoldenPath) + (0.8 * inBadQuarter), 0.8, 1, 5));
    }

    private static short Score(Random rng, double mean, double spread, int min, int max) =>
        (short)Math.Clamp(Math.Round(mean + (spread * rng.StandardNormal())), min, max);
}
