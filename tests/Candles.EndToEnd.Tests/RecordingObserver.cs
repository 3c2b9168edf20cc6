using System.Collections.Concurrent;
using Candles.Abstractions.Grains;
using Candles.Abstractions.Streams;

namespace Candles.EndToEnd.Tests;

/// <summary>Follows a timeframe grain as a gateway's feed does, keeping every message it pushes.</summary>
public sealed class RecordingObserver : ILiveBarsObserver
{
    public ConcurrentQueue<BarEvents> Messages { get; } = new();

    public Task OnBars(BarEvents message)
    {
        Messages.Enqueue(message);
        return Task.CompletedTask;
    }
}
