using System.Globalization;
using Analytics.Core.Dora;
using Analytics.Core.Space;
using Analytics.Storage.ClickHouse;
using Microsoft.Extensions.Options;

namespace Analytics.Storage.Metrics;

/// <summary>One survey wave as stored: its first answer, the months (first days) its answers are dated in, and when it closes.</summary>
public sealed record SurveyWave(string Name, DateTimeOffset OpenedAt, IReadOnlyList<DateOnly> Months, DateTimeOffset ClosesAt, bool ClosedByHand)
{
    public bool IsClosed(DateTimeOffset now) => ClosesAt <= now;
}

/// <summary>The waves as of <see cref="Now"/>, and the months whose survey figures are published (every wave dated in them closed).</summary>
public sealed record SurveyWaveState(DateTimeOffset Now, IReadOnlyList<SurveyWave> Waves, IReadOnlySet<DateOnly> PublishedMonths)
{
    public SurveyWave? Find(string wave) => Waves.FirstOrDefault(w => w.Name == wave);
}

/// <summary>
/// Survey waves and their closing (docs/metrics.md, "Survey waves"; sql/clickhouse/queries/space/survey_waves.sql).
/// A wave closes <see cref="SpaceOptions.SurveyWaveDays"/> after its first answer, or earlier by hand. A month is
/// published once every wave with answers dated in it is closed: only published months are shown, and nothing
/// dated in one is imported any more, so a figure once shown never changes (an erasure excepted).
/// </summary>
public sealed class SurveyWaves(IClickHouseStore store, SqlFiles sqlFiles, IOptions<MetricOptions> metrics, IOptions<SpaceOptions> space, TimeProvider clock)
{
    private const string Table = "survey_wave_closures";

    /// <summary>The wave of an answer: its survey id, or '@yyyy-MM' (its month) when it has none.</summary>
    public static string WaveOf(string surveyId, DateOnly month) =>
        surveyId.Length > 0 ? surveyId : string.Create(CultureInfo.InvariantCulture, $"@{month:yyyy-MM}");

    public async Task<SurveyWaveState> StateAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var days = SurveyQueries.ValidSpaceOptions(space).SurveyWaveDays;
        var rows = await store.QueryAsync<WaveRow>(sqlFiles.Query("space/survey_waves"), QueryParameters.From(("tz", metrics.Value.TimeZone)), cancellationToken);
        var waves = rows.Select(row =>
        {
            var automatic = row.OpenedAt.AddDays(days);
            var closesAt = row.ClosedAt is { } byHand && byHand < automatic ? byHand : automatic;
            return new SurveyWave(row.Wave, row.OpenedAt, row.Months.Select(m => DateOnly.ParseExact(m, "yyyy-MM-dd", CultureInfo.InvariantCulture)).ToList(),
                closesAt, row.ClosedAt is not null && row.ClosedAt <= automatic);
        }).ToList();
        var published = waves.SelectMany(w => w.Months.Select(month => (month, w))).GroupBy(p => p.month)
            .Where(month => month.All(p => p.w.IsClosed(now))).Select(month => month.Key).ToHashSet();
        return new SurveyWaveState(now, waves, published);
    }

    /// <summary>Closes a stored wave now; false when no answer of that wave is stored. An already closed wave stays as it was.</summary>
    public async Task<SurveyWave?> CloseAsync(string wave, string closedBy, CancellationToken cancellationToken = default)
    {
        var state = await StateAsync(cancellationToken);
        if (state.Find(wave) is not { } found)
        {
            return null;
        }
        if (found.IsClosed(state.Now))
        {
            return found;
        }
        await store.ExecuteAsync($"INSERT INTO {Table} (wave, closed_at, closed_by) SELECT {{wave:String}}, {{at:DateTime64(3, 'UTC')}}, {{by:String}}",
            QueryParameters.From(("wave", wave), ("at", state.Now), ("by", closedBy)), cancellationToken);
        return (await StateAsync(cancellationToken)).Find(wave);
    }

    private sealed record WaveRow(string Wave, DateTimeOffset OpenedAt, string[] Months, DateTimeOffset? ClosedAt);
}
