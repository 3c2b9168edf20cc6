using Candles.Storage.MinuteBars;
using Candles.Storage.Redis.Options;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Candles.Storage.Redis.Hosting;

public static class RedisStorageServiceCollectionExtensions
{
    /// <summary>The Redis 1m store, sharing one multiplexer (registered here if none is).</summary>
    public static IServiceCollection AddRedisMinuteBarStore(this IServiceCollection services, Action<RedisMinuteBarStoreOptions> configure)
    {
        services.AddOptions<RedisMinuteBarStoreOptions>().Configure(configure).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RedisMinuteBarStoreOptions>, RedisMinuteBarStoreOptionsValidator>();
        services.TryAddSingleton<IConnectionMultiplexer>(sp =>
            ConnectionMultiplexer.Connect(sp.GetRequiredService<IOptions<RedisMinuteBarStoreOptions>>().Value.ConnectionString));
        services.AddSingleton<IMinuteBarStore>(sp =>
            new RedisMinuteBarStore(sp.GetRequiredService<IConnectionMultiplexer>(), sp.GetRequiredService<IOptions<RedisMinuteBarStoreOptions>>().Value));
        return services;
    }

    /// <summary>The embedded mode's in-process store.</summary>
    public static IServiceCollection AddInMemoryMinuteBarStore(this IServiceCollection services)
    {
        services.TryAddSingleton<IMinuteBarStore, InMemoryMinuteBarStore>();
        return services;
    }
}
