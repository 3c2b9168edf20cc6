namespace Candles.Host.Operations;

/// <summary>
/// When to give the system back what the collector holds beyond the live heap: after a burst (a replay, a backfill)
/// the collector keeps the memory its garbage needed, several times the history it left behind, and a node holding
/// thousands of instruments pays for that in resident memory. The memory is released when, at a check, more than
/// <see cref="MinimumUnusedBytes"/> and more than a quarter of the live heap is committed but unused (so the collection,
/// whose cost follows the live heap, frees at least a quarter as much), the process allocated less than a quarter of that since
/// the last check (the burst is over), and the last release is <see cref="MinimumInterval"/> old: steady trading, which
/// allocates all the time, pays for such a collection at most that often.
/// </summary>
public sealed class MemoryRelease
{
    /// <summary>Below this much unused committed memory nothing is worth a full compacting collection.</summary>
    public const long MinimumUnusedBytes = 32L << 20;

    /// <summary>The shortest time between two releases.</summary>
    public static readonly TimeSpan MinimumInterval = TimeSpan.FromMinutes(5);

    private long _allocatedAtLastCheck = -1;
    private TimeSpan? _lastRelease;

    /// <param name="committedBytes">What the collector has committed (<see cref="GCMemoryInfo.TotalCommittedBytes"/>).</param>
    /// <param name="liveBytes">What the last collection kept: <see cref="GCMemoryInfo.HeapSizeBytes"/> less <see cref="GCMemoryInfo.FragmentedBytes"/>.</param>
    /// <param name="allocatedBytes">Everything allocated since the process started (<see cref="GC.GetTotalAllocatedBytes"/>).</param>
    /// <param name="now">A monotonic clock reading.</param>
    /// <returns>True when a compacting collection that decommits should run now; it counts as done.</returns>
    public bool ShouldRelease(long committedBytes, long liveBytes, long allocatedBytes, TimeSpan now)
    {
        var since = _allocatedAtLastCheck < 0 ? long.MaxValue : allocatedBytes - _allocatedAtLastCheck;
        _allocatedAtLastCheck = allocatedBytes;
        var unused = committedBytes - liveBytes;
        var release = unused > MinimumUnusedBytes && unused > liveBytes / 4 && since < unused / 4 && !(now - _lastRelease < MinimumInterval);
        _lastRelease = release ? now : _lastRelease;
        return release;
    }
}
