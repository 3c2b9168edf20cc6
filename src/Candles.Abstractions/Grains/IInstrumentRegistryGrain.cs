namespace Candles.Abstractions.Grains;

/// <summary>The set of defined instruments (a single grain, key 0): small, read by the instruments endpoint.</summary>
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
    Task Rested(Wire.InstrumentListing listing);

    /// <summary>An instrument's grain is active again: the listing asks it.</summary>
    [Alias("Woke")]
    Task Woke(string instrumentId);
}
