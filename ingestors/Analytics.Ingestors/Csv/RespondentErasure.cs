using Analytics.Storage.ClickHouse;
using Analytics.Storage.Metrics;

namespace Analytics.Ingestors.Csv;

/// <summary>What an erasure removed: answers (as shown, one per survey, question and respondent) in how many waves.</summary>
public sealed record ErasureResult(long Answers, int Waves);

/// <summary>
/// <c>analytics surveys erase</c>: removes every answer of one person. Nothing stored names them, so their hash is
/// worked out again for every stored wave (<see cref="RespondentHasher"/>) and the rows with those hashes are deleted.
/// Only waves hashed with the current secret are found (docs/security.md, "Survey key").
/// </summary>
public sealed class RespondentErasure(IClickHouseStore store, RespondentHasher hasher, SurveyWaves waves)
{
    public async Task<ErasureResult> EraseAsync(string respondentId, CancellationToken cancellationToken = default)
    {
        if (hasher.Problem is { } problem)
        {
            throw new InvalidOperationException(problem);
        }
        var state = await waves.StateAsync(cancellationToken);
        var hashes = state.Waves.Select(wave => hasher.Hash(respondentId, wave.Name)).ToArray();
        var parameters = QueryParameters.From(("hashes", hashes));
        var found = await store.QueryAsync<WaveCount>(
            "SELECT respondent_hash, count() AS answers FROM survey_responses FINAL WHERE has({hashes:Array(String)}, respondent_hash) GROUP BY respondent_hash",
            parameters, cancellationToken);
        if (found.Count > 0)
        {
            // Every physical row, replaced versions too; waits for the deletion so the next read sees none.
            await store.ExecuteAsync(
                "ALTER TABLE survey_responses DELETE WHERE has({hashes:Array(String)}, respondent_hash) SETTINGS mutations_sync = 2",
                parameters, cancellationToken);
        }
        return new ErasureResult(found.Sum(f => f.Answers), found.Count);
    }

    // One hash per wave: a row per wave the person answered in.
    private sealed record WaveCount(string RespondentHash, long Answers);
}
