namespace Candles.Host.Operations;

/// <summary>
/// Cluster mode without PostgreSQL: the sealers' progress is kept in Redis, but the sealed bars only in this process's
/// memory, so a restart loses the days older than the 1m retention for good. Said at start, where an operator looks.
/// </summary>
public sealed partial class InMemorySealedBarsWarning(ILogger<InMemorySealedBarsWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        LogInMemorySealedBars(logger);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Candles:Redis is set without Candles:Postgres: sealed daily, weekly and monthly bars are kept in this process's memory only and lost when it stops, while Redis remembers them as sealed; set Candles:Postgres for a cluster")]
    private static partial void LogInMemorySealedBars(ILogger logger);
}
