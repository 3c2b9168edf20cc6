using Candles.Abstractions.Grains;
using Candles.Grains.Hosting;

namespace Candles.Grains;

/// <summary>The ids of all defined instruments, persisted.</summary>
public sealed class InstrumentRegistryGrain(
    [PersistentState("registry", CandlesSiloBuilderExtensions.StorageName)] IPersistentState<SortedSet<string>> state) : Grain, IInstrumentRegistryGrain
{
    public async Task Add(string instrumentId)
    {
        if (state.State.Add(instrumentId))
        {
            await state.WriteStateAsync();
        }
    }

    public Task<IReadOnlyList<string>> List() => Task.FromResult<IReadOnlyList<string>>([.. state.State]);
}
