using Candles.Abstractions.Streams;
using Orleans.Streams;

namespace Candles.Grains;

/// <summary>Explicit subscriptions to an instrument's 1m stream, which the pub-sub store keeps across activations.</summary>
internal static class StreamFollowing
{
    public static IAsyncStream<BarEvents> MinuteStream(this Grain grain, string instrumentId) =>
        grain.GetStreamProvider(CandleStreams.Provider).GetStream<BarEvents>(CandleStreams.Minutes(instrumentId));

    /// <summary>Resumes the subscriptions kept from an earlier activation, or makes the first one.</summary>
    public static async Task FollowAsync(this IAsyncStream<BarEvents> stream, Func<BarEvents, StreamSequenceToken?, Task> onNext)
    {
        var handles = await stream.GetAllSubscriptionHandles();
        if (handles.Count == 0)
        {
            await stream.SubscribeAsync(onNext);
        }

        foreach (var handle in handles)
        {
            await handle.ResumeAsync(onNext);
        }
    }

    public static async Task UnfollowAsync(this IAsyncStream<BarEvents> stream)
    {
        foreach (var handle in await stream.GetAllSubscriptionHandles())
        {
            await handle.UnsubscribeAsync();
        }
    }
}
