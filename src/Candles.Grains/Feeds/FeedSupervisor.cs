using Candles.Abstractions.Grains;
using Candles.Abstractions.Wire;
using Candles.Ingest.Feeds;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Candles.Grains.Feeds;

/// <summary>
/// In every silo: makes sure, every <see cref="FeedOptions.CheckPeriod"/>, that each configured connector's grain is
/// active, which starts it on whichever silo the placement picks. Idempotent, so all silos doing it is harmless.
/// </summary>
internal sealed partial class FeedSupervisor(IGrainFactory grains, IOptions<FeedOptions> options, TimeProvider clock, ILogger<FeedSupervisor> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var shards = FeedPlan.Of(options.Value);
        if (shards.Count == 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.CheckPeriod, clock);
        do
        {
            await Task.WhenAll(shards.Select(shard => EnsureAsync(shard, stoppingToken)));
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private async Task EnsureAsync(FeedShard shard, CancellationToken cancellation)
    {
        try
        {
            await grains.GetGrain<IFeedGrain>(shard.Key).Ensure(new FeedAssignment(shard.Venue, shard.Symbols)).WaitAsync(cancellation);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellation.IsCancellationRequested)
        {
            // The silo is starting, or the cluster is moving the grain: the next check tries again.
            LogEnsureFailed(logger, shard.Key, ex.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not ensure feed connector {Key} now: {Reason}")]
    private static partial void LogEnsureFailed(ILogger logger, string key, string reason);
}
