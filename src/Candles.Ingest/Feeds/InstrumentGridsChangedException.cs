namespace Candles.Ingest.Feeds;

/// <summary>
/// The instrument, defined again after its store lost the definition, now has other grids than the venue's: its trades
/// cannot be delivered on them. Not retried: the connector stops, and skips the instrument when it starts again.
/// </summary>
public sealed class InstrumentGridsChangedException : Exception
{
    public InstrumentGridsChangedException()
    {
    }

    public InstrumentGridsChangedException(string instrument)
        : base($"{instrument} is defined with other grids than the venue's; its feed stops")
    {
    }

    public InstrumentGridsChangedException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
