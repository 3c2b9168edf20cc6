using Candles.Core.Bars;
using Candles.Core.Building;
using Candles.Storage.Encoding;
using Candles.Storage.MinuteBars;
using Candles.Storage.Redis.Options;
using StackExchange.Redis;

namespace Candles.Storage.Redis;

/// <summary>
/// 1m bars in Redis: one sorted set per instrument, scored by open time, each member one encoded bar, and
/// the checkpoint and the store revision in strings beside it, and the checkpoint's extras in a hash tagged with the
/// revision that wrote them (a silo of an earlier version commits without them, and they are then out of date: not
/// read). A commit is one script call, so it is atomic;
/// it touches only the bars written, never the whole history, and is refused unless the revision is the one
/// the writer expects. An instrument's keys share one hash slot (<c>{instrument}</c> tags), so the scripts run
/// on a sharded Redis (Redis Cluster) too.
/// </summary>
public sealed class RedisMinuteBarStore(IConnectionMultiplexer redis, RedisMinuteBarStoreOptions options) : IMinuteBarStore
{
    // KEYS: bars, checkpoint, revision, extras. ARGV: expected revision, next revision, checkpoint ('' for none), its
    // extras, then score, bar pairs: each bar replaces the member at its score. Returns {1, next} or {0, the revision found}.
    private const string CommitScript = """
        local found = redis.call('GET', KEYS[3]) or ''
        if found ~= ARGV[1] then
          return {0, found}
        end
        for i = 5, #ARGV, 2 do
          redis.call('ZREMRANGEBYSCORE', KEYS[1], ARGV[i], ARGV[i])
          redis.call('ZADD', KEYS[1], ARGV[i], ARGV[i + 1])
        end
        if ARGV[3] ~= '' then
          redis.call('SET', KEYS[2], ARGV[3])
          redis.call('HSET', KEYS[4], 'revision', ARGV[2], 'data', ARGV[4])
        end
        redis.call('SET', KEYS[3], ARGV[2])
        return {1, ARGV[2]}
        """;

    // KEYS: bars, checkpoint, revision, the staged bars, extras. ARGV: expected revision, next revision, checkpoint, its extras.
    private const string SwapScript = """
        local found = redis.call('GET', KEYS[3]) or ''
        if found ~= ARGV[1] then
          redis.call('DEL', KEYS[4])
          return {0, found}
        end
        if redis.call('EXISTS', KEYS[4]) == 1 then
          redis.call('RENAME', KEYS[4], KEYS[1])
          redis.call('PERSIST', KEYS[1])
        else
          redis.call('DEL', KEYS[1])
        end
        redis.call('SET', KEYS[2], ARGV[3])
        redis.call('HSET', KEYS[5], 'revision', ARGV[2], 'data', ARGV[4])
        redis.call('SET', KEYS[3], ARGV[2])
        return {1, ARGV[2]}
        """;

    /// <summary>Bars staged per call while rewriting a history, so no single command carries all of it.</summary>
    private const int RewriteChunk = 500;

    /// <summary>A staged history a writer never swapped in (it died midway) expires after this.</summary>
    private static readonly TimeSpan StagedLifetime = TimeSpan.FromMinutes(10);

    public async Task<CommitResult> CommitAsync(
        string instrument, IReadOnlyList<Bar> bars, BuilderCheckpoint? checkpoint, StoreRevision expected, StoreRevision written, CancellationToken cancellation = default)
    {
        var values = new RedisValue[4 + (bars.Count * 2)];
        values[0] = expected.ToString();
        values[1] = written.ToString();
        values[2] = checkpoint is null ? RedisValue.EmptyString : CheckpointCodec.Encode(checkpoint);
        values[3] = checkpoint is null ? RedisValue.EmptyString : CheckpointCodec.EncodeExtras(checkpoint);
        for (var i = 0; i < bars.Count; i++)
        {
            values[4 + (2 * i)] = bars[i].Candle.OpenTimeMs;
            values[5 + (2 * i)] = BarCodec.Encode(bars[i]);
        }

        var keys = Keys(instrument);
        return Result(await Database.ScriptEvaluateAsync(CommitScript, [keys.Bars, keys.Checkpoint, keys.Revision, keys.Extras], values));
    }

    public async Task<CommitResult> RewriteAsync(
        string instrument, IReadOnlyList<Bar> bars, BuilderCheckpoint checkpoint, StoreRevision expected, StoreRevision written, CancellationToken cancellation = default)
    {
        // Staged under the revision being written, so two writers rewriting at once never mix their bars.
        var keys = Keys(instrument);
        RedisKey staged = $"{keys.Staged}:{written}";
        var database = Database;
        await database.KeyDeleteAsync(staged);
        foreach (var chunk in bars.Chunk(RewriteChunk))
        {
            var entries = chunk.Select(b => new SortedSetEntry(BarCodec.Encode(b), b.Candle.OpenTimeMs)).ToArray();
            await database.SortedSetAddAsync(staged, entries);
            await database.KeyExpireAsync(staged, StagedLifetime);
        }

        var result = await database.ScriptEvaluateAsync(
            SwapScript,
            [keys.Bars, keys.Checkpoint, keys.Revision, staged, keys.Extras],
            [expected.ToString(), written.ToString(), CheckpointCodec.Encode(checkpoint), CheckpointCodec.EncodeExtras(checkpoint)]);
        return Result(result);
    }

    public async Task<StoredHistory> LoadHistoryAsync(string instrument, CancellationToken cancellation = default)
    {
        var keys = Keys(instrument);
        var history = await ReadHistoryAsync(keys);
        if (history.Stored.Checkpoint is null && await MoveUntaggedKeysAsync(instrument, keys))
        {
            history = await ReadHistoryAsync(keys);
        }

        return history;
    }

    /// <summary>The checkpoint, its extras, revision and bars in one MULTI/EXEC: no commit can land between the reads.</summary>
    private async Task<StoredHistory> ReadHistoryAsync(InstrumentKeys keys)
    {
        var transaction = Database.CreateTransaction();
        var values = transaction.StringGetAsync([keys.Checkpoint, keys.Revision]);
        var extras = transaction.HashGetAsync(keys.Extras, ["revision", "data"]);
        var members = transaction.SortedSetRangeByScoreAsync(keys.Bars);
        if (!await transaction.ExecuteAsync())
        {
            throw new InvalidOperationException($"the history read of {keys.Bars} was not executed");
        }

        var (encoded, revision) = ((await values)[0], (await values)[1]);
        var checkpoint = encoded.IsNullOrEmpty ? null : CheckpointCodec.Decode((byte[])encoded!);
        if (checkpoint is not null && (await extras) is [var extrasRevision, var data] && !extrasRevision.IsNull && extrasRevision == revision)
        {
            try
            {
                checkpoint = CheckpointCodec.WithExtras(checkpoint, (byte[])data!);
            }
            catch (FormatException)
            {
                // The extras only sharpen what a restore would assume without them: unreadable ones are not a reason to refuse the history.
            }
        }

        return new StoredHistory(new StoredCheckpoint(checkpoint, StoreRevision.Parse(revision)), [.. (await members).Select(m => BarCodec.Decode((byte[])m!))]);
    }

    public async Task<IReadOnlyList<Bar>> LoadAsync(string instrument, long fromMs, long toMs, CancellationToken cancellation = default)
    {
        var members = await Database.SortedSetRangeByScoreAsync(Keys(instrument).Bars, fromMs, toMs, Exclude.Stop);
        return [.. members.Select(m => BarCodec.Decode((byte[])m!))];
    }

    public Task TrimAsync(string instrument, long beforeMs, CancellationToken cancellation = default) =>
        Database.SortedSetRemoveRangeByScoreAsync(Keys(instrument).Bars, double.NegativeInfinity, beforeMs, Exclude.Stop);

    private IDatabase Database => redis.GetDatabase();

    /// <summary>
    /// Versions before the hash tags kept an instrument's bars and checkpoint under <c>1m:ID</c> and
    /// <c>checkpoint:ID</c>: each such key is renamed to its tagged name once, when the instrument is first restored,
    /// so an upgrade keeps the history and the applied trade ids. (On a sharded Redis the old keys sit in other
    /// slots and cannot be renamed; such a deployment did not exist, since the old commit script could not run there.)
    /// </summary>
    private async Task<bool> MoveUntaggedKeysAsync(string instrument, InstrumentKeys keys)
    {
        var moved = false;
        foreach (var (old, tagged) in new (RedisKey, RedisKey)[] { ($"{options.KeyPrefix}1m:{instrument}", keys.Bars), ($"{options.KeyPrefix}checkpoint:{instrument}", keys.Checkpoint) })
        {
            if (await Database.KeyExistsAsync(old))
            {
                moved |= await Database.KeyRenameAsync(old, tagged, When.NotExists);
            }
        }

        return moved;
    }

    /// <summary>The instrument's keys, all tagged with <c>{instrument}</c> so they hash to one slot.</summary>
    public InstrumentKeys Keys(string instrument)
    {
        var tag = $"{{{instrument}}}";
        return new InstrumentKeys(
            $"{options.KeyPrefix}1m:{tag}", $"{options.KeyPrefix}checkpoint:{tag}", $"{options.KeyPrefix}revision:{tag}", $"{options.KeyPrefix}1m-staged:{tag}",
            $"{options.KeyPrefix}checkpoint-extras:{tag}");
    }

    private static CommitResult Result(RedisResult result)
    {
        var parts = (RedisResult[])result!;
        var revision = StoreRevision.Parse((string?)parts[1]);
        return (long)parts[0] == 1 ? CommitResult.Done(revision) : CommitResult.Conflict(revision);
    }

    public sealed record InstrumentKeys(RedisKey Bars, RedisKey Checkpoint, RedisKey Revision, RedisKey Staged, RedisKey Extras);
}
