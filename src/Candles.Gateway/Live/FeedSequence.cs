namespace Candles.Gateway.Live;

/// <summary>
/// How far a feed has the messages of its timeframe grain, whose sequence rises within one activation: which message
/// is new, whether the grain is a new activation, and whether messages it published never arrived.
/// </summary>
internal sealed class FeedSequence
{
    private long _last = long.MinValue;
    private long _suspected = long.MinValue;
    private int _stalledChecks;

    /// <summary>The newest sequence the grain is known to have sent here.</summary>
    public long SeenThrough { get; private set; } = long.MinValue;

    /// <summary>Whether a message is new; one with the sequence of an earlier one (sent again) is not.</summary>
    public bool Arrived(long sequence)
    {
        if (sequence <= _last)
        {
            return false;
        }

        _last = sequence;
        SeenThrough = Math.Max(SeenThrough, sequence);
        return true;
    }

    /// <summary>What the grain had published when it followed the feed is not expected here.</summary>
    public void Followed(long published) => SeenThrough = Math.Max(SeenThrough, published);

    /// <summary>
    /// Whether the grain's sequence went back: within one activation it only rises, so this is a new one, started on a
    /// silo whose clock is behind the last one's. Its messages would all look old, so everything starts again from it.
    /// </summary>
    public bool WentBack(long published)
    {
        if (published >= SeenThrough)
        {
            return false;
        }

        (_last, SeenThrough) = (long.MinValue, long.MinValue);
        return true;
    }

    /// <summary>
    /// Whether messages the grain published are lost, not merely late on a busy machine: still short of what it had
    /// published two checks ago. Asked at every check; <paramref name="watched"/> is false when nobody subscribes.
    /// </summary>
    public bool Lost(long published, bool watched)
    {
        if (published <= SeenThrough || !watched)
        {
            Resumed();
            return false;
        }

        if (_suspected != long.MinValue && SeenThrough < _suspected && ++_stalledChecks >= 2)
        {
            return true;
        }

        if (_suspected == long.MinValue || SeenThrough >= _suspected)
        {
            (_suspected, _stalledChecks) = (published, 0);
        }

        return false;
    }

    /// <summary>The grain follows the feed anew: nothing is suspected lost.</summary>
    public void Resumed() => (_suspected, _stalledChecks) = (long.MinValue, 0);
}
