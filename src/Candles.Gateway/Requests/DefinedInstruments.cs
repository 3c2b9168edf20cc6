using Candles.Abstractions.Grains;
using Candles.Abstractions.Wire;

namespace Candles.Gateway.Requests;

/// <summary>The instruments the registry knows, with their state; those not (or no longer) defined are left out.</summary>
public static class DefinedInstruments
{
    public static async Task<IReadOnlyList<SymbolStatus>> ListAsync(IGrainFactory grains)
    {
        var ids = await grains.GetGrain<IInstrumentRegistryGrain>(0).List();
        var statuses = await Task.WhenAll(ids.Select(id => grains.GetGrain<ISymbolGrain>(id).GetStatus()));
        return [.. statuses.Where(s => s.Spec is not null)];
    }
}
