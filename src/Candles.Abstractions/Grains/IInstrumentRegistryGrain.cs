using Orleans.Concurrency;

namespace Candles.Abstractions.Grains;

/// <summary>
/// The set of defined instruments (a single grain, key 0): small, read by the instruments endpoint. Whether an instrument
/// rests is told to it between its other calls (they touch a dictionary only): a listing waiting on PostgreSQL must not
/// hold up an instrument's activation, nor time its notice out.
/// </summary>
[Alias("candles.IInstrumentRegistryGrain")]
public interface IInstrumentRegistryGrain : IGrainWithIntegerKey
{
    [Alias("Add")]
    Task Add(string instrumentId);

    [Alias("List")]
    Task<IReadOnlyList<string>> List();

    /// <summary>The listing without waking instruments that rest: see <see cref="Wire.InstrumentListings"/>.</summary>
    [Alias("Listings")]
    Task<Wire.InstrumentListings> Listings();

    /// <summary>An instrument's grain goes: what it shows in the listing until it is active again.</summary>
    [Alias("Rested")]
    [AlwaysInterleave]
    Task Rested(Wire.InstrumentListing listing);

    /// <summary>An instrument's grain is active again: the listing asks it.</summary>
    [Alias("Woke")]
    [AlwaysInterleave]
    Task Woke(string instrumentId);
}
