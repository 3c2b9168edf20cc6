namespace Candles.Abstractions.Wire;

/// <summary>
/// The instrument's grain holds no definition now (the store that held it lost it, and the sealed-bar store has none)
/// and kept nothing of the call: define it again, then retry. Unavailable like any other refusal to a caller that
/// cannot define it.
/// </summary>
[GenerateSerializer, Alias("candles.InstrumentUndefinedException")]
public sealed class InstrumentUndefinedException : InstrumentUnavailableException
{
    public InstrumentUndefinedException()
    {
    }

    public InstrumentUndefinedException(string message)
        : base(message)
    {
    }

    public InstrumentUndefinedException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
