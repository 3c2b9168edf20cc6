using Candles.Abstractions.Wire;
using Candles.Storage.Sealed;
using Microsoft.Extensions.Logging.Abstractions;

namespace Candles.Grains.Tests;

/// <summary>What an instrument's grain keeps beside its 1m history, when the store holding both comes back without some of it.</summary>
public class InstrumentRecordTests
{
    private static readonly long Minute0Us = DateTimeOffset.Parse("2026-03-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds() * 1000;

    [Fact]
    public async Task MarksAndTheLiveFlagTheStoreLostAreWrittenBackAfterTheLoss()
    {
        var (state, record) = await DefinedAsync();
        await record.MarkLiveAsync();
        Assert.True(await record.MarkIncompleteAsync(Minute0Us, Minute0Us + 60_000_000));

        // Redis restarts without its last second: the definition is there, the mark and the live flag are not.
        state.Stored = new InstrumentState { Spec = state.Stored.Spec };
        await record.RestoreAfterLossAsync();

        Assert.True(record.Live);
        Assert.True(record.Incomplete?.Overlaps(Minute0Us / 1000, (Minute0Us / 1000) + 60_000), "the mark was forgotten");
        Assert.True(state.Stored.Live);
        Assert.True(state.Stored.Incomplete?.Overlaps((Minute0Us / 1000) + 60_000, (Minute0Us / 1000) + 120_000), "the mark was not written back");
    }

    [Fact]
    public async Task AStoreThatKeptEverythingIsNotWrittenAgain()
    {
        var (state, record) = await DefinedAsync();
        Assert.True(await record.MarkIncompleteAsync(Minute0Us, Minute0Us));
        var writes = state.Writes;
        await record.RestoreAfterLossAsync();
        Assert.Equal(writes, state.Writes);
        Assert.True(record.Incomplete?.Overlaps(Minute0Us / 1000, (Minute0Us / 1000) + 60_000));
    }

    /// <summary>A record of a defined instrument, over a store holding its definition.</summary>
    private static async Task<(StoredState State, InstrumentRecord Record)> DefinedAsync()
    {
        var state = new StoredState();
        state.State.Spec = new InstrumentSpec("TEST:RECORD", "0.01", "0.001");
        await state.WriteStateAsync();
        return (state, new InstrumentRecord(state, new InMemorySealedBarStore(), null!, "TEST:RECORD", NullLogger.Instance));
    }

    /// <summary>A grain's persisted state over a store a test can take back to an earlier version.</summary>
    private sealed class StoredState : IPersistentState<InstrumentState>
    {
        public InstrumentState Stored { get; set; } = new();

        public int Writes { get; private set; }

        public InstrumentState State { get; set; } = new();

        public string Etag => string.Empty;

        public bool RecordExists => Stored.Spec is not null;

        public Task ClearStateAsync()
        {
            (Stored, State) = (new InstrumentState(), new InstrumentState());
            return Task.CompletedTask;
        }

        public Task WriteStateAsync()
        {
            Stored = Copy(State);
            Writes++;
            return Task.CompletedTask;
        }

        public Task ReadStateAsync()
        {
            State = Copy(Stored);
            return Task.CompletedTask;
        }

        private static InstrumentState Copy(InstrumentState state) => new() { Spec = state.Spec, Live = state.Live, Incomplete = state.Incomplete };
    }
}
