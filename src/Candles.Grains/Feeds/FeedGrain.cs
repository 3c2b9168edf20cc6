using Candles.Abstractions.Grains;
using Candles.Abstractions.Wire;
using Microsoft.Extensions.Logging;
using Orleans.Runtime.Placement;

namespace Candles.Grains.Feeds;

/// <summary>
/// Holds one feed connector to a silo: started by <see cref="Ensure"/>, stopped when the activation ends
/// (the silo shuts down, or a duplicate activation of a membership change is dropped). Spread over the silos
/// so that the A and B replicas of a shard run on different ones where there are two: a connector placed while
/// its silo was alone moves when the cluster grows, and starts again on the silo it belongs on.
/// </summary>
[KeepAlive]
[FeedSpreadPlacement]
public sealed partial class FeedGrain(
    FeedConnectors connectors, IClusterMembershipService membership, IClusterManifestProvider manifests, ILocalSiloDetails silo, ILogger<FeedGrain> logger)
    : Grain, IFeedGrain
{
    /// <summary>A connector stays at least this long where it was placed, so views of the membership that differ for a moment cannot bounce it.</summary>
    private static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(10);

    private readonly long _activatedMs = Environment.TickCount64;

    public async Task Ensure(FeedAssignment assignment)
    {
        var key = this.GetPrimaryKeyString();
        var candidates = FeedSpreadPlacement.Candidates(membership, manifests.Current.Silos.Keys);
        if (Environment.TickCount64 - _activatedMs > SettleTime.TotalMilliseconds
            && FeedSpreadPlacement.Choose(key, candidates) is { } home && home != silo.SiloAddress)
        {
            // Moved by the silo that holds it, to the silo it names: a plain deactivation would leave the new home to
            // whichever silo calls next, whose view of the cluster may still place it here.
            LogMoving(logger, key, silo.SiloAddress, home);
            await connectors.StopAsync(key);
            RequestContext.Set(IPlacementDirector.PlacementHintKey, home);
            MigrateOnIdle();
            return;
        }

        connectors.Ensure(key, assignment);
    }

    public Task<FeedStatus?> GetStatus() =>
        Task.FromResult(connectors.Status(this.GetPrimaryKeyString()) is { } status ? status with { Silo = silo.SiloAddress.ToString() } : null);

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) =>
        connectors.StopAsync(this.GetPrimaryKeyString());

    [LoggerMessage(Level = LogLevel.Information, Message = "Feed connector {Key} moves from {Silo} to {Home}")]
    private static partial void LogMoving(ILogger logger, string key, SiloAddress silo, SiloAddress home);
}
