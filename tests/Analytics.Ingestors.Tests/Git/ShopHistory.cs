using LibGit2Sharp;

namespace Analytics.Ingestors.Tests.Git;

/// <summary>
/// The history of "acme/shop" that the git tests ingest, with commit times in several offsets (UTC in brackets):
/// <code>
/// main     A ─────────── B ── M ── Q ── C ── E          tags: v1.0.0 (annotated) on A, v1.1.0 (lightweight) on M,
///           \               /    |\                           v1.2.0 (lightweight) on E, nightly-20250304 on C (not v*)
/// feature    F1 ── F2 ─────┘     | └─ topic: S1 ── S2   (squashed into Q; the branch itself is never merged)
/// release/1.1                    └── H (cherry-pick of C)    tag v1.1.1 (annotated) on H
///
/// A  2025-03-03 09:00 +01:00 (08:00Z)   Ana   v1.0.0 tagged 12:00 +01:00 (11:00Z)
/// F1 2025-03-03 10:00 −05:00 (15:00Z)   Ben
/// F2 2025-03-03 11:00 −05:00 (16:00Z)   Ben
/// B  2025-03-03 17:30 +00:00 (17:30Z)   Ana
/// M  2025-03-03 20:00 +02:00 (18:00Z)   Ben, merge of feature (parents B, F2); v1.1.0 → deployed 18:00Z
/// S1 2025-03-03 22:00Z, S2 23:00Z       Ana, on topic
/// Q  2025-03-04 09:00 +05:30 (03:30Z)   Ana, squash of topic (parent M)
/// C  2025-03-04 10:00Z                  Ana, "Fix rounding"
/// H  committed 2025-03-04 11:00Z by Ben, authored by Ana at C's time; v1.1.1 tagged 12:00 −03:00 (15:00Z)
/// E  2025-03-05 08:00Z                  Ana; v1.2.0 → deployed 08:00Z
/// </code>
/// </summary>
public sealed class ShopHistory : IDisposable
{
    public const string Service = "shop";
    public const string RepositoryName = "acme/shop";

    public ShopHistory()
    {
        Git = TestRepository.Create();
        A = Git.Commit("main", "Initial shop", At(2025, 3, 3, 9, 0, +1));
        Git.TagAnnotated("v1.0.0", A, At(2025, 3, 3, 12, 0, +1));
        Git.Branch("feature", A);
        F1 = Git.Commit("feature", "Add basket", At(2025, 3, 3, 10, 0, -5), TestRepository.Ben);
        F2 = Git.Commit("feature", "Add checkout", At(2025, 3, 3, 11, 0, -5), TestRepository.Ben);
        B = Git.Commit("main", "Update prices", At(2025, 3, 3, 17, 30, 0));
        M = Git.Merge("main", "feature", At(2025, 3, 3, 20, 0, +2));
        Git.TagLightweight("v1.1.0", M);
        Git.Branch("topic", M);
        S1 = Git.Commit("topic", "Search draft", At(2025, 3, 3, 22, 0, 0));
        S2 = Git.Commit("topic", "Search polish", At(2025, 3, 3, 23, 0, 0));
        Git.Branch("release/1.1", M);
        Q = Git.Squash("main", "topic", "Add search (#12)", new DateTimeOffset(2025, 3, 4, 9, 0, 0, new TimeSpan(5, 30, 0)));
        C = Git.Commit("main", "Fix rounding", At(2025, 3, 4, 10, 0, 0));
        Git.TagLightweight("nightly-20250304", C);
        H = Git.CherryPick("release/1.1", C, At(2025, 3, 4, 11, 0, 0));
        Git.TagAnnotated("v1.1.1", H, At(2025, 3, 4, 12, 0, -3));
        E = Git.Commit("main", "Faster search", At(2025, 3, 5, 8, 0, 0));
        Git.TagLightweight("v1.2.0", E);
    }

    public TestRepository Git { get; }

    public Commit A { get; }
    public Commit F1 { get; }
    public Commit F2 { get; }
    public Commit B { get; }
    public Commit M { get; }
    public Commit S1 { get; }
    public Commit S2 { get; }
    public Commit Q { get; }
    public Commit C { get; }
    public Commit H { get; }
    public Commit E { get; }

    public static DateTimeOffset At(int year, int month, int day, int hour, int minute, int offsetHours) =>
        new(year, month, day, hour, minute, 0, TimeSpan.FromHours(offsetHours));

    public static DateTimeOffset Utc(int month, int day, int hour, int minute = 0) => new(2025, month, day, hour, minute, 0, TimeSpan.Zero);

    public void Dispose() => Git.Dispose();
}
