namespace Candles.Storage.Redis.Options;

/// <summary>Where the Redis 1m store lives: section <c>Candles:Redis</c>, or the connection string <c>Candles__Redis</c>.</summary>
public sealed class RedisMinuteBarStoreOptions
{
    /// <summary>A StackExchange.Redis configuration string, e.g. <c>127.0.0.1:6379</c>.</summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>Prefix of every key, so several deployments can share one Redis.</summary>
    public string KeyPrefix { get; set; } = "candles:";
}
