namespace Candles.Abstractions.Wire;

/// <summary>
/// The instrument could not take the call now (its 1m store failed or refused the write) and kept nothing of it:
/// the same call may be retried, and ingest is idempotent, so a retry counts each tick once.
/// </summary>
[GenerateSerializer, Alias("candles.InstrumentUnavailableException")]
public class InstrumentUnavailableException : Exception
{
    public InstrumentUnavailableException()
    {
    }

    public InstrumentUnavailableException(string message)
        : base(message)
    {
    }

    public InstrumentUnavailableException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
