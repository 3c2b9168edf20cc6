using Candles.Abstractions.Grains;
using Candles.Abstractions.Wire;
using Candles.Storage.Sealed;
using Microsoft.Extensions.Logging;

namespace Candles.Grains;

/// <summary>
/// What an instrument's grain persists beside its 1m history (in Redis, in cluster mode): its definition, listed in the
/// instrument registry and found again from the sealed-bar store when Redis lost it; whether a live source feeds it; the
/// minutes it misses trades in. A write that fails leaves the state as it was.
/// </summary>
internal sealed partial class InstrumentRecord(
    IPersistentState<InstrumentState> state, ISealedBarStore sealedBars, IGrainFactory grains, string instrument, ILogger logger)
{
    public InstrumentSpec? Spec => state.State.Spec;

    /// <summary>Set by the first live batch: from then on quiet minutes close by the wall clock, after a restart too.</summary>
    public bool Live => state.State.Live;

    public IncompleteSpans? Incomplete => state.State.Incomplete;

    /// <summary>Defines the instrument once; the same grids again change nothing, other grids are a conflict.</summary>
    public async Task<DefineOutcome> DefineAsync(InstrumentSpec spec)
    {
        if (state.State.Spec is { } existing)
        {
            if (!existing.SameGridsAs(spec))
            {
                return DefineOutcome.Conflict;
            }

            // Listed again: a define that stored the definition but failed before listing it (a crash, the registry
            // unreachable) is retried as this one, and an instrument left unlisted is unknown to every other gateway.
            await grains.GetGrain<IInstrumentRegistryGrain>(0).Add(instrument);
            return DefineOutcome.Unchanged;
        }

        state.State.Spec = spec with { Id = instrument };
        await state.WriteStateAsync();
        await grains.GetGrain<IInstrumentRegistryGrain>(0).Add(instrument);
        LogDefined(logger, instrument, spec.TickSize, spec.QuantityStep);
        return DefineOutcome.Created;
    }

    /// <summary>
    /// Tells the registry the grain is active (the listing then asks it) or resting (the listing shows what it held, and
    /// does not wake it). A failure is logged: at worst the listing shows what it held when it last rested.
    /// </summary>
    public async Task ListedAsync(InstrumentListing? resting)
    {
        try
        {
            var registry = grains.GetGrain<IInstrumentRegistryGrain>(0);
            await (resting is null ? registry.Woke(instrument) : registry.Rested(resting));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogListingNotTold(logger, ex, instrument);
        }
    }

    /// <summary>
    /// The grids the sealed-bar store keeps for an instrument with sealed bars, the way back after Redis lost its
    /// definition, and when its latest sealed day ends. Only a recovery path: PostgreSQL being down must not stop an
    /// instrument from activating.
    /// </summary>
    public async Task<(InstrumentSpec Spec, long? SealedThroughMs)?> FindSealedAsync(CancellationToken cancellation)
    {
        try
        {
            return await sealedBars.FindInstrumentAsync(instrument, cancellation) is { } known
                ? (new InstrumentSpec(instrument, known.TickSize.ToString(), known.QuantityStep.ToString()), await sealedBars.SealedThroughAsync(instrument, cancellation))
                : null;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException and not OperationCanceledException)
        {
            LogSealedLookupFailed(logger, ex, instrument);
            return null;
        }
    }

    /// <summary>
    /// The grids the sealed-bar store keeps for the instrument (null: none) and when its latest sealed day ends (null: none
    /// sealed), for a definition made with nothing in Redis: it may have had a history Redis lost, on grids a definition
    /// must not change. A sealed-bar store that cannot be read is a retryable <see cref="InstrumentUnavailableException"/>,
    /// not a history taken as empty.
    /// </summary>
    public async Task<(InstrumentSpec? Spec, long? SealedThroughMs)> SealedAsync()
    {
        try
        {
            var known = await sealedBars.FindInstrumentAsync(instrument);
            var spec = known is null ? null : new InstrumentSpec(instrument, known.TickSize.ToString(), known.QuantityStep.ToString());
            return (spec, await sealedBars.SealedThroughAsync(instrument));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            LogSealedLookupFailed(logger, ex, instrument);
            throw new InstrumentUnavailableException($"instrument {instrument} cannot check its sealed bars now; retry");
        }
    }

    /// <summary>Remembers that a live source feeds the instrument.</summary>
    public async Task MarkLiveAsync()
    {
        if (state.State.Live)
        {
            return;
        }

        await state.WriteChangeAsync(s => s.Live = true, s => s.Live = false);
    }

    /// <summary>
    /// Remembers that the minutes from <paramref name="fromUs"/> to <paramref name="toUs"/> miss trades for good. False
    /// when they were known to already; a failed write is a retryable <see cref="InstrumentUnavailableException"/>.
    /// </summary>
    public async Task<bool> MarkIncompleteAsync(long fromUs, long toUs)
    {
        var held = state.State.Incomplete ?? IncompleteSpans.None;
        var marked = held.WithMinutes(fromUs, toUs);
        if (marked.SameAs(held))
        {
            return false;
        }

        try
        {
            state.State.Incomplete = marked;
            await state.WriteStateAsync();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            state.State.Incomplete = held;
            LogIncompleteNotStored(logger, ex, instrument);
            throw new InstrumentUnavailableException($"instrument {instrument} could not store the incomplete minutes; retry");
        }

        LogIncomplete(logger, instrument, fromUs, toUs);
        return true;
    }

    /// <summary>
    /// The store that lost the 1m history may have lost this state too (one Redis holds both): all of it, or only its
    /// last writes (a restart without its last second). What this activation holds and the store lacks is put back.
    /// </summary>
    public async Task RestoreAfterLossAsync()
    {
        // Best effort: the bars are committed already, so a failure here must not report the batch as lost.
        var held = state.State;
        try
        {
            await state.ReadStateAsync();
            var stored = state.State;
            if (stored.Spec is null)
            {
                state.State = held;
                await state.WriteStateAsync();
                await grains.GetGrain<IInstrumentRegistryGrain>(0).Add(instrument);
                return;
            }

            // Marks are never taken back: the minutes missing trades are those of either.
            var incomplete = (held.Incomplete ?? IncompleteSpans.None).Union(stored.Incomplete ?? IncompleteSpans.None);
            if ((held.Live && !stored.Live) || !incomplete.SameAs(stored.Incomplete ?? IncompleteSpans.None))
            {
                state.State = new InstrumentState { Spec = stored.Spec, Live = held.Live || stored.Live, Incomplete = incomplete };
                await state.WriteStateAsync();
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            state.State = held;
            LogDefinitionNotRestored(logger, ex, instrument);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instrument {Instrument} misses trades from {FromUs} to {ToUs} (µs) for good; those bars are served as not complete")]
    private static partial void LogIncomplete(ILogger logger, string instrument, long fromUs, long toUs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not store the incomplete minutes of {Instrument}; nothing changed")]
    private static partial void LogIncompleteNotStored(ILogger logger, Exception exception, string instrument);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instrument {Instrument} defined: tick {TickSize}, quantity step {QuantityStep}")]
    private static partial void LogDefined(ILogger logger, string instrument, string tickSize, string quantityStep);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not look {Instrument} up in the sealed-bar store; it activates undefined unless Redis holds its definition")]
    private static partial void LogSealedLookupFailed(ILogger logger, Exception exception, string instrument);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not tell the instrument registry whether {Instrument} rests")]
    private static partial void LogListingNotTold(ILogger logger, Exception exception, string instrument);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not write back the definition of {Instrument} after the store lost it; the next write-back will")]
    private static partial void LogDefinitionNotRestored(ILogger logger, Exception exception, string instrument);
}
