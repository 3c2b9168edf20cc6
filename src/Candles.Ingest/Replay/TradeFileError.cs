namespace Candles.Ingest.Replay;

/// <summary>Why a trades file could not be read, and where: the 1-based line number.</summary>
public sealed record TradeFileError(long Line, string Reason)
{
    public override string ToString() => $"line {Line}: {Reason}";
}
