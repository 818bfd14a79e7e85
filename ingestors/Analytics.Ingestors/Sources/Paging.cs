using System.Globalization;
using System.Runtime.CompilerServices;

namespace Analytics.Ingestors.Sources;

/// <summary>One page of a list: its items, or <see cref="NotModified"/> (and none) when the ETag sent still matched.</summary>
/// <param name="ETag">The page's ETag; for a 304, the ETag that was sent (it still holds).</param>
public sealed record SourcePage<T>(Uri Url, IReadOnlyList<T> Items, string? ETag, bool NotModified = false)
{
    /// <summary>The next page's address as the vendor wrote it (a Link header, a body's <c>next</c>), for <see cref="LinkPaging"/>.</summary>
    public Uri? NextLink { get; init; }

    /// <summary>The token of the next page (Backstage's <c>nextCursor</c>, Jira's <c>nextPageToken</c>), for <see cref="CursorPaging"/>.</summary>
    public string? NextCursor { get; init; }

    /// <summary>Whether the vendor says more items follow (PagerDuty's <c>more</c>, or Jira's <c>total</c> compared), for <see cref="OffsetPaging"/>.</summary>
    public bool? More { get; init; }

    /// <summary>The next page's address by the list's <see cref="IPaging"/> (set by <see cref="Pager"/>); null after the last page.</summary>
    public Uri? Next { get; init; }

    /// <summary>0 for the first page of a list read through <see cref="Pager"/>.</summary>
    public int Index { get; init; }

    public bool IsFirst => Index == 0;
}

/// <summary>How a vendor addresses a list's next page.</summary>
public interface IPaging
{
    /// <summary>The address of the page after <paramref name="page"/>, or null when it is the last.</summary>
    Uri? Next<T>(SourcePage<T> page);
}

/// <summary>The next page is the link the vendor gives (GitHub's and GitLab's Link header).</summary>
public sealed class LinkPaging : IPaging
{
    public static readonly LinkPaging Instance = new();

    public Uri? Next<T>(SourcePage<T> page) => page.NextLink;
}

/// <summary>
/// The next page is the same address with the offset parameter moved past this page's items (Jira Data Center's
/// <c>startAt</c>, PagerDuty's <c>offset</c>). A short or empty page is the last, unless the vendor says otherwise.
/// </summary>
public sealed class OffsetPaging(string offsetParameter, int pageSize) : IPaging
{
    public Uri? Next<T>(SourcePage<T> page)
    {
        if (page.Items.Count == 0 || page.More == false || (page.More is null && page.Items.Count < pageSize))
        {
            return null;
        }
        var offset = long.TryParse(Query.Get(page.Url, offsetParameter), NumberStyles.Integer, CultureInfo.InvariantCulture, out var current) ? current : 0;
        return Query.With(page.Url, offsetParameter, (offset + page.Items.Count).ToString(CultureInfo.InvariantCulture));
    }
}

/// <summary>The next page is the same address with the token the vendor gave for it (Backstage's <c>cursor</c>, Jira Cloud's <c>nextPageToken</c>).</summary>
public sealed class CursorPaging(string cursorParameter) : IPaging
{
    public Uri? Next<T>(SourcePage<T> page) =>
        page.NextCursor is { Length: > 0 } cursor && page.Items.Count > 0 ? Query.With(page.Url, cursorParameter, cursor) : null;
}

/// <summary>Reads a list page by page: the first page conditionally, each page handed over before the next is asked for.</summary>
public static class Pager
{
    /// <summary>
    /// The pages of a list from <paramref name="first"/> on, each asked for by <paramref name="fetch"/> (address,
    /// ETag or null) and the next found by <paramref name="paging"/>. Only the first request is conditional
    /// (<paramref name="etag"/>): if it answers 304, that one page is yielded as not modified and nothing more is
    /// read. The caller stops early by breaking.
    /// </summary>
    public static async IAsyncEnumerable<SourcePage<T>> PagesAsync<T>(
        Uri first, string? etag, IPaging paging, Func<Uri, string?, CancellationToken, Task<SourcePage<T>>> fetch,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Uri? url = first;
        var conditional = etag;
        for (var index = 0; url is not null; index++)
        {
            var page = await fetch(url, conditional, cancellationToken);
            page = page with { Index = index, Next = page.NotModified ? null : paging.Next(page) };
            yield return page;
            if (page.NotModified)
            {
                yield break;
            }
            conditional = null;
            url = page.Next;
        }
    }

    /// <summary>
    /// Hands each page to <paramref name="readPage"/>, which stores its rows and says whether to go on (false once
    /// it reached what an earlier run read), until it stops or the list ends. A first page answered 304 is not handed over.
    /// </summary>
    /// <returns>Whether the first page was not modified, and the first page's ETag (the one sent, for a 304).</returns>
    public static async Task<(bool NotModified, string? ETag)> ReadAsync<T>(IAsyncEnumerable<SourcePage<T>> pages, Func<SourcePage<T>, Task<bool>> readPage)
    {
        (bool NotModified, string? ETag)? first = null;
        await foreach (var page in pages)
        {
            first ??= (page.NotModified, page.ETag);
            if (page.NotModified || !await readPage(page))
            {
                break;
            }
        }
        return first ?? (false, null);
    }

    /// <summary>Every item of every page (a small list: a pull request's reviews, a repository's tags).</summary>
    public static async Task<IReadOnlyList<T>> AllAsync<T>(IAsyncEnumerable<SourcePage<T>> pages)
    {
        var items = new List<T>();
        await foreach (var page in pages)
        {
            items.AddRange(page.Items);
        }
        return items;
    }
}

/// <summary>Query parameters of a page address.</summary>
internal static class Query
{
    public static string? Get(Uri url, string name) =>
        Parameters(url).Where(p => p.Name == name).Select(p => Uri.UnescapeDataString(p.Value)).FirstOrDefault();

    /// <summary><paramref name="url"/> with <paramref name="name"/> set to <paramref name="value"/> (replaced, or added last).</summary>
    public static Uri With(Uri url, string name, string value)
    {
        var parameters = Parameters(url).Where(p => p.Name != name).Select(p => $"{p.Name}={p.Value}")
            .Append($"{name}={Uri.EscapeDataString(value)}");
        return new UriBuilder(url) { Query = string.Join('&', parameters) }.Uri;
    }

    private static IEnumerable<(string Name, string Value)> Parameters(Uri url) =>
        url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .Select(parts => (parts[0], parts.Length > 1 ? parts[1] : ""));
}
