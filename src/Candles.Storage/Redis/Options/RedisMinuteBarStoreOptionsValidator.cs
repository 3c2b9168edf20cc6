using Microsoft.Extensions.Options;

namespace Candles.Storage.Redis.Options;

public sealed class RedisMinuteBarStoreOptionsValidator : IValidateOptions<RedisMinuteBarStoreOptions>
{
    public ValidateOptionsResult Validate(string? name, RedisMinuteBarStoreOptions options) =>
        string.IsNullOrWhiteSpace(options.ConnectionString)
            ? ValidateOptionsResult.Fail("Candles:Redis (the Redis connection string) must be set to use the Redis 1m store")
            : ValidateOptionsResult.Success;
}
