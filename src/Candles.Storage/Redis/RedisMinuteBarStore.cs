using Candles.Core.Bars;
using Candles.Core.Building;
using Candles.Storage.Encoding;
using Candles.Storage.MinuteBars;
using Candles.Storage.Redis.Options;
using StackExchange.Redis;

namespace Candles.Storage.Redis;

/// <summary>
/// 1m bars in Redis: one sorted set per instrument, scored by open time, each member one encoded bar, and
/// the checkpoint in a string beside it. A commit is one script call, so it is atomic, and it touches only
/// the bars written, never the whole history.
/// </summary>
public sealed class RedisMinuteBarStore(IConnectionMultiplexer redis, RedisMinuteBarStoreOptions options) : IMinuteBarStore
{
    // ARGV[1] is the checkpoint ('' for none), then score, bar pairs: each bar replaces the member at its score.
    private const string CommitScript = """
        for i = 2, #ARGV, 2 do
          redis.call('ZREMRANGEBYSCORE', KEYS[1], ARGV[i], ARGV[i])
          redis.call('ZADD', KEYS[1], ARGV[i], ARGV[i + 1])
        end
        if ARGV[1] ~= '' then
          redis.call('SET', KEYS[2], ARGV[1])
        end
        return (#ARGV - 1) / 2
        """;

    public async Task CommitAsync(string instrument, IReadOnlyList<Bar> bars, BuilderCheckpoint? checkpoint, CancellationToken cancellation = default)
    {
        if (bars.Count == 0 && checkpoint is null)
        {
            return;
        }

        var values = new RedisValue[1 + (bars.Count * 2)];
        values[0] = checkpoint is null ? RedisValue.EmptyString : CheckpointCodec.Encode(checkpoint);
        for (var i = 0; i < bars.Count; i++)
        {
            values[1 + (2 * i)] = bars[i].Candle.OpenTimeMs;
            values[2 + (2 * i)] = BarCodec.Encode(bars[i]);
        }

        await Database.ScriptEvaluateAsync(CommitScript, [Key(instrument), CheckpointKey(instrument)], values);
    }

    public async Task<BuilderCheckpoint?> LoadCheckpointAsync(string instrument, CancellationToken cancellation = default)
    {
        var value = await Database.StringGetAsync(CheckpointKey(instrument));
        return value.IsNullOrEmpty ? null : CheckpointCodec.Decode((byte[])value!);
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

    private RedisKey CheckpointKey(string instrument) => $"{options.KeyPrefix}checkpoint:{instrument}";
}
