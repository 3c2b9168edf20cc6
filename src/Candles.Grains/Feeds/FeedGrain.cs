using Candles.Abstractions.Grains;
using Candles.Abstractions.Wire;

namespace Candles.Grains.Feeds;

/// <summary>
/// Holds one feed connector to a silo: started by <see cref="Ensure"/>, stopped when the activation ends
/// (the silo shuts down, or a duplicate activation of a membership change is dropped). Spread over the silos
/// so that the A and B replicas of a shard run on different ones where there are two.
/// </summary>
[KeepAlive]
[FeedSpreadPlacement]
public sealed class FeedGrain(FeedConnectors connectors) : Grain, IFeedGrain
{
    public Task Ensure(FeedAssignment assignment)
    {
        connectors.Ensure(this.GetPrimaryKeyString(), assignment);
        return Task.CompletedTask;
    }

    public Task<FeedStatus?> GetStatus() => Task.FromResult(connectors.Status(this.GetPrimaryKeyString()));

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) =>
        connectors.StopAsync(this.GetPrimaryKeyString());
}
