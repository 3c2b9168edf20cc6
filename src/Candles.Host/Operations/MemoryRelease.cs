namespace Candles.Host.Operations;

/// <summary>
/// When to give the system back what the collector holds beyond the live heap: after a burst (a replay, a backfill)
/// the collector keeps the memory its garbage needed, several times the history it left behind, and a node holding
/// thousands of instruments pays for that in resident memory. The memory is released when, at a check, more than
/// <see cref="MinimumUnusedBytes"/> and more than half the live heap is committed but unused (so the collection, whose
/// cost follows the live heap, frees at least half as much), and the process allocated less than an eighth of that
/// since the last check: the burst is over, so the collection pays once, and steady trading (which allocates all the
/// time and settles its own budgets) does not trigger it.
/// </summary>
public sealed class MemoryRelease
{
    /// <summary>Below this much unused committed memory nothing is worth a full compacting collection.</summary>
    public const long MinimumUnusedBytes = 64L << 20;

    private long _allocatedAtLastCheck = -1;

    /// <param name="committedBytes">What the collector has committed (<see cref="GCMemoryInfo.TotalCommittedBytes"/>).</param>
    /// <param name="liveBytes">What the last collection kept: <see cref="GCMemoryInfo.HeapSizeBytes"/> less <see cref="GCMemoryInfo.FragmentedBytes"/>.</param>
    /// <param name="allocatedBytes">Everything allocated since the process started (<see cref="GC.GetTotalAllocatedBytes"/>).</param>
    /// <returns>True when a compacting collection that decommits should run now.</returns>
    public bool ShouldRelease(long committedBytes, long liveBytes, long allocatedBytes)
    {
        var since = _allocatedAtLastCheck < 0 ? long.MaxValue : allocatedBytes - _allocatedAtLastCheck;
        _allocatedAtLastCheck = allocatedBytes;
        var unused = committedBytes - liveBytes;
        return unused > MinimumUnusedBytes && unused > liveBytes / 2 && since < unused / 8;
    }
}
