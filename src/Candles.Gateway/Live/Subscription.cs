namespace Candles.Gateway.Live;

/// <summary>
/// One client subscription to a feed: its own message sequence (+1 per message sent), and the coalescing of live
/// updates to at most one per <c>minInterval</c>, the newest state always sent last (a held update goes out when
/// the interval ends). Closes and corrections go at once, and a close drops a held update of the same bar.
/// </summary>
public sealed class Subscription(string idJson, FeedKey key, int history, ClientOutbox outbox, TimeSpan minInterval, TimeProvider time) : IDisposable
{
    private readonly object _gate = new();
    private long _sequence;
    private long _lastLiveSentTicks = long.MinValue;
    private LiveEvent? _held;
    private ITimer? _flush;
    private int _ended;

    public string IdJson { get; } = idJson;

    public FeedKey Key { get; } = key;

    /// <summary>How many closed bars the snapshot holds before the live bar (DESIGN §3: history plus the live bar).</summary>
    public int History { get; } = history;

    public ClientOutbox Outbox { get; } = outbox;

    /// <summary>False once unsubscribed: nothing more is sent for it.</summary>
    public bool Active { get; private set; } = true;

    /// <summary>The feed's stream sequence this subscription is current with; the feed owns it.</summary>
    internal long StreamSequence { get; set; } = long.MinValue;

    /// <summary>True the first time only: the hub ends a subscription once, however many times it is asked to.</summary>
    internal bool TryEnd() => Interlocked.Exchange(ref _ended, 1) == 0;

    /// <summary>Given as each message is sent.</summary>
    internal long NextSequence() => Interlocked.Increment(ref _sequence);

    /// <summary>History plus the live bar; replaces whatever the client had.</summary>
    public void Snapshot(IReadOnlyList<LiveEvent> bars)
    {
        lock (_gate)
        {
            if (!Active)
            {
                return;
            }

            DropHeld();
            Outbox.Enqueue(Outgoing.ForSnapshot(this, bars));
        }
    }

    public void Deliver(LiveEvent e)
    {
        lock (_gate)
        {
            if (!Active)
            {
                return;
            }

            if (!e.IsReplaceable)
            {
                // A close holds everything the live updates of its bar said; a correction is of an older bar.
                if (_held is not null && _held.Bar.T <= e.Bar.T && e.Kind == LiveEventKind.Update)
                {
                    DropHeld();
                }

                Outbox.Enqueue(Outgoing.ForEvent(this, e));
                return;
            }

            var now = time.GetTimestamp();
            var due = _lastLiveSentTicks == long.MinValue ? TimeSpan.Zero : minInterval - time.GetElapsedTime(_lastLiveSentTicks, now);
            if (due <= TimeSpan.Zero)
            {
                // Whatever was held is older than this one: it must not follow it out when its timer fires late.
                DropHeld();
                _lastLiveSentTicks = now;
                Outbox.EnqueueLive(this, e);
                return;
            }

            _held = e;
            _flush ??= time.CreateTimer(_ => FlushHeld(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            _flush.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    private void DropHeld()
    {
        _held = null;
        _flush?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    private void FlushHeld()
    {
        lock (_gate)
        {
            if (_held is null || !Active)
            {
                return;
            }

            _lastLiveSentTicks = time.GetTimestamp();
            Outbox.EnqueueLive(this, _held);
            _held = null;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            Active = false;
            _held = null;
            _flush?.Dispose();
        }
    }
}
