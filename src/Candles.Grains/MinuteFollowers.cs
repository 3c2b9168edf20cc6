using Candles.Abstractions.Grains;
using Candles.Abstractions.Streams;

namespace Candles.Grains;

/// <summary>
/// The timeframe grains that take an instrument's 1m messages straight from its grain, each until its lease
/// (<see cref="ISymbolGrain.FollowerLease"/>, in real time) runs out. Pushed as one-way calls, so no follower
/// holds the instrument up; a follower that misses one recomposes from the next message's versions.
/// </summary>
internal sealed class MinuteFollowers(IGrainFactory grains)
{
    private readonly Dictionary<string, (ITimeframeGrain Grain, long ExpiresMs)> _followers = new(StringComparer.Ordinal);

    public int Count => _followers.Count;

    public void Follow(string timeframeKey) =>
        _followers[timeframeKey] = (grains.GetGrain<ITimeframeGrain>(timeframeKey), Environment.TickCount64 + (long)ISymbolGrain.FollowerLease.TotalMilliseconds);

    public void Unfollow(string timeframeKey) => _followers.Remove(timeframeKey);

    public void Push(BarEvents message)
    {
        if (_followers.Count == 0)
        {
            return;
        }

        var now = Environment.TickCount64;
        List<string>? expired = null;
        foreach (var (key, follower) in _followers)
        {
            if (follower.ExpiresMs < now)
            {
                (expired ??= []).Add(key);
                continue;
            }

            follower.Grain.OnMinutes(message).Ignore();
        }

        expired?.ForEach(key => _followers.Remove(key));
    }
}
