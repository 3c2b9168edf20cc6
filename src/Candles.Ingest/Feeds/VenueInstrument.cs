namespace Candles.Ingest.Feeds;

/// <summary>An instrument's grids as the venue's exchange-information endpoint gives them, as decimal text.</summary>
public sealed record VenueInstrument(string Symbol, string TickSize, string QuantityStep);
