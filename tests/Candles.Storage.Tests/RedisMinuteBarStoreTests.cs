using Candles.Storage.MinuteBars;
using Candles.Storage.Redis;
using Candles.Storage.Redis.Options;
using Candles.Testing;
using StackExchange.Redis;

namespace Candles.Storage.Tests;

/// <summary>A real redis-server for the Redis half of the contract suite.</summary>
public sealed class RedisFixture : IDisposable
{
    public RedisFixture() => Connection = ConnectionMultiplexer.Connect(Server.ConnectionString);

    public RedisServer Server { get; } = new();

    public IConnectionMultiplexer Connection { get; }

    public void Dispose()
    {
        Connection.Dispose();
        Server.Dispose();
    }
}

public class RedisMinuteBarStoreTests(RedisFixture redis) : MinuteBarStoreContract, IClassFixture<RedisFixture>
{
    protected override IMinuteBarStore Store { get; } = new RedisMinuteBarStore(redis.Connection, new RedisMinuteBarStoreOptions { ConnectionString = redis.Server.ConnectionString });

    [Fact]
    public async Task AWriteTouchesOnlyTheBarsWritten()
    {
        var store = new RedisMinuteBarStore(redis.Connection, new RedisMinuteBarStoreOptions { ConnectionString = redis.Server.ConnectionString });
        var instrument = "TEST:REDISKEYS";
        var (first, second) = (StoreRevision.None.Next("w"), StoreRevision.None.Next("w").Next("w"));
        await store.CommitAsync(instrument, [MinuteBar(1_000_000_020_000, 5), MinuteBar(1_000_000_080_000, 6)], null, StoreRevision.None, first);
        var key = (RedisKey)$"candles:1m:{{{instrument}}}";
        Assert.Equal(2, await redis.Connection.GetDatabase().SortedSetLengthAsync(key));
        await store.CommitAsync(instrument, [MinuteBar(1_000_000_080_000, 6, revision: 1)], null, first, second);
        Assert.Equal(2, await redis.Connection.GetDatabase().SortedSetLengthAsync(key));
    }

    [Fact]
    public async Task AHistoryStoredUnderTheOldUntaggedKeysIsMovedOnFirstRestore()
    {
        var store = new RedisMinuteBarStore(redis.Connection, new RedisMinuteBarStoreOptions { ConnectionString = redis.Server.ConnectionString });
        var instrument = "TEST:UPGRADE";
        var database = redis.Connection.GetDatabase();
        var bar = MinuteBar(1_000_000_020_000, 5);
        await database.SortedSetAddAsync($"candles:1m:{instrument}", Storage.Encoding.BarCodec.Encode(bar), bar.Candle.OpenTimeMs);
        await database.StringSetAsync($"candles:checkpoint:{instrument}", Storage.Encoding.CheckpointCodec.Encode(new Core.Building.BuilderCheckpoint(7, [(1, 9)], null)));

        var stored = (await store.LoadHistoryAsync(instrument)).Stored;
        Assert.Equal((7L, StoreRevision.None), (stored.Checkpoint!.WatermarkUs, stored.Revision));
        Assert.Equal([bar.Candle], (await store.LoadAsync(instrument, long.MinValue, long.MaxValue)).Select(b => b.Candle));
        Assert.False(await database.KeyExistsAsync($"candles:1m:{instrument}"));
        Assert.True((await store.CommitAsync(instrument, [], stored.Checkpoint, StoreRevision.None, StoreRevision.None.Next("w"))).Committed);
    }

    [Fact]
    public async Task ACheckpointsExtrasAreKeptApartAndReadOnlyWithTheCommitThatWroteThem()
    {
        // A silo of an earlier version reads the checkpoint as it always did (the extras are not in it), and a commit of
        // such a silo, which leaves the extras as they were, makes them out of date: they are not read then.
        var store = new RedisMinuteBarStore(redis.Connection, new RedisMinuteBarStoreOptions { ConnectionString = redis.Server.ConnectionString });
        var instrument = "TEST:EXTRAS";
        var database = redis.Connection.GetDatabase();
        var checkpoint = new Core.Building.BuilderCheckpoint(7, [(1, 9)], null, 1_000_000_000_000, [(1_000_000_000_000, 1_000_000_240_000)]);
        var first = StoreRevision.None.Next("new");
        Assert.True((await store.CommitAsync(instrument, [MinuteBar(1_000_000_020_000, 5)], checkpoint, StoreRevision.None, first)).Committed);

        var stored = (await store.LoadHistoryAsync(instrument)).Stored.Checkpoint!;
        Assert.Equal(1_000_000_000_000L, stored.TrimmedThroughMs);
        Assert.Equal([(1_000_000_000_000L, 1_000_000_240_000L)], stored.KeptDays!);
        var plain = checkpoint with { TrimmedThroughMs = null, KeptDays = null };
        Assert.Equal(Storage.Encoding.CheckpointCodec.Encode(plain), (byte[])(await database.StringGetAsync(store.Keys(instrument).Checkpoint))!);

        // A rewrite (the store had lost writes) carries them too.
        var rewritten = first.Next("new");
        Assert.True((await store.RewriteAsync(instrument, [MinuteBar(1_000_000_020_000, 5)], checkpoint with { KeptDays = [] }, first, rewritten)).Committed);
        stored = (await store.LoadHistoryAsync(instrument)).Stored.Checkpoint!;
        Assert.Equal(1_000_000_000_000L, stored.TrimmedThroughMs);
        Assert.Empty(stored.KeptDays!);

        // Unreadable extras are passed over, not a reason to refuse the history.
        await database.HashSetAsync(store.Keys(instrument).Extras, "data", new byte[] { 1, 2, 3 });
        stored = (await store.LoadHistoryAsync(instrument)).Stored.Checkpoint!;
        Assert.Equal(7L, stored.WatermarkUs);
        Assert.Null(stored.TrimmedThroughMs);

        // An earlier version's commit: the checkpoint and the revision, nothing else.
        await database.StringSetAsync(store.Keys(instrument).Checkpoint, Storage.Encoding.CheckpointCodec.Encode(plain with { WatermarkUs = 8 }));
        await database.StringSetAsync(store.Keys(instrument).Revision, rewritten.Next("old").ToString());
        stored = (await store.LoadHistoryAsync(instrument)).Stored.Checkpoint!;
        Assert.Equal(8L, stored.WatermarkUs);
        Assert.Null(stored.TrimmedThroughMs);
        Assert.Null(stored.KeptDays);
    }

    [Fact]
    public async Task AStagedRewriteLeavesNoKeyBehind()
    {
        var store = new RedisMinuteBarStore(redis.Connection, new RedisMinuteBarStoreOptions { ConnectionString = redis.Server.ConnectionString });
        var instrument = "TEST:STAGED";
        var written = StoreRevision.None.Next("w");
        Assert.True((await store.RewriteAsync(instrument, [MinuteBar(1_000_000_020_000, 5)], new Core.Building.BuilderCheckpoint(1, [], null), StoreRevision.None, written)).Committed);
        var keys = redis.Server.RedisCli("--scan", "--pattern", "candles:*STAGED*");
        Assert.Equal(["candles:1m:{TEST:STAGED}", "candles:checkpoint-extras:{TEST:STAGED}", "candles:checkpoint:{TEST:STAGED}", "candles:revision:{TEST:STAGED}"], keys.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
        Assert.Null(await redis.Connection.GetDatabase().KeyTimeToLiveAsync(store.Keys(instrument).Bars));
    }

    [Fact]
    public async Task CommitsAndRewritesRunOnARedisCluster()
    {
        // One node owning all 16384 slots: a script whose keys span slots fails with CROSSSLOT here, as on a sharded Redis.
        using var server = new RedisServer(cluster: true);
        using var connection = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString);
        var store = new RedisMinuteBarStore(connection, new RedisMinuteBarStoreOptions { ConnectionString = server.ConnectionString });
        var instrument = "BINANCE:BTCUSDT";
        var keys = store.Keys(instrument);
        Assert.Single(new[] { keys.Bars, keys.Checkpoint, keys.Revision, keys.Staged, keys.Extras }.Select(k => connection.HashSlot(k)).Distinct());

        var first = StoreRevision.None.Next("w");
        var checkpoint = new Core.Building.BuilderCheckpoint(5, [(1, 2)], null);
        Assert.True((await store.CommitAsync(instrument, [MinuteBar(1_000_000_020_000, 5)], checkpoint, StoreRevision.None, first)).Committed);
        Assert.True((await store.RewriteAsync(instrument, [MinuteBar(1_000_000_080_000, 6)], checkpoint, first, first.Next("w"))).Committed);
        Assert.Equal([1_000_000_080_000L], (await store.LoadAsync(instrument, long.MinValue, long.MaxValue)).Select(b => b.Candle.OpenTimeMs));
        Assert.Equal(first.Next("w"), ((await store.LoadHistoryAsync(instrument)).Stored).Revision);
    }
}
