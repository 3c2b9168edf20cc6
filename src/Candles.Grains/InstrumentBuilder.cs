using Candles.Abstractions.Wire;
using Candles.Core.Building;
using Candles.Grains.Options;
using Microsoft.Extensions.Logging;

namespace Candles.Grains;

/// <summary>
/// An instrument's bar builder as its 1m store last committed it: restored from the store, rolled back to the last
/// commit when a commit fails, dropped when another activation wrote, and restored again by the next call that needs it.
/// </summary>
internal sealed partial class InstrumentBuilder(
    MinuteHistory history, InstrumentSealers sealers, InstrumentRecord record, SymbolGrainOptions options, string instrument, ILogger logger)
{
    /// <summary>The builder, or null before the instrument is defined or while a dropped one waits to be restored.</summary>
    public BarBuilder? Current { get; private set; }

    public async Task RestoreAsync(CancellationToken cancellation)
    {
        Current = await history.RestoreAsync(new BarBuilderOptions
        {
            Retention = options.Retention,
            SealedDays = sealers.Days,
        }, cancellation);
        sealers.KeepRestored(Current, history.Committed?.KeptDays);
        sealers.AskAgain();
    }

    /// <summary>The builder, restored from the store first if a failed commit dropped it.</summary>
    public async Task<BarBuilder> GetAsync()
    {
        if (Current is null && record.Spec is not null)
        {
            try
            {
                await RestoreAsync(CancellationToken.None);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogRestoreFailed(logger, ex, instrument);
                throw new InstrumentUnavailableException($"instrument {instrument} cannot read its 1m store; retry");
            }
        }

        // The gateway found it defined, but the store that held the definition lost it (and PostgreSQL has none).
        return sealers.WithKeep(Current ?? throw new InstrumentUndefinedException($"instrument {instrument} is not defined here now; define it again or retry"));
    }

    /// <summary>A commit failed: back to the last commit, as if the batch never came, still holding everything acknowledged.</summary>
    public void RollBack()
    {
        Current = Current?.RolledBack(history.Committed);
        sealers.AskAgain();
    }

    /// <summary>Another activation wrote: nothing this one holds may be committed again.</summary>
    public void Drop() => Current = null;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not restore the 1m history of {Instrument} from the store")]
    private static partial void LogRestoreFailed(ILogger logger, Exception exception, string instrument);
}
