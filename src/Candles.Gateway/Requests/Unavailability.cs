using Candles.Abstractions.Wire;

namespace Candles.Gateway.Requests;

/// <summary>
/// Failures that say "not now" rather than "wrong": a store that could not commit or read, a grain being moved
/// between silos, a silo gone or a call that timed out. They are answered 503 with <c>Retry-After</c> (gRPC
/// <c>UNAVAILABLE</c>), never 500, because the same request will work once the cluster settles.
/// </summary>
public static class Unavailability
{
    /// <summary>Seconds a client should wait before retrying.</summary>
    public const int RetryAfterSeconds = 1;

    /// <summary>
    /// Store clients' "cannot reach the server" failures, by name: the gateway does not reference the store clients,
    /// and an Orleans call passes these through from a grain as they were thrown.
    /// </summary>
    private static readonly HashSet<string?> StoreConnectionFailures =
    [
        "StackExchange.Redis.RedisConnectionException", "StackExchange.Redis.RedisTimeoutException", "Npgsql.NpgsqlException",
    ];

    public static bool IsTransient(Exception? failure)
    {
        for (var ex = failure; ex is not null; ex = ex.InnerException)
        {
            if (ex is InstrumentUnavailableException or SiloUnavailableException or OrleansMessageRejectionException
                or GatewayTooBusyException or TimeoutException || StoreConnectionFailures.Contains(ex.GetType().FullName))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>What the client is told: no stack traces or internal names.</summary>
    public static string Describe(Exception failure) => failure switch
    {
        InstrumentUnavailableException unavailable => unavailable.Message,
        _ when failure.InnerException is InstrumentUnavailableException inner => inner.Message,
        _ => "the cluster is moving this instrument or a store is unreachable; retry",
    };
}
