using Candles.Abstractions.Grains;
using Candles.Abstractions.Wire;
using Candles.Core.Ticks;
using Candles.Ingest.Feeds;

namespace Candles.Grains.Feeds;

/// <summary>A connector's ticks to the instruments' grains, as live batches.</summary>
internal sealed class GrainTickTarget(IGrainFactory grains) : ITickTarget
{
    public Task<DefineOutcome> DefineAsync(InstrumentSpec spec, CancellationToken cancellation) =>
        grains.GetGrain<ISymbolGrain>(spec.Id).Define(spec);

    public Task<FeedPosition> GetPositionAsync(string instrument, CancellationToken cancellation) =>
        grains.GetGrain<ISymbolGrain>(instrument).GetFeedPosition();

    public Task<IngestReport> IngestAsync(string instrument, Tick[] ticks, CancellationToken cancellation) =>
        grains.GetGrain<ISymbolGrain>(instrument).Ingest(ticks, live: true);

    public Task MarkIncompleteAsync(string instrument, long fromUs, long toUs, CancellationToken cancellation) =>
        grains.GetGrain<ISymbolGrain>(instrument).MarkIncomplete(fromUs, toUs);
}
