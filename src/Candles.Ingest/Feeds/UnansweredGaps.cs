namespace Candles.Ingest.Feeds;

/// <summary>
/// The gaps of one instrument whose REST fetch got no answer from the venue (an error, a timeout, a rate limit): each is
/// fetched again after a wait that doubles from <paramref name="firstWait"/> up to 30 s, until <paramref name="retryFor"/>
/// has passed since its first failure. A piece of a gap left by a partial fill keeps the gap's clock and wait, and is
/// given up with it. Used by one task (the feed's gap loop) only.
/// </summary>
internal sealed class UnansweredGaps(TimeSpan firstWait, TimeSpan retryFor)
{
    private static readonly TimeSpan LongestWait = TimeSpan.FromSeconds(30);

    private readonly List<Entry> _entries = [];

    /// <summary>How long the gap (or the one it was cut from) still waits for its next try; null: it is due.</summary>
    public TimeSpan? WaitLeft(MissingTrades gap, long nowMs) =>
        Find(gap) is { Expired: false } entry && entry.DueMs > nowMs ? TimeSpan.FromMilliseconds(entry.DueMs - nowMs) : null;

    /// <summary>
    /// A fetch of <paramref name="gap"/> got no answer: whether to try again, after how long, and whether it was the gap's
    /// first failure. Not again once the retry time has passed, for the gap and every piece of it, until nothing of it is
    /// missing any more (<see cref="KeepOnly"/>).
    /// </summary>
    public (bool Again, TimeSpan Wait, bool First) Failed(MissingTrades gap, long nowMs)
    {
        var entry = Find(gap);
        var first = entry is null;
        if (entry is null)
        {
            entry = new Entry(gap.FromId, gap.ToId, nowMs);
            _entries.Add(entry);
        }

        // Over: every piece of the gap is given up from now on, none starts a clock of its own.
        if (entry.Expired || nowMs - entry.SinceMs >= retryFor.TotalMilliseconds)
        {
            entry.Expired = true;
            return (false, TimeSpan.Zero, first);
        }

        var wait = TimeSpan.FromTicks(Math.Min(LongestWait.Ticks, (long)(firstWait.Ticks * Math.Pow(2, Math.Min(entry.Attempts, 16)))));
        entry.Attempts++;
        entry.DueMs = nowMs + (long)wait.TotalMilliseconds;
        return (true, wait, first);
    }

    /// <summary>Forgets the gaps of which no piece is missing any more (filled, given up, or held elsewhere).</summary>
    public void KeepOnly(IReadOnlyList<MissingTrades> missing) =>
        _entries.RemoveAll(entry => !missing.Any(gap => entry.FromId <= gap.FromId && gap.ToId <= entry.ToId));

    private Entry? Find(MissingTrades gap) => _entries.Find(entry => entry.FromId <= gap.FromId && gap.ToId <= entry.ToId);

    private sealed class Entry(long fromId, long toId, long sinceMs)
    {
        public long FromId { get; } = fromId;

        public long ToId { get; } = toId;

        public long SinceMs { get; } = sinceMs;

        public int Attempts { get; set; }

        public long DueMs { get; set; }

        public bool Expired { get; set; }
    }
}
