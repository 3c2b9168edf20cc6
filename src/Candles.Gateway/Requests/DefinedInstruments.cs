using Candles.Abstractions.Grains;
using Candles.Abstractions.Wire;

namespace Candles.Gateway.Requests;

/// <summary>The instruments the registry knows, with their state; those not (or no longer) defined are left out.</summary>
public static class DefinedInstruments
{
    /// <summary>Every defined instrument by id: a resting one as it was when it went, the others asked.</summary>
    public static async Task<IReadOnlyList<InstrumentListing>> ListAsync(IGrainFactory grains)
    {
        var registry = grains.GetGrain<IInstrumentRegistryGrain>(0);
        InstrumentListings listings;
        try
        {
            listings = await registry.Listings();
        }
        catch (Exception ex) when (ex is not (OutOfMemoryException or TimeoutException or OperationCanceledException))
        {
            // A registry of an earlier version (during a rolling update) knows ids only: every instrument is asked.
            listings = new InstrumentListings([], await registry.List());
        }

        var statuses = await Task.WhenAll(listings.Others.Select(id => grains.GetGrain<ISymbolGrain>(id).GetStatus()));
        IEnumerable<InstrumentListing> asked = statuses.Where(s => s.Spec is not null).Select(s => new InstrumentListing(s.Spec!, s.FirstBarMs, s.LastBarMs));
        return [.. listings.Resting.Concat(asked).OrderBy(l => l.Spec.Id, StringComparer.Ordinal)];
    }
}
