namespace Candles.Abstractions.Wire;

/// <summary>
/// Times an instrument is known to miss trades in (a feed gap its venue could not fill): disjoint half-open
/// spans <c>[StartsMs[i], EndsMs[i])</c>, ascending, whole minutes. A bar overlapping one is not complete,
/// whatever its timeframe.
/// </summary>
[GenerateSerializer, Immutable, Alias("candles.IncompleteSpans")]
public sealed record IncompleteSpans(
    [property: Id(0)] IReadOnlyList<long> StartsMs,
    [property: Id(1)] IReadOnlyList<long> EndsMs)
{
    /// <summary>The most spans kept; past it the oldest are forgotten (they are far older than any retention).</summary>
    public const int MaxSpans = 4096;

    public static IncompleteSpans None { get; } = new([], []);

    public int Count => StartsMs.Count;

    /// <summary>Whether [<paramref name="startMs"/>, <paramref name="endMs"/>) overlaps a span.</summary>
    public bool Overlaps(long startMs, long endMs)
    {
        // The first span ending after the start: it overlaps if it starts before the end.
        int low = 0, high = EndsMs.Count;
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (EndsMs[middle] <= startMs)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low < StartsMs.Count && StartsMs[low] < endMs;
    }

    /// <summary>These spans and the minutes from the one holding <paramref name="fromUs"/> through the one holding <paramref name="toUs"/>.</summary>
    public IncompleteSpans WithMinutes(long fromUs, long toUs)
    {
        var (startMs, endMs) = MinutesOf(fromUs, toUs);
        return Merged([.. StartsMs.Zip(EndsMs), (startMs, endMs)]);
    }

    /// <summary>The minutes in these spans or in <paramref name="other"/>'s.</summary>
    public IncompleteSpans Union(IncompleteSpans other) => Merged([.. StartsMs.Zip(EndsMs), .. other.StartsMs.Zip(other.EndsMs)]);

    /// <summary>
    /// These spans and the <paramref name="periods"/>, all of them: for a page, where a period known from elsewhere (a
    /// day sealed as partial) must not be forgotten past <see cref="MaxSpans"/>.
    /// </summary>
    public IncompleteSpans WithPeriods(IEnumerable<(long StartMs, long EndMs)> periods) =>
        Merged([.. StartsMs.Zip(EndsMs), .. periods], int.MaxValue);

    private static IncompleteSpans Merged(List<(long Start, long End)> spans, int maxSpans = MaxSpans)
    {
        spans.Sort();
        List<long> starts = [], ends = [];
        foreach (var (start, end) in spans)
        {
            if (ends.Count > 0 && start <= ends[^1])
            {
                ends[^1] = Math.Max(ends[^1], end);
            }
            else
            {
                starts.Add(start);
                ends.Add(end);
            }
        }

        // Arrays, not a collection expression's list: grain storage writes the type it holds, and the compiler's own list
        // type is one it refuses to read back, which left an instrument with a mark unable to start again.
        var skip = Math.Max(0, starts.Count - maxSpans);
        return new IncompleteSpans(starts.Skip(skip).ToArray(), ends.Skip(skip).ToArray());
    }

    /// <summary>The whole minutes from the one holding <paramref name="fromUs"/> through the one holding <paramref name="toUs"/>, half-open.</summary>
    public static (long StartMs, long EndMs) MinutesOf(long fromUs, long toUs) =>
        (MinuteOf(Math.Min(fromUs, toUs)), MinuteOf(Math.Max(fromUs, toUs)) + 60_000);

    public bool SameAs(IncompleteSpans other) => StartsMs.SequenceEqual(other.StartsMs) && EndsMs.SequenceEqual(other.EndsMs);

    private static long MinuteOf(long timeUs) => Math.DivRem(timeUs, 60_000_000, out var rest) * 60_000 - (rest < 0 ? 60_000 : 0);
}
