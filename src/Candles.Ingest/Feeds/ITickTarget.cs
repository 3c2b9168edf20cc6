using Candles.Abstractions.Wire;
using Candles.Core.Ticks;

namespace Candles.Ingest.Feeds;

/// <summary>Where a connector's ticks go: the instruments' grains in the service, a recorder in tests.</summary>
public interface ITickTarget
{
    Task<DefineOutcome> DefineAsync(InstrumentSpec spec, CancellationToken cancellation);

    /// <summary>Which trades the instrument holds already, so a connector starting anew knows where to resume.</summary>
    Task<FeedPosition> GetPositionAsync(string instrument, CancellationToken cancellation);

    /// <summary>Applies live ticks; throws when the instrument cannot take them now (the caller retries).</summary>
    Task<IngestReport> IngestAsync(string instrument, Tick[] ticks, CancellationToken cancellation);

    /// <summary>Marks the 1m bars overlapping [<paramref name="fromUs"/>, <paramref name="toUs"/>] as missing trades for good.</summary>
    Task MarkIncompleteAsync(string instrument, long fromUs, long toUs, CancellationToken cancellation);
}
