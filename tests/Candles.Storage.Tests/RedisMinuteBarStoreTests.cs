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
        var store = Store;
        var instrument = "TEST:REDISKEYS";
        await store.CommitAsync(instrument, [MinuteBar(1_000_000_020_000, 5), MinuteBar(1_000_000_080_000, 6)], null);
        var key = (RedisKey)$"candles:1m:{instrument}";
        Assert.Equal(2, await redis.Connection.GetDatabase().SortedSetLengthAsync(key));
        await store.CommitAsync(instrument, [MinuteBar(1_000_000_080_000, 6, revision: 1)], null);
        Assert.Equal(2, await redis.Connection.GetDatabase().SortedSetLengthAsync(key));
    }
}
