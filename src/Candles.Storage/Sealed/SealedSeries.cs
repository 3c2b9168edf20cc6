using Candles.Core.Timeframes;

namespace Candles.Storage.Sealed;

/// <summary>Which sealed bars: an instrument's calendar timeframe (<c>1d</c>, <c>1w</c>, <c>1M</c>) in a zone.</summary>
public sealed record SealedSeries(string Instrument, Timeframe Timeframe, string Zone);
