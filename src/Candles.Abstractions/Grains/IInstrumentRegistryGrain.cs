namespace Candles.Abstractions.Grains;

/// <summary>The set of defined instruments (a single grain, key 0): small, read by the instruments endpoint.</summary>
[Alias("candles.IInstrumentRegistryGrain")]
public interface IInstrumentRegistryGrain : IGrainWithIntegerKey
{
    [Alias("Add")]
    Task Add(string instrumentId);

    [Alias("List")]
    Task<IReadOnlyList<string>> List();
}
