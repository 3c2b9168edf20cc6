using System.Collections.Concurrent;
using Candles.Abstractions.Grains;
using Candles.Abstractions.Streams;

namespace Candles.EndToEnd.Tests;

/// <summary>Follows a timeframe grain as a gateway's feed does, keeping every message it pushes; disposing drops the follow.</summary>
public sealed class RecordingObserver : ILiveBarsObserver, IDisposable
{
    private IClusterClient? _client;
    private ILiveBarsObserver? _reference;

    public ConcurrentQueue<BarEvents> Messages { get; } = new();

    /// <summary>A new observer following <paramref name="grain"/> through <paramref name="client"/>.</summary>
    public static async Task<RecordingObserver> FollowAsync(IClusterClient client, ITimeframeGrain grain)
    {
        var observer = new RecordingObserver { _client = client };
        observer._reference = client.CreateObjectReference<ILiveBarsObserver>(observer);
        await grain.Follow(observer._reference);
        return observer;
    }

    public Task OnBars(BarEvents message)
    {
        Messages.Enqueue(message);
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        if (_client is not null && _reference is not null)
        {
            _client.DeleteObjectReference<ILiveBarsObserver>(_reference);
        }
    }
}
