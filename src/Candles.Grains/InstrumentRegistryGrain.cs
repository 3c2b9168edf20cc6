using Candles.Abstractions.Grains;
using Candles.Grains.Hosting;
using Candles.Storage.Sealed;

namespace Candles.Grains;

/// <summary>
/// The ids of all defined instruments, persisted; merged with the instruments that have sealed bars, so after
/// Redis is lost every instrument with history is still listed (and redefines itself when asked for).
/// </summary>
public sealed class InstrumentRegistryGrain(
    [PersistentState("registry", CandlesSiloBuilderExtensions.StorageName)] IPersistentState<SortedSet<string>> state,
    ISealedBarStore sealedBars) : Grain, IInstrumentRegistryGrain
{
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
}
