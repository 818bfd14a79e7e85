using Analytics.Storage.Catalog;

namespace Analytics.Web.Utils;

/// <summary>Where an annotation goes on a chart of buckets (days, weeks, months): the bucket holding its first day in the chart.</summary>
public static class AnnotationMarks
{
    /// <summary>
    /// Each annotation with the index of the bucket it is marked at: the bucket holding its first day, or the chart's first
    /// bucket when it began before the chart (a range running into it). Buckets are in order; the last runs to
    /// <paramref name="end"/> (exclusive). Annotations outside [first bucket, end) are left out.
    /// </summary>
    public static IReadOnlyList<(AnnotationEntry Annotation, int Bucket)> Place(IReadOnlyList<DateOnly> buckets, DateOnly end, IEnumerable<AnnotationEntry> annotations)
    {
        if (buckets.Count == 0)
        {
            return [];
        }
        var marks = new List<(AnnotationEntry, int)>();
        foreach (var annotation in annotations.Where(a => a.Overlaps(buckets[0], end.AddDays(-1))))
        {
            var day = annotation.From < buckets[0] ? buckets[0] : annotation.From;
            var index = buckets.Count - 1;
            while (index > 0 && buckets[index] > day)
            {
                index--;
            }
            marks.Add((annotation, index));
        }
        return marks;
    }

    /// <summary>The text drawn beside a mark: "2026-10-05 template release: checkout template 2.0".</summary>
    public static string Label(AnnotationEntry annotation) => $"{annotation.Dates} {annotation.KindText}: {annotation.Text}";
}
