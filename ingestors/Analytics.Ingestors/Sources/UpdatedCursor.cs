namespace Analytics.Ingestors.Sources;

/// <summary>The cursor of a list read by last update, newest first: the newest update time read, and the ids (numbers) read at exactly that time.</summary>
/// <remarks>
/// Items updated at the cursor's time are looked at again (another may have been updated within the same
/// second), but those already read at that time are skipped: re-reading a pull request costs two requests on GitHub, three on GitLab.
/// </remarks>
internal sealed record UpdatedCursor(DateTimeOffset? Updated, List<long>? ReadAtUpdated)
{
    public static bool WasRead(UpdatedCursor? cursor, DateTimeOffset updated, long number) =>
        cursor?.Updated == updated && cursor.ReadAtUpdated?.Contains(number) == true;

    public static UpdatedCursor Advanced(UpdatedCursor? previous, DateTimeOffset? newest, List<long> readAtNewest)
    {
        if (newest is null || newest == previous?.Updated)
        {
            // Nothing newer than last time: what was read at that time still counts as read.
            readAtNewest.AddRange(previous?.ReadAtUpdated ?? []);
        }
        return new UpdatedCursor(newest ?? previous?.Updated, readAtNewest.Distinct().Order().ToList());
    }
}
