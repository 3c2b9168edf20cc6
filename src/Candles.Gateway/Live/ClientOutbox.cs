using System.Threading.Channels;

namespace Candles.Gateway.Live;

/// <summary>
/// What one client (a WebSocket connection or a gRPC call) has yet to receive, in order, sent by one writer so
/// nobody else ever waits on this client. Bounded: a live update waiting to be sent is replaced by a newer one of
/// the same subscription (unless a close, correction or snapshot of it was queued after it), and a client still
/// behind is cut off with a reason: when a message has waited longer than <see cref="MaxLag"/> (a replay's burst of
/// closes is taken in time by a client that keeps reading) or more than <see cref="Limit"/> messages wait.
/// </summary>
public sealed class ClientOutbox(int limit, TimeSpan maxLag, TimeProvider time, Func<Outgoing, long, CancellationToken, ValueTask> send)
{
    private readonly LinkedList<Outgoing> _queue = new();
    private readonly Dictionary<Subscription, LinkedListNode<Outgoing>> _queuedLive = [];
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Limit { get; } = limit;

    public TimeSpan MaxLag { get; } = maxLag;

    /// <summary>Set when the client fell too far behind; the transport closes it with this reason.</summary>
    public string? OverflowReason { get; private set; }

    /// <summary>Completes when the outbox takes no more messages: it overflowed, or its writer ended.</summary>
    public Task Stopped => _stopped.Task;

    public int Count
    {
        get
        {
            lock (_queue)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Queues a message that is never replaced; for a subscription, later live updates queue behind it.</summary>
    public void Enqueue(Outgoing message)
    {
        lock (_queue)
        {
            if (OverflowReason is not null || _stopped.Task.IsCompleted)
            {
                return;
            }

            if (message.Subscription is { } subscription)
            {
                _queuedLive.Remove(subscription);
            }

            Add(message);
        }

        StopIfOverflowed();
    }

    /// <summary>Queues a live update, or puts it in place of the one of the same subscription still waiting.</summary>
    public void EnqueueLive(Subscription subscription, LiveEvent e)
    {
        lock (_queue)
        {
            if (OverflowReason is not null || _stopped.Task.IsCompleted)
            {
                return;
            }

            if (_queuedLive.TryGetValue(subscription, out var node))
            {
                node.Value.Event = e;
                LiveMetrics.LiveUpdateReplaced();
                return;
            }

            _queuedLive[subscription] = Add(Outgoing.ForEvent(subscription, e));
        }

        StopIfOverflowed();
    }

    /// <summary>Cuts the client off if its oldest waiting message is older than <see cref="MaxLag"/>; called on a timer, as a stalled client enqueues nothing.</summary>
    public void CheckLag()
    {
        lock (_queue)
        {
            if (OverflowReason is null && _queue.First is { } first && time.GetElapsedTime(first.Value.EnqueuedAt) > MaxLag)
            {
                Overflow();
            }
        }

        StopIfOverflowed();
    }

    /// <summary>Stops the writer after what is queued now is sent.</summary>
    public void Complete() => _signal.Writer.TryComplete();

    /// <summary>
    /// Sends queued messages until completed, overflowed or cancelled. A send under way when the client overflows
    /// is finished, not cut, so the transport can still close the connection with the reason; a send that never
    /// finishes is the transport's to abort.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellation)
    {
        try
        {
            while (await _signal.Reader.WaitToReadAsync(cancellation))
            {
                _signal.Reader.TryRead(out _);
                while (!cancellation.IsCancellationRequested && OverflowReason is null && Next() is { } message)
                {
                    if (message.Subscription is { Active: false })
                    {
                        continue;
                    }

                    await send(message, message.Subscription?.NextSequence() ?? 0, cancellation);
                    if (message.Event is { } sent)
                    {
                        LiveMetrics.Sent(sent.CommittedAtMs, time.GetUtcNow().ToUnixTimeMilliseconds());
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
        }
        finally
        {
            _stopped.TrySetResult();
        }
    }

    /// <summary>Outside the lock: completing runs the writer's continuations.</summary>
    private void StopIfOverflowed()
    {
        if (OverflowReason is not null)
        {
            _signal.Writer.TryComplete();
            _stopped.TrySetResult();
        }
    }

    private Outgoing? Next()
    {
        lock (_queue)
        {
            if (_queue.First is not { } first)
            {
                return null;
            }

            _queue.RemoveFirst();
            if (first.Value.Subscription is { } subscription && _queuedLive.TryGetValue(subscription, out var node) && node == first)
            {
                _queuedLive.Remove(subscription);
            }

            return first.Value;
        }
    }

    private LinkedListNode<Outgoing> Add(Outgoing message)
    {
        message.EnqueuedAt = time.GetTimestamp();
        var node = _queue.AddLast(message);
        if (_queue.Count > Limit || time.GetElapsedTime(_queue.First!.Value.EnqueuedAt, message.EnqueuedAt) > MaxLag)
        {
            Overflow();
        }
        else
        {
            _signal.Writer.TryWrite(true);
        }

        return node;
    }

    private void Overflow()
    {
        var lag = time.GetElapsedTime(_queue.First!.Value.EnqueuedAt);
        OverflowReason = $"client too slow: {_queue.Count} messages waiting, the oldest for {lag.TotalSeconds:0.0} s";
        LiveMetrics.ClientCutOff();
        _queue.Clear();
        _queuedLive.Clear();
    }
}
