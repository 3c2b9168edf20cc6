using Candles.Abstractions.Grains;
using Candles.Abstractions.Wire;
using Candles.Grains.Hosting;
using Candles.Storage.Sealed;

namespace Candles.Grains;

/// <summary>
/// The ids of all defined instruments, persisted; merged with the instruments that have sealed bars, so after
/// Redis is lost every instrument with history is still listed (and redefines itself when asked for). It also holds, in
/// memory, what each resting instrument showed when its grain went, so listing them does not wake them all (each wake
/// restores a week of 1m history); after this grain is lost, the listing asks every instrument once more.
/// </summary>
[CollectionAgeLimit(AlwaysActive = true)]
public sealed class InstrumentRegistryGrain(
    [PersistentState("registry", CandlesSiloBuilderExtensions.StorageName)] IPersistentState<SortedSet<string>> state,
    ISealedBarStore sealedBars) : Grain, IInstrumentRegistryGrain
{
    private readonly Dictionary<string, InstrumentListing> _resting = new(StringComparer.Ordinal);
    private bool _merged;

    public async Task Add(string instrumentId)
    {
        if (state.State.Add(instrumentId))
        {
            try
            {
                await state.WriteStateAsync();
            }
            catch
            {
                // Not listed until stored: the caller's retry must write it, not find it already there.
                state.State.Remove(instrumentId);
                throw;
            }
        }
    }

    public async Task<IReadOnlyList<string>> List()
    {
        if (!_merged)
        {
            var before = state.State.Count;
            state.State.UnionWith(await sealedBars.ListInstrumentIdsAsync());
            if (state.State.Count != before)
            {
                await state.WriteStateAsync();
            }

            _merged = true;
        }

        return [.. state.State];
    }

    public async Task<InstrumentListings> Listings()
    {
        var ids = await List();
        return new InstrumentListings(
            [.. ids.Where(_resting.ContainsKey).Select(id => _resting[id])],
            [.. ids.Where(id => !_resting.ContainsKey(id))]);
    }

    public Task Rested(InstrumentListing listing)
    {
        _resting[listing.Spec.Id] = listing;
        return Task.CompletedTask;
    }

    public Task Woke(string instrumentId)
    {
        _resting.Remove(instrumentId);
        return Task.CompletedTask;
    }
}
