using Candles.Core.Bars;
using Candles.Storage.Encoding;
using Candles.Storage.MinuteBars;
using Candles.Storage.Redis.Options;
using StackExchange.Redis;

namespace Candles.Storage.Redis;

/// <summary>
/// 1m bars in Redis: one sorted set per instrument, scored by open time, each member one encoded bar.
/// A write touches only the bars written (replace-by-score in one script call), never the whole history.
/// </summary>
public sealed class RedisMinuteBarStore(IConnectionMultiplexer redis, RedisMinuteBarStoreOptions options) : IMinuteBarStore
{
    // Replaces the member at each score: ARGV holds score, bar pairs.
    private const string UpsertScript = """
        for i = 1, #ARGV, 2 do
          redis.call('ZREMRANGEBYSCORE', KEYS[1], ARGV[i], ARGV[i])
          redis.call('ZADD', KEYS[1], ARGV[i], ARGV[i + 1])
        end
        return #ARGV / 2
        """;

    public async Task UpsertAsync(string instrument, IReadOnlyList<Bar> bars, CancellationToken cancellation = default)
    {
        if (bars.Count == 0)
        {
            return;
        }

        var values = new RedisValue[bars.Count * 2];
        for (var i = 0; i < bars.Count; i++)
        {
            values[2 * i] = bars[i].Candle.OpenTimeMs;
            values[(2 * i) + 1] = BarCodec.Encode(bars[i]);
        }

        await Database.ScriptEvaluateAsync(UpsertScript, [Key(instrument)], values);
    }

    public async Task<IReadOnlyList<Bar>> LoadAsync(string instrument, long fromMs, long toMs, CancellationToken cancellation = default)
    {
        var members = await Database.SortedSetRangeByScoreAsync(Key(instrument), fromMs, toMs, Exclude.Stop);
        return [.. members.Select(m => BarCodec.Decode((byte[])m!))];
    }

    public Task TrimAsync(string instrument, long beforeMs, CancellationToken cancellation = default) =>
        Database.SortedSetRemoveRangeByScoreAsync(Key(instrument), double.NegativeInfinity, beforeMs, Exclude.Stop);

    private IDatabase Database => redis.GetDatabase();

    private RedisKey Key(string instrument) => $"{options.KeyPrefix}1m:{instrument}";
}
